"""The demo's outcome histories and the bulk seeder for benchmarks."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from taut.audit.models import AuditEntry
from taut.charting.models import Measure, SessionStatus, TreatmentSession
from taut.clinical.course import FlagCode
from taut.clinics.models import Clinic
from taut.demo.bulk import seed_bulk_history
from taut.demo.seed import DEMO_SLUG, seed_demo
from taut.outcomes.selectors import clinic_dashboard
from taut.outcomes.selectors.clinic_dashboard import DashboardFilter
from taut.outcomes.selectors.patient_course import patient_outcomes
from taut.patients.models import Patient


@pytest.mark.django_db
def test_the_demo_has_a_responder_and_a_plateau_and_takes_a_bulk_history():
    seed_demo(password="demo-password-for-tests")
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    courses = [
        course
        for patient in Patient.objects.for_clinic(clinic)
        for course in patient_outcomes(patient=patient).courses
    ]
    assert any(c.status is not None and c.status.responded for c in courses)
    assert any(FlagCode.PLATEAU in {f.code for f in c.flags} for c in courses)
    assert any(FlagCode.END_OF_PLAN in {f.code for f in c.flags} for c in courses)
    signed_before = TreatmentSession.objects.for_clinic(clinic).count()
    audit_before = AuditEntry.objects.filter(clinic_id=clinic.pk).count()

    result = seed_bulk_history(clinic=clinic, sessions=250, today=date(2026, 11, 23), seed=3)

    sessions = TreatmentSession.objects.for_clinic(clinic)
    assert result.sessions == 250 == sessions.count() - signed_before
    assert not sessions.exclude(status=SessionStatus.SIGNED).exists()
    assert sessions.filter(condition__isnull=False, location__isnull=False).count() >= 250
    assert (
        Measure.objects.for_clinic(clinic).filter(instrument="nprs", timing="before").count() >= 250
    )
    entries = AuditEntry.objects.filter(clinic_id=clinic.pk)
    assert entries.count() == audit_before + 1  # one entry for the whole synthetic import
    assert entries.latest("pk").detail["sessions"] == 250
    everything = DashboardFilter(date(2023, 1, 1), date(2026, 11, 23))
    nprs = next(
        r
        for r in clinic_dashboard.responders_by_instrument(clinic, everything)
        if r["instrument"] == "nprs"
    )
    assert 0 < nprs["responders"] < nprs["courses"]
    # A second run continues after the first (ids assigned by the seeder do not collide).
    seed_bulk_history(clinic=clinic, sessions=20, today=date(2026, 11, 23), seed=4)
    assert TreatmentSession.objects.for_clinic(clinic).count() == signed_before + 270


@pytest.mark.django_db
def test_the_demo_command_adds_sessions_to_an_existing_demo(capsys):
    seed_demo(password="demo-password-for-tests")
    call_command("demo", "--sessions", "30")
    out = capsys.readouterr().out
    assert "30 of 30 sessions" in out and "one audit entry" in out


def test_the_bulk_seeder_refuses_nonsense():
    with pytest.raises(ValueError, match="at least 1"):
        seed_bulk_history(clinic=None, sessions=0, today=date(2026, 1, 1))  # type: ignore[arg-type]
