"""Patients' files over HTTP: who may add, open, review and remove; other clinics see nothing;
opened files are served so that a browser runs nothing in them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.files.models import FileStatus, PatientFile
from tests.conftest import World, client_for
from tests.files.conftest import image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def _upload(client, patient, data: bytes = b"", name: str = "letter.pdf"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("files:upload", args=[patient.public_id]),
        {"kind": "referral", "title": "", "file": SimpleUploadedFile(name, data or pdf_bytes())},
        follow=True,
    )


def test_the_front_desk_adds_a_referral_letter_but_cannot_open_files(world: World) -> None:
    desk = client_for(world.frontdesk_a)
    response = _upload(desk, world.patient_a)
    assert "The file is in the record." in response.content.decode()
    file = PatientFile.objects.get()
    opened = desk.get(reverse("files:open", args=[world.patient_a.public_id, file.public_id]))
    assert opened.status_code == 403
    assert desk.get(reverse("files:list", args=[world.patient_a.public_id])).status_code == 403


def test_a_clinician_opens_a_file_served_as_an_attachment_that_runs_nothing(world: World) -> None:
    clinician = client_for(world.clinician_a)
    _upload(clinician, world.patient_a, name="../../etc/passwd.pdf")
    file = PatientFile.objects.get()
    response = clinician.get(
        reverse("files:open", args=[world.patient_a.public_id, file.public_id])
    )
    assert response.status_code == 200
    assert response.content == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="referral-')
    assert "passwd" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEntry.objects.filter(object_type="patient_file", action="export").count() == 1


def test_a_refused_upload_says_why_naming_the_file(world: World) -> None:
    response = _upload(client_for(world.clinician_a), world.patient_a, data=b"<svg/>", name="x.pdf")
    assert (
        "The file was not kept: Only PDF documents and JPEG or PNG images"
        in response.content.decode()
    )
    assert not PatientFile.objects.exists()


def test_another_clinic_cannot_list_open_or_add_to_a_patients_files(world: World) -> None:
    _upload(client_for(world.clinician_a), world.patient_a)
    file = PatientFile.objects.get()
    other = client_for(world.clinician_b)
    patient = world.patient_a.public_id
    assert other.get(reverse("files:list", args=[patient])).status_code == 404
    assert other.get(reverse("files:open", args=[patient, file.public_id])).status_code == 404
    assert _upload(other, world.patient_a).status_code == 404
    assert PatientFile.objects.count() == 1


def test_the_patient_sends_a_document_from_the_portal_and_the_clinic_accepts_it(
    world: World,
) -> None:
    portal = client_for(world.portal_user_a)
    response = portal.post(
        reverse("portal_files:home"),
        {
            "kind": "imaging",
            "title": "X-ray report",
            "file": SimpleUploadedFile("x.png", image_bytes()),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "waiting for the clinic to look at it" in page
    assert str(world.patient_a.public_id) not in page
    file = PatientFile.objects.get()
    clinician = client_for(world.clinician_a)
    listing = clinician.get(reverse("patients:detail", args=[world.patient_a.public_id]))
    assert "1 sent by the patient to review" in listing.content.decode()
    clinician.post(
        reverse("files:review", args=[world.patient_a.public_id, file.public_id]),
        {"decision": "accept"},
    )
    file.refresh_from_db()
    assert file.status == FileStatus.IN_RECORD


def test_only_a_clinician_removes_a_file_and_must_say_why(world: World) -> None:
    _upload(client_for(world.clinician_a), world.patient_a)
    file = PatientFile.objects.get()
    url = reverse("files:remove", args=[world.patient_a.public_id, file.public_id])
    assert client_for(world.owner_a).post(url, {"reason": "x"}).status_code == 403
    response = client_for(world.clinician_a).post(url, {"reason": ""}, follow=True)
    assert "Why remove it" in response.content.decode()
    client_for(world.clinician_a).post(url, {"reason": "Duplicate"})
    file.refresh_from_db()
    assert file.is_removed and file.removed_reason == "Duplicate"
