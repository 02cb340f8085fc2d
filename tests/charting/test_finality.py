"""A signed note is final in the database itself, on SQLite and PostgreSQL alike: every way of
changing or removing the note, its needling entries, measures, adverse events or addenda is
refused by a trigger, whatever code path tries it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction

from taut.charting import services
from taut.charting.models import (
    Addendum,
    Measure,
    NeedlingEntry,
    SessionAdverseEvent,
    TreatmentSession,
)
from taut.clinics.models import Membership
from tests.charting.conftest import ENTRY, TODAY, Ready, make_ready, stock_and_profile
from tests.conftest import World


@dataclass
class SignedNote:
    session: TreatmentSession
    entry: NeedlingEntry
    measure: Measure
    event: SessionAdverseEvent
    addendum: Addendum
    open_session: TreatmentSession

    def rows(self) -> list[models.Model]:
        return [self.entry, self.measure, self.event, self.addendum]


def _start(ready: Ready) -> TreatmentSession:
    return services.session_start(
        request=None,
        membership=Membership.objects.get(user=ready.world.clinician_a),
        patient=ready.world.patient_a,
        today=TODAY,
    )


def sign_a_full_note(ready: Ready) -> SignedNote:
    clinician = ready.world.clinician_a
    session = _start(ready)
    entry = services.entry_add(
        request=None,
        actor=clinician,
        session=session,
        data={**ENTRY, "lot_id": ready.lot.pk, "needles_in": 1},
    )
    services.entry_count_out(request=None, actor=clinician, entry=entry, needles_out=1)
    measure = services.measure_add(
        request=None,
        actor=clinician,
        session=session,
        instrument="nprs",
        timing="before",
        answers=[6],
    )
    event = services.adverse_event_add(
        request=None,
        actor=clinician,
        session=session,
        event="bruising",
        severity="mild",
        action_taken="Pressure and ice.",
    )
    services.session_sign(request=None, actor=clinician, session=session)
    addendum = services.addendum_add(
        request=None, actor=clinician, session=session, text="Called: soreness eased."
    )
    open_session = _start(ready)
    entry.refresh_from_db()
    return SignedNote(session, entry, measure, event, addendum, open_session)


@pytest.fixture
def note(ready: Ready) -> SignedNote:
    return sign_a_full_note(ready)


def _refused(change: Callable[[], Any]) -> None:
    with pytest.raises(DatabaseError, match="signed note|addendum"), transaction.atomic():
        change()


def _table(row: models.Model) -> str:
    return row._meta.db_table


def _text_field(row: models.Model) -> str:
    return {
        NeedlingEntry: "muscle",
        Measure: "site",
        SessionAdverseEvent: "action_taken",
        Addendum: "text",
    }[type(row)]


ROW_KINDS = ["entry", "measure", "event", "addendum"]


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_an_orm_save_of_a_signed_notes_row_is_refused(note: SignedNote, kind: str) -> None:
    row = getattr(note, kind)
    setattr(row, _text_field(row), "rewritten")
    _refused(row.save)


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_an_orm_delete_of_a_signed_notes_row_is_refused(note: SignedNote, kind: str) -> None:
    _refused(getattr(note, kind).delete)


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_a_queryset_update_and_delete_are_refused(note: SignedNote, kind: str) -> None:
    row = getattr(note, kind)
    rows = type(row).objects.filter(session=note.session)
    _refused(lambda: rows.update(**{_text_field(row): "rewritten"}))
    _refused(rows.delete)
    _refused(lambda: type(row).objects.all()._raw_delete(connection.alias))


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_a_bulk_update_is_refused(note: SignedNote, kind: str) -> None:
    row = getattr(note, kind)
    setattr(row, _text_field(row), "rewritten")
    _refused(lambda: type(row).objects.bulk_update([row], [_text_field(row)]))


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_raw_sql_update_and_delete_are_refused(note: SignedNote, kind: str) -> None:
    row = getattr(note, kind)
    table, column = _table(row), _text_field(row)
    with connection.cursor() as cursor:
        _refused(
            lambda: cursor.execute(f"UPDATE {table} SET {column} = 'x' WHERE id = %s", [row.pk])
        )
        _refused(lambda: cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row.pk]))
        _refused(lambda: cursor.execute(f"DELETE FROM {table}"))


@pytest.mark.parametrize("kind", ["entry", "measure", "event", "addendum"])
def test_a_row_cannot_be_moved_out_of_a_signed_note(note: SignedNote, kind: str) -> None:
    row = getattr(note, kind)
    rows = type(row).objects.filter(pk=row.pk)
    _refused(lambda: rows.update(session=note.open_session))


def test_nothing_can_be_added_to_a_signed_note_but_an_addendum(note: SignedNote) -> None:
    entry = note.entry
    entry.pk = None
    _refused(entry.save)
    _refused(
        lambda: Measure.objects.create(
            clinic=note.session.clinic,
            session=note.session,
            instrument="nprs",
            timing="after",
            score=2,
            unit="0-10",
            recorded_at=datetime.now(UTC),
        )
    )
    services.addendum_add(
        request=None, actor=note.addendum.author, session=note.session, text="A second one."
    )
    assert note.session.addenda.count() == 2


def test_the_signed_session_itself_cannot_be_changed_or_deleted(note: SignedNote) -> None:
    sessions = TreatmentSession.objects.filter(pk=note.session.pk)
    _refused(lambda: sessions.update(subjective="rewritten"))
    _refused(lambda: sessions.update(status="open"))
    _refused(lambda: sessions._raw_delete(connection.alias))
    with connection.cursor() as cursor:
        _refused(
            lambda: cursor.execute(
                "DELETE FROM charting_treatmentsession WHERE id = %s", [note.session.pk]
            )
        )


def test_every_row_is_still_there_and_unchanged_after_the_attempts(note: SignedNote) -> None:
    for kind in ROW_KINDS:
        row = getattr(note, kind)
        with pytest.raises(DatabaseError), transaction.atomic():
            type(row).objects.filter(pk=row.pk).delete()
    for row in note.rows():
        fresh = type(row).objects.get(pk=row.pk)
        assert getattr(fresh, _text_field(row)) == getattr(row, _text_field(row))


def test_an_open_notes_rows_may_still_be_changed_and_removed(ready: Ready) -> None:
    session = _start(ready)
    entry = services.entry_add(
        request=None,
        actor=ready.world.clinician_a,
        session=session,
        data={**ENTRY, "lot_id": ready.lot.pk},
    )
    NeedlingEntry.objects.filter(pk=entry.pk).update(insertions=6)
    entry.delete()
    assert not NeedlingEntry.objects.filter(session=session).exists()


def _trigger_names() -> list[str]:
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        return [name for (name,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_flush_empties_a_database_with_a_signed_note_and_keeps_the_guards(world: World) -> None:
    make_ready(world)
    sign_a_full_note(stock_and_profile(world))
    guards = _trigger_names()
    call_command("flush", interactive=False, verbosity=0)
    assert not TreatmentSession.objects.exists()
    assert not Addendum.objects.exists()
    assert _trigger_names() == guards
