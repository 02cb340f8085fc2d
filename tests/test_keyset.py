"""Keyset pagination walks a list page by page, both ways, ties included, without OFFSET."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taut.keyset import InvalidCursor, encode, page_across, page_after, page_before
from taut.patients.models import Patient
from tests.conftest import World, make_patient

ORDER = ("family_key", "-date_of_birth", "pk")


@pytest.fixture
def patients(world: World) -> list[Patient]:
    names = ["Cole", "Abbott", "Cole", "Baker", "Cole", "Abbott", "Dunn"]
    for i, family in enumerate(names):
        make_patient(world.clinic_a, f"P{i}", family, date_of_birth=date(1980 + i % 3, 1, 1))
    return list(Patient.objects.for_clinic(world.clinic_a).order_by(*ORDER))


def _walk(rows: object, size: int) -> list[int]:
    seen, cursor = [], None
    while True:
        page = page_after(rows, ORDER, cursor, size)  # type: ignore[arg-type]
        seen += [p.pk for p in page.rows]
        if page.next is None:
            return seen
        cursor = page.next


def test_walking_forward_visits_every_row_once_in_order(patients: list[Patient]) -> None:
    rows = Patient.objects.filter(clinic=patients[0].clinic)
    for size in (1, 2, 3, 100):
        assert _walk(rows, size) == [p.pk for p in patients]


def test_walking_back_from_a_cursor_gives_the_pages_before_it(patients: list[Patient]) -> None:
    rows = Patient.objects.filter(clinic=patients[0].clinic)
    first = page_after(rows, ORDER, None, 3)
    second = page_after(rows, ORDER, first.next, 3)
    assert first.previous is None and second.previous is not None
    back = page_before(rows, ORDER, second.previous, 3)
    assert [p.pk for p in back.rows] == [p.pk for p in first.rows]
    assert back.previous is None and back.next == first.next


def test_a_page_is_one_query_without_offset_or_count(patients: list[Patient]) -> None:
    rows = Patient.objects.filter(clinic=patients[0].clinic)
    cursor = page_after(rows, ORDER, None, 2).next
    with CaptureQueriesContext(connection) as queries:
        page_after(rows, ORDER, cursor, 2)
    (sql,) = [q["sql"].upper() for q in queries.captured_queries]
    assert "OFFSET" not in sql and "COUNT(" not in sql


MADE_UP = [
    "%%%",  # not base64
    "bm90IGpzb24",  # not JSON
    "WzFd",  # [1]: too short
    "WyJ4IiwgIjE5ODAiLCAzXQ",  # ["x", "1980", 3]: not a date
    encode(["x", "1980-01-01", 2**70]),  # beyond any key
    encode(["x\x00", "1980-01-01", 3]),  # a NUL the database cannot compare
]


@pytest.mark.parametrize("cursor", MADE_UP)
def test_a_cursor_this_list_never_gave_is_refused(patients: list[Patient], cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        page_after(Patient.objects.all(), ORDER, cursor, 2)


def test_parts_are_read_one_after_the_other_across_pages(patients: list[Patient]) -> None:
    rows = Patient.objects.filter(clinic=patients[0].clinic)
    parts = [
        rows.filter(family_key="cole").order_by(*ORDER),
        rows.exclude(family_key="cole").order_by(*ORDER),
    ]
    expected = [p.pk for p in parts[0]] + [p.pk for p in parts[1]]
    for size in (1, 2, 3, 7, 50):
        seen, cursor = [], None
        while True:
            page = page_across(parts, cursor, size)
            seen += [p.pk for p in page.rows]
            if page.next is None:
                break
            cursor = page.next
        assert seen == expected, size


def test_a_part_cursor_out_of_range_is_refused(patients: list[Patient]) -> None:
    parts = [Patient.objects.order_by(*ORDER)]
    with pytest.raises(InvalidCursor):
        page_across(parts, encode([3, ""]), 2)
