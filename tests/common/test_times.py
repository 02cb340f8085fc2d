"""How a time is written for a person: local, with the zone's abbreviation."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from taut.common.times import local_text

# 03:30 UTC on 4 December: the evening of the 3rd in Denver, the afternoon of the 4th in Sydney.
INSTANT = dt.datetime(2026, 12, 4, 3, 30, tzinfo=dt.UTC)


def _render(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def test_the_filter_writes_the_active_zones_time_and_abbreviation() -> None:
    with timezone.override(ZoneInfo("America/Denver")):
        assert _render("{{ t|when }}", t=INSTANT) == "3 Dec 2026, 20:30 MST"
    with timezone.override(ZoneInfo("Australia/Sydney")):
        assert _render('{{ t|when:"long" }}', t=INSTANT) == "Friday 4 December 2026, 14:30 AEDT"


def test_a_format_without_the_zone_gets_the_abbreviation_added() -> None:
    with timezone.override(ZoneInfo("America/Denver")):
        assert _render('{{ t|when:"Y-m-d H:i:s" }}', t=INSTANT) == "2026-12-03 20:30:00 MST"
        assert _render('{{ t|when:"time" }}', t=INSTANT) == "20:30 MST"


def test_summer_time_shows_its_own_abbreviation() -> None:
    july = dt.datetime(2027, 7, 1, 18, 0, tzinfo=dt.UTC)
    assert local_text(july, ZoneInfo("America/Denver")) == "1 Jul 2027, 12:00 MDT"
    assert local_text(july, ZoneInfo("Australia/Sydney"), "time") == "04:00 AEST"


def test_an_empty_value_writes_nothing_and_a_date_or_naive_time_is_refused() -> None:
    assert _render("{{ t|when }}", t=None) == "" and _render("{{ missing|when }}") == ""
    with pytest.raises(TypeError, match="use `date`"):
        _render("{{ t|when }}", t=dt.date(2026, 12, 4))
    with pytest.raises(ValueError, match="aware"):
        _render("{{ t|when }}", t=dt.datetime(2026, 12, 4, 3, 30))  # noqa: DTZ001
