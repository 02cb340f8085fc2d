from __future__ import annotations

from datetime import date
from unittest import mock

import pytest

from taut.audit.models import AuditEntry
from taut.patients import services
from taut.patients.models import Patient
from tests.conftest import World

DATA = {
    "given_name": "Ines",
    "family_name": "Álvarez",
    "date_of_birth": date(1970, 1, 2),
    "sex": "female",
    "phone": "+34 600 123 456",
    "email": "Ines@Example.com",
    "address": "",
}


def test_create_stores_search_keys(world: World) -> None:
    patient = services.patient_create(
        request=None, actor=world.owner_a, clinic=world.clinic_a, data=DATA
    )
    assert patient.family_key == "alvarez"
    assert patient.phone_digits == "34600123456"
    assert patient.email_key == "ines@example.com"


def test_a_failed_audit_write_leaves_no_patient_behind(world: World) -> None:
    with (
        mock.patch("taut.patients.services.audit_record", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.patient_create(request=None, actor=world.owner_a, clinic=world.clinic_a, data=DATA)
    assert not Patient.objects.filter(family_name="Álvarez").exists()
    assert not AuditEntry.objects.filter(object_type="patient", action="create").exists()


def test_archiving_twice_is_refused(world: World) -> None:
    services.patient_archive(request=None, actor=world.owner_a, patient=world.patient_a)
    with pytest.raises(services.PatientError, match="already archived"):
        services.patient_archive(request=None, actor=world.owner_a, patient=world.patient_a)
