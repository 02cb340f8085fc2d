"""A patient's files travel in $everything and the bulk export as valid DocumentReferences; files
not in the record (awaiting review, declined, removed) do not."""

from __future__ import annotations

import base64
import hashlib

import pytest

from taut.common.context import AuditContext
from taut.files import services
from taut.interop.fhir.collect import clinic_resources, patient_everything
from tests.conftest import World
from tests.files.conftest import image_bytes, pdf_bytes
from tests.interop.conftest import validate

pytestmark = pytest.mark.django_db


def _documents(resources: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    return [r for r in resources if r["resourceType"] == "DocumentReference"]


def test_files_in_the_record_are_exported_as_valid_document_references(world: World) -> None:
    membership = world.clinician_a.memberships.get(clinic=world.clinic_a)
    staff = AuditContext.of(world.clinician_a, membership)
    data = pdf_bytes()
    kept = services.patient_file_add(
        ctx=staff,
        patient=world.patient_a,
        kind="referral",
        title="GP letter",
        original_name="a.pdf",
        data=data,
    )
    removed = services.patient_file_add(
        ctx=staff,
        patient=world.patient_a,
        kind="other",
        title="Wrong",
        original_name="",
        data=image_bytes(),
    )
    services.patient_file_remove(ctx=staff, file=removed, reason="Wrong patient")
    services.patient_file_add(
        ctx=AuditContext.of(world.portal_user_a),
        patient=world.patient_a,
        kind="imaging",
        title="Unreviewed",
        original_name="",
        data=image_bytes("JPEG"),
        from_portal=True,
    )
    everything = _documents(patient_everything(world.patient_a))
    assert [d["id"] for d in everything] == [str(kept.public_id)]
    document = validate(everything[0])
    attachment = document["content"][0]["attachment"]
    assert (
        attachment["hash"]
        == base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode()
    )
    assert attachment["size"] == len(data) and attachment["contentType"] == "application/pdf"
    assert document["subject"]["reference"] == f"Patient/{world.patient_a.public_id}"
    assert [d["id"] for d in _documents(list(clinic_resources(world.clinic_a)))] == [
        str(kept.public_id)
    ]
    assert _documents(list(clinic_resources(world.clinic_b))) == []
