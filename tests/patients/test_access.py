"""Each role on each patient page, another clinic's staff (404), and the record's own refusals:
an archived record is not edited, archived twice or restored when it is not archived."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taut.clinics.roles import Role
from taut.patients.models import Patient
from taut.patients.services import PatientError, patient_archive, patient_restore, patient_update
from tests.conftest import World, client_for

EVERY_ROLE = (Role.OWNER, Role.CLINICIAN, Role.FRONT_DESK)


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_every_role_reads_and_edits_patients(world: World, role: Role) -> None:
    client = client_for(world.staff("a", role))
    patient = world.patient_a.public_id
    for url in (
        reverse("patients:list"),
        reverse("patients:create"),
        reverse("patients:detail", args=[patient]),
        reverse("patients:edit", args=[patient]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("role", "allowed"), [(Role.OWNER, True), (Role.CLINICIAN, True), (Role.FRONT_DESK, False)]
)
def test_only_clinical_roles_archive_a_patient(world: World, role: Role, allowed: bool) -> None:
    url = reverse("patients:archive", args=[world.patient_a.public_id])
    response = client_for(world.staff("a", role)).post(url)
    assert response.status_code == (302 if allowed else 403)
    world.patient_a.refresh_from_db()
    assert (world.patient_a.archived_at is not None) is allowed


def test_the_front_desk_cannot_restore_an_archived_patient(world: World) -> None:
    patient_archive(request=None, actor=world.owner_a, patient=world.patient_a)
    url = reverse("patients:restore", args=[world.patient_a.public_id])
    assert client_for(world.frontdesk_a).post(url).status_code == 403
    world.patient_a.refresh_from_db()
    assert world.patient_a.archived_at is not None


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_another_clinic_s_staff_find_no_patient_of_clinic_a(world: World, role: Role) -> None:
    client = client_for(world.staff("b", role))
    patient = world.patient_a.public_id
    for url in (
        reverse("patients:detail", args=[patient]),
        reverse("patients:edit", args=[patient]),
    ):
        assert client.get(url).status_code == 404, url
    if role != Role.FRONT_DESK:
        assert client.post(reverse("patients:archive", args=[patient])).status_code == 404
    world.patient_a.refresh_from_db()
    assert world.patient_a.archived_at is None


def test_another_clinic_s_staff_cannot_edit_a_patient_by_posting(world: World) -> None:
    url = reverse("patients:edit", args=[world.patient_a.public_id])
    response = client_for(world.frontdesk_b).post(
        url, {"given_name": "Eve", "family_name": "Lovelace", "date_of_birth": "1980-05-17"}
    )
    assert response.status_code == 404
    world.patient_a.refresh_from_db()
    assert world.patient_a.given_name == "Ada"


@pytest.mark.parametrize("name", ["archive", "restore"])
def test_archiving_and_restoring_need_a_post(world: World, name: str) -> None:
    url = reverse(f"patients:{name}", args=[world.patient_a.public_id])
    assert client_for(world.owner_a).get(url).status_code == 405


def test_restoring_a_patient_who_is_not_archived_is_refused(world: World) -> None:
    with pytest.raises(PatientError, match="not archived"):
        patient_restore(request=None, actor=world.owner_a, patient=world.patient_a)


def test_an_archived_patient_is_restored_and_can_be_edited_again(world: World) -> None:
    patient_archive(request=None, actor=world.owner_a, patient=world.patient_a)
    with pytest.raises(PatientError, match="archived"):
        patient_update(
            request=None, actor=world.owner_a, patient=world.patient_a, data={"given_name": "Eve"}
        )
    patient_restore(request=None, actor=world.owner_a, patient=world.patient_a)
    assert Patient.objects.get(pk=world.patient_a.pk).archived_at is None
