"""Writes of the import workflow: upload, map columns, commit (all or skipping bad rows), discard.

A commit re-checks every row inside its transaction, so what is written is what the dry run
showed at that moment; each created patient gets its own audit entry from `patient_create`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Membership
from taut.common.refusals import Refused
from taut.interop.imports import csv_patients, fhir_patients
from taut.interop.imports.rows import RowReport, check_rows
from taut.interop.models import ImportBatch, ImportKind, ImportStatus
from taut.patients.models import Patient
from taut.patients.selectors import patient_matching
from taut.patients.services import PatientError, patient_create, patient_identifiers_add


class ImportRefused(Refused):
    """An import step the rules refuse; the message is shown to the user."""


def dry_run(batch: ImportBatch, *, today: date) -> list[RowReport]:
    """Every row of the batch checked, nothing written."""
    if batch.kind == ImportKind.CSV:
        mapping = {k: v for k, v in batch.mapping.items() if k != "date_format"}
        rows = csv_patients.candidates(
            batch.content, mapping, batch.mapping.get("date_format", "iso")
        )
        return check_rows(rows, clinic=batch.clinic, today=today)
    rows = fhir_patients.candidates(batch.content)
    return check_rows(rows, clinic=batch.clinic, today=today, match_duplicates=True)


def skipped_resources(batch: ImportBatch) -> list[fhir_patients.Skipped]:
    """The resources of a pending FHIR upload that are not patients, each with why it is not
    imported (nothing for a CSV, or once the upload is gone)."""
    if batch.kind != ImportKind.FHIR or not batch.content:
        return []
    return fhir_patients.read(batch.content).skipped


@transaction.atomic
def import_upload(
    *, request: HttpRequest | None, membership: Membership, kind: str, filename: str, raw: bytes
) -> ImportBatch:
    """Store an uploaded file for review; a file that cannot be read is refused at once."""
    columns: list[str] = []
    mapping: dict[str, Any] = {}
    try:
        if kind == ImportKind.CSV:
            text = csv_patients.decode(raw)
            columns, rows = csv_patients.read_table(text)
            mapping = {**csv_patients.guess_mapping(columns), "date_format": "iso"}
            count = len(rows)
        elif kind == ImportKind.FHIR:
            if len(raw) > fhir_patients.MAX_BYTES:
                raise ImportRefused("The file is larger than 5 MB; split it.")
            text = raw.decode("utf-8-sig")
            patients = fhir_patients.parse(text)
            count = len(patients)
        else:
            raise ImportRefused(f"Unknown import kind {kind!r}.")
    except (csv_patients.CsvError, fhir_patients.FhirImportError) as unreadable:
        raise ImportRefused(str(unreadable)) from None
    except UnicodeDecodeError:
        raise ImportRefused("The file is not UTF-8 text.") from None
    batch = ImportBatch.objects.create(
        clinic=membership.clinic,
        kind=kind,
        filename=filename[:200],
        content=text,
        columns=columns,
        mapping=mapping,
        row_count=count,
        uploaded_by=membership.user,
        uploaded_at=clock.now(),
    )
    audit_record(
        request=request,
        actor=membership.user,
        clinic=membership.clinic,
        action=Action.CREATE,
        object_type="import_batch",
        object_id=str(batch.public_id),
        detail={"kind": kind, "rows": count},
    )
    return batch


def _refuse_closed(batch: ImportBatch) -> None:
    if batch.status != ImportStatus.PENDING:
        raise ImportRefused(f"This import is already {batch.get_status_display().lower()}.")


@transaction.atomic
def import_map_columns(
    *, request: HttpRequest | None, actor: Any, batch: ImportBatch, mapping: dict[str, str]
) -> ImportBatch:
    _refuse_closed(batch)
    if batch.kind != ImportKind.CSV:
        raise ImportRefused("Only a CSV import has columns to map.")
    fields = {k: v for k, v in mapping.items() if k != "date_format"}
    problems = csv_patients.mapping_problems(fields, batch.columns)
    if mapping.get("date_format") not in csv_patients.DATE_FORMATS:
        problems.append("Choose how the dates of birth are written.")
    if problems:
        raise ImportRefused(" ".join(problems))
    batch.mapping = mapping
    batch.save(update_fields=["mapping"])
    return batch


@transaction.atomic
def import_commit(
    *, request: HttpRequest | None, actor: Any, batch: ImportBatch, skip_bad: bool, today: date
) -> ImportBatch:
    """Create the patients: all rows, or (when the user accepts it) only the rows that pass."""
    batch = ImportBatch.objects.select_for_update().select_related("clinic").get(pk=batch.pk)
    _refuse_closed(batch)
    if batch.kind == ImportKind.CSV:
        problems = csv_patients.mapping_problems(
            {k: v for k, v in batch.mapping.items() if k != "date_format"}, batch.columns
        )
        if problems:
            raise ImportRefused(" ".join(problems))
    reports = dry_run(batch, today=today)
    bad = [report for report in reports if not report.ok]
    if bad and not skip_bad:
        raise ImportRefused(
            f"{len(bad)} of {len(reports)} rows have errors. Correct the file, or choose to "
            "skip the rows with errors."
        )
    good = [report for report in reports if report.ok]
    if not good:
        raise ImportRefused("No row passes the checks; there is nothing to import.")
    created, matched, refused = _write_patients(request, actor, batch, good)
    bad += refused
    batch.status = ImportStatus.COMMITTED
    batch.created_count, batch.skipped_count = len(created), len(bad)
    batch.matched_count = len(matched)
    if batch.kind == ImportKind.FHIR:
        batch.skipped_resources = fhir_patients.read(batch.content).skipped_by_type()
    batch.finished_at = clock.now()
    batch.content = ""  # the patients are in the register now; the upload is not kept
    batch.save()
    audit_record(
        request=request,
        actor=actor,
        clinic=batch.clinic,
        action=Action.UPDATE,
        object_type="import_batch",
        object_id=str(batch.public_id),
        detail={
            "committed": True,
            "created": len(created),
            "matched": [str(patient.public_id) for patient in matched],
            "skipped_lines": [report.line for report in bad],
        },
    )
    return batch


def _write_patients(
    request: HttpRequest | None, actor: Any, batch: ImportBatch, good: list[RowReport]
) -> tuple[list[Patient], list[Patient], list[RowReport]]:
    """Create each patient, or (FHIR) match a registered one by `patient_matching`, the rule the
    REST API also keeps, and give it the resource's identifiers. A Patient whose identifiers
    another patient holds is refused (its report gets the reason)."""
    created: list[Patient] = []
    matched: list[Patient] = []
    refused: list[RowReport] = []
    for report in good:
        if batch.kind == ImportKind.CSV:
            created.append(
                patient_create(request=request, actor=actor, clinic=batch.clinic, data=report.data)
            )
            continue
        patient = patient_matching(
            clinic=batch.clinic,
            given_name=report.data["given_name"],
            family_name=report.data["family_name"],
            date_of_birth=report.data["date_of_birth"],
            identifiers=report.identifiers,
        )
        try:
            with transaction.atomic():
                written = patient or patient_create(
                    request=request, actor=actor, clinic=batch.clinic, data=report.data
                )
                patient_identifiers_add(
                    request=request, actor=actor, patient=written, identifiers=report.identifiers
                )
        except PatientError as conflict:
            report.errors.append((f"Patient[{report.line}].identifier", conflict.message))
            refused.append(report)
        else:
            (created if patient is None else matched).append(written)
    return created, matched, refused


@transaction.atomic
def import_discard(*, request: HttpRequest | None, actor: Any, batch: ImportBatch) -> ImportBatch:
    _refuse_closed(batch)
    batch.status = ImportStatus.DISCARDED
    batch.content = ""
    batch.finished_at = clock.now()
    batch.save(update_fields=["status", "content", "finished_at"])
    audit_record(
        request=request,
        actor=actor,
        clinic=batch.clinic,
        action=Action.ARCHIVE,
        object_type="import_batch",
        object_id=str(batch.public_id),
        detail={"discarded": True},
    )
    return batch
