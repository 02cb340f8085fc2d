"""The role matrix: what each role may do, stated once and checked against the running views."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taut.clinics.roles import GRANTS, Permission, Role
from tests.conftest import World, client_for

MATRIX = {
    Permission.PATIENT_VIEW: {Role.OWNER, Role.CLINICIAN, Role.FRONT_DESK},
    Permission.PATIENT_EDIT: {Role.OWNER, Role.CLINICIAN, Role.FRONT_DESK},
    Permission.PATIENT_ARCHIVE: {Role.OWNER, Role.CLINICIAN},
    Permission.INTAKE_TAKE: {Role.OWNER, Role.CLINICIAN, Role.FRONT_DESK},
    Permission.CLINICAL_VIEW: {Role.OWNER, Role.CLINICIAN},
    Permission.CLINICAL_EDIT: {Role.CLINICIAN},
    Permission.AUDIT_VIEW: {Role.OWNER},
    Permission.CLINIC_MANAGE: {Role.OWNER},
    Permission.CONSENT_MANAGE: {Role.OWNER},
    Permission.CONSENT_TAKE: {Role.OWNER, Role.CLINICIAN, Role.FRONT_DESK},
    Permission.NEEDLE_STOCK: {Role.OWNER, Role.CLINICIAN},
    Permission.SCHEDULE_BOOK: {Role.OWNER, Role.CLINICIAN, Role.FRONT_DESK},
    Permission.SCHEDULE_SETUP: {Role.OWNER},
    Permission.DASHBOARD_VIEW: {Role.OWNER, Role.CLINICIAN},
    Permission.EDUCATION_EDIT: {Role.OWNER},
    Permission.DATA_EXPORT: {Role.OWNER},
    Permission.DATA_IMPORT: {Role.OWNER, Role.FRONT_DESK},
    Permission.API_ACCESS: {Role.OWNER, Role.CLINICIAN},
    Permission.BILLING_VIEW: {Role.OWNER, Role.CLINICIAN, Role.FRONT_DESK},
    Permission.BILLING_CHARGE: {Role.OWNER, Role.FRONT_DESK},
    Permission.BILLING_VOID: {Role.OWNER},
    Permission.TAKINGS_VIEW: {Role.OWNER},
}


def test_grants_match_the_stated_matrix() -> None:
    assert {p: set(r) for p, r in GRANTS.items()} == MATRIX


PAGES = [
    ("patients:list", "get", Permission.PATIENT_VIEW),
    ("patients:create", "get", Permission.PATIENT_EDIT),
    ("patients:detail", "get", Permission.PATIENT_VIEW),
    ("patients:edit", "get", Permission.PATIENT_EDIT),
    ("patients:archive", "post", Permission.PATIENT_ARCHIVE),
    ("audit:log", "get", Permission.AUDIT_VIEW),
    ("clinics:settings", "get", Permission.CLINIC_MANAGE),
    ("screening:intake", "get", Permission.INTAKE_TAKE),
    ("screening:view", "get", Permission.CLINICAL_VIEW),
    ("screening:run", "post", Permission.CLINICAL_EDIT),
    ("consent:documents", "get", Permission.CONSENT_MANAGE),
    ("consent:patient", "get", Permission.CONSENT_TAKE),
    ("charting:stock", "get", Permission.NEEDLE_STOCK),
    ("charting:practitioners", "get", Permission.CLINIC_MANAGE),
    ("charting:sessions", "get", Permission.CLINICAL_VIEW),
    ("charting:start", "post", Permission.CLINICAL_EDIT),
    ("billing:account", "get", Permission.BILLING_VIEW),
    ("billing:payment", "post", Permission.BILLING_CHARGE),
    ("billing:setup", "get", Permission.CLINIC_MANAGE),
    ("billing:takings", "get", Permission.TAKINGS_VIEW),
]
TAKES_PATIENT = {
    "patients:detail",
    "patients:edit",
    "patients:archive",
    "screening:intake",
    "screening:view",
    "screening:run",
    "consent:patient",
    "charting:sessions",
    "charting:start",
    "billing:account",
    "billing:payment",
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("name", "method", "permission"), PAGES)
def test_each_role_reaches_exactly_the_pages_it_may(
    world: World, role: Role, name: str, method: str, permission: Permission
) -> None:
    kwargs = {"patient_id": world.patient_a.public_id} if name in TAKES_PATIENT else {}
    response = getattr(client_for(world.staff("a", role)), method)(reverse(name, kwargs=kwargs))
    if role in MATRIX[permission]:
        assert response.status_code in {200, 302, 409}  # 409: allowed, but the gate refused
    else:
        assert response.status_code == 403


def test_a_patient_cannot_open_staff_pages(world: World) -> None:
    client = client_for(world.portal_user_a)
    assert client.get(reverse("patients:list")).status_code == 403
    assert client.get(reverse("audit:log")).status_code == 403


def test_staff_without_a_patient_record_cannot_open_the_portal(world: World) -> None:
    assert client_for(world.clinician_a).get(reverse("portal:home")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    from django.test import Client

    response = Client().get(reverse("patients:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", list(Role))
def test_the_intake_form_is_prefilled_only_for_roles_that_may_read_the_history(
    world: World, role: Role
) -> None:
    from taut.audit.models import AuditEntry
    from taut.screening.services import intake_submit

    intake_submit(
        request=None,
        actor=world.clinician_a,
        patient=world.patient_a,
        facts={"anticoagulant": True},
        history={"medications": "Warfarin 5 mg daily"},
        channel="clinician",
    )
    reads_before = AuditEntry.objects.filter(object_type="intake", action="view").count()
    url = reverse("screening:intake", kwargs={"patient_id": world.patient_a.public_id})
    response = client_for(world.staff("a", role)).get(url)
    assert response.status_code == 200
    form = response.context["form"]
    shown = "Warfarin" in response.content.decode()
    reads = AuditEntry.objects.filter(object_type="intake", action="view").count() - reads_before
    if role in MATRIX[Permission.CLINICAL_VIEW]:
        assert shown and form.initial["fact_anticoagulant"] == "yes" and reads == 1
    else:
        assert not shown and "fact_anticoagulant" not in form.initial and reads == 0
