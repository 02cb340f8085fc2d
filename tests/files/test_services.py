"""Adding, reviewing and removing patients' files: whole or not at all, audited, never erased."""

from __future__ import annotations

from pathlib import Path

import pytest

from taut.audit.models import AuditEntry
from taut.common.context import AuditContext
from taut.common.refusals import Invalid, Refused
from taut.files import services, storage
from taut.files.content import FileRefused
from taut.files.models import FileStatus, PatientFile
from taut.files.selectors import files_in_record, files_of_patient, files_sent_by_patient
from tests.conftest import World
from tests.files.conftest import image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def _staff(world: World) -> AuditContext:
    membership = world.clinician_a.memberships.get(clinic=world.clinic_a)
    return AuditContext.of(world.clinician_a, membership)


def _add(world: World, **overrides: object) -> PatientFile:
    values: dict[str, object] = {
        "ctx": _staff(world),
        "patient": world.patient_a,
        "kind": "imaging",
        "title": "MRI lumbar spine",
        "original_name": "C:\\scans\\..\\mri.pdf",
        "data": pdf_bytes(),
    }
    values.update(overrides)
    return services.patient_file_add(**values)  # type: ignore[arg-type]


def test_a_staff_upload_joins_the_record_stored_by_id_outside_the_name_sent(
    world: World, files_dir: Path
) -> None:
    file = _add(world)
    assert file.status == FileStatus.IN_RECORD
    assert file.original_name == "mri.pdf"
    assert storage.path_of(file.stored_name).read_bytes() == pdf_bytes()
    assert storage.path_of(file.stored_name).is_relative_to(files_dir)
    entry = AuditEntry.objects.get(object_type="patient_file", action="create")
    assert entry.detail["patient"] == str(world.patient_a.public_id)


def test_a_refused_file_leaves_no_row_and_no_bytes(world: World, files_dir: Path) -> None:
    with pytest.raises(FileRefused):
        _add(world, data=b"<html></html>")
    assert not PatientFile.objects.exists()
    assert not files_dir.exists() or not any(files_dir.rglob("*"))


def test_bytes_written_before_a_failed_insert_are_discarded(
    world: World, files_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_audit(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        _add(world)
    assert not PatientFile.objects.exists()
    assert [p for p in files_dir.rglob("*") if p.is_file()] == []


def test_a_title_too_long_is_refused_naming_the_title() -> None:
    with pytest.raises(Invalid) as refused:
        services._clean_title("x" * 201, "imaging", "")
    assert "title" in refused.value.fields


def test_an_empty_title_takes_the_kind_as_its_title(world: World) -> None:
    assert _add(world, title="   ").title == "Imaging report"


def test_a_portal_upload_waits_for_review_and_then_joins_the_record(world: World) -> None:
    sent = _add(
        world, ctx=AuditContext.of(world.portal_user_a), data=image_bytes("JPEG"), from_portal=True
    )
    assert sent.status == FileStatus.AWAITING_REVIEW
    assert files_in_record(patient=world.patient_a) == []
    assert files_sent_by_patient(patient=world.patient_a) == [sent]
    services.patient_file_review(ctx=_staff(world), file=sent, accept=True)
    assert files_in_record(patient=world.patient_a) == [sent]
    with pytest.raises(Refused):
        services.patient_file_review(ctx=_staff(world), file=sent, accept=False)


def test_removing_keeps_the_file_marks_who_and_why_and_hides_it_from_the_record(
    world: World,
) -> None:
    file = _add(world)
    with pytest.raises(Invalid) as refused:
        services.patient_file_remove(ctx=_staff(world), file=file, reason="  ")
    assert "reason" in refused.value.fields
    services.patient_file_remove(ctx=_staff(world), file=file, reason="Wrong patient's scan")
    file.refresh_from_db()
    assert file.removed_reason == "Wrong patient's scan" and file.removed_by == world.clinician_a
    assert storage.path_of(file.stored_name).exists()
    assert files_of_patient(patient=world.patient_a) == []
    assert files_of_patient(patient=world.patient_a, include_removed=True) == [file]
    assert AuditEntry.objects.filter(object_type="patient_file", action="archive").count() == 1
    with pytest.raises(Refused):
        services.patient_file_remove(ctx=_staff(world), file=file, reason="again")
