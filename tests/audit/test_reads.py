"""Every page that shows part of a patient's record leaves a 'view' entry naming the patient."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taut.audit.models import Action, AuditEntry
from taut.screening.services import intake_submit
from tests.conftest import World, client_for


@pytest.mark.parametrize(
    ("name", "user"),
    [
        ("patients:detail", "frontdesk_a"),
        ("patients:edit", "frontdesk_a"),
        ("screening:intake", "clinician_a"),  # the desk is shown no history (test_roles)
        ("screening:intake_history", "clinician_a"),
        ("screening:view", "clinician_a"),
        ("consent:patient", "frontdesk_a"),
    ],
)
def test_staff_pages_of_a_patient_audit_the_read(world: World, name: str, user: str) -> None:
    intake_submit(
        request=None,
        actor=world.frontdesk_a,
        patient=world.patient_a,
        facts={"anticoagulant": True},
        history={},
        channel="desk",
    )
    from datetime import date

    from taut.screening.services import screening_perform

    screening_perform(
        request=None, actor=world.clinician_a, patient=world.patient_a, as_of=date(2026, 11, 23)
    )
    before = AuditEntry.objects.filter(action=Action.VIEW).count()
    response = client_for(getattr(world, user)).get(reverse(name, args=[world.patient_a.public_id]))
    assert response.status_code == 200
    entries = AuditEntry.objects.filter(action=Action.VIEW).order_by("pk")[before:]
    assert entries, f"{name} showed patient data without an audit entry"
    assert all(e.actor == getattr(world, user) for e in entries)


@pytest.mark.parametrize("name", ["portal:home", "portal:intake", "portal:consents"])
def test_portal_pages_audit_the_patients_own_reads(world: World, name: str) -> None:
    intake_submit(
        request=None,
        actor=world.portal_user_a,
        patient=world.patient_a,
        facts={},
        history={},
        channel="portal",
    )
    before = AuditEntry.objects.filter(action=Action.VIEW).count()
    assert client_for(world.portal_user_a).get(reverse(name)).status_code == 200
    assert AuditEntry.objects.filter(action=Action.VIEW, actor=world.portal_user_a).count() > before
