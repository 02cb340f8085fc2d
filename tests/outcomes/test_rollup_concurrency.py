"""Notes of one day, place and clinician signed at the same moment: every one is counted once,
on either database. Under PostgreSQL's READ COMMITTED two refreshes of one bucket could both
insert their rows; the roll-ups' per-clinic lock prevents it (and today the audit chain's row
lock, taken earlier in the signing, serialises the signings of a clinic as well)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from taut.charting.services import session_sign
from taut.clinics.models import Location
from taut.outcomes import rollups
from taut.outcomes.models import Grain, SessionTally
from tests.conftest import make_patient
from tests.outcomes.conftest import History, rollup_snapshot, week

SIGNERS = 6


@pytest.mark.django_db(transaction=True)
def test_notes_signed_at_once_are_each_counted_once(world: Any) -> None:
    clinic, clinician = world.clinic_a, world.clinician_a
    location = Location.objects.get(clinic=clinic)
    history = History(clinic, world.owner_a)
    sessions = [
        history.session(
            make_patient(clinic, f"Pat{i}", "Signer"),
            week(0),
            clinician=clinician,
            location=location,
            nprs=6,
            signed=False,
        )
        for i in range(SIGNERS)
    ]
    start_line = threading.Barrier(SIGNERS)
    failures: list[str] = []

    def sign(session: Any) -> None:
        try:
            start_line.wait()
            session_sign(request=None, actor=clinician, session=session)
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            failures.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    day_rows = SessionTally.objects.for_clinic(clinic).filter(grain=Grain.DAY, day=week(0))
    assert list(day_rows.values_list("sessions", flat=True)) == [SIGNERS]
    signed_one_by_one = rollup_snapshot(clinic.pk)
    rollups.rebuild(clinic.pk)
    assert rollup_snapshot(clinic.pk) == signed_one_by_one
