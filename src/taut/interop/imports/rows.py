"""Checking candidate patients, whatever file they came from, with the patient form's own rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from taut.clinics.models import Clinic
from taut.patients.forms import PatientForm
from taut.patients.models import ExternalIdentifier, Patient
from taut.patients.normalise import name_key
from taut.patients.services import EDITABLE_FIELDS

FIELD_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "phone": "Phone",
    "email": "Email",
    "address": "Address",
}
REQUIRED = ("given_name", "family_name", "date_of_birth")


@dataclass
class Candidate:
    """A patient as read from a file, before the patient form's checks."""

    line: int  # the CSV line number, or the Patient's number in the file (from 1)
    raw: dict[str, Any]
    errors: list[tuple[str, str]] = field(default_factory=list)  # found while reading
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (system, value)
    labels: dict[str, str] = field(default_factory=lambda: dict(FIELD_LABELS))


@dataclass
class RowReport:
    """One candidate patient: where it came from, its cleaned data, and what is wrong with it."""

    line: int  # the CSV line number, or the Patient's number in the file (from 1)
    label: str  # a name to show, even when the row is invalid
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field label, reason)
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    matched: str = ""  # why this is a patient already registered (or earlier in the file)

    @property
    def ok(self) -> bool:
        return not self.errors


def _held_identifiers(clinic: Clinic, candidates: list[Candidate]) -> dict[tuple[str, str], int]:
    wanted = {pair for candidate in candidates for pair in candidate.identifiers}
    values = {value for _, value in wanted}
    rows = ExternalIdentifier.objects.for_clinic(clinic).filter(value__in=values)
    return {
        (system, value): patient_id
        for system, value, patient_id in rows.values_list("system", "value", "patient_id")
        if (system, value) in wanted
    }


def check_rows(
    candidates: list[Candidate],
    *,
    clinic: Clinic,
    today: date,
    match_duplicates: bool = False,
) -> list[RowReport]:
    """Validate candidates with PatientForm and find duplicates of patients already in the clinic
    and of earlier rows of the same file: errors for a CSV, matches (`match_duplicates`) for FHIR,
    whose identifiers then join the registered patient's."""
    existing = {
        (given, family, born): pk
        for given, family, born, pk in Patient.objects.for_clinic(clinic).values_list(
            "given_key", "family_key", "date_of_birth", "pk"
        )
    }
    held = _held_identifiers(clinic, candidates) if match_duplicates else {}
    seen: dict[tuple[str, str, date], int] = {}
    reports = []
    for candidate in candidates:
        raw = candidate.raw
        values = {name: (raw.get(name) or "") for name in EDITABLE_FIELDS}
        values["sex"] = values["sex"] or "unknown"
        label = f"{values['given_name']} {values['family_name']}".strip() or f"Row {candidate.line}"
        report = RowReport(
            line=candidate.line,
            label=label,
            errors=list(candidate.errors),
            identifiers=list(candidate.identifiers),
        )
        already = {where for where, _ in report.errors}
        form = PatientForm(data=values, today=today)
        if form.is_valid():
            report.data = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        else:
            for name, messages in form.errors.items():
                where = candidate.labels.get(name, name)
                if where not in already:
                    report.errors.extend((where, str(message)) for message in messages)
        if report.data:
            _check_duplicate(report, existing, seen, held, match_duplicates)
        reports.append(report)
    return reports


def _check_duplicate(
    report: RowReport,
    existing: dict[tuple[str, str, date], int],
    seen: dict[tuple[str, str, date], int],
    held: dict[tuple[str, str], int],
    match_duplicates: bool,
) -> None:
    key = (
        name_key(report.data["given_name"]),
        name_key(report.data["family_name"]),
        report.data["date_of_birth"],
    )
    holders = {held[pair] for pair in report.identifiers if pair in held}
    if len(holders) > 1:
        report.errors.append(
            ("identifier", "Its identifiers belong to different registered patients.")
        )
    elif holders:
        report.matched = "Its identifier is a registered patient's."
    elif key in existing:
        if not match_duplicates:
            report.errors.append(
                ("Patient", "A patient with this name and date of birth is already registered.")
            )
        report.matched = "A patient with this name and date of birth is registered."
    elif key in seen:
        if not match_duplicates:
            report.errors.append(("Patient", f"The same patient as row {seen[key]}."))
        report.matched = f"The same patient as Patient[{seen[key]}] of this file."
    else:
        seen[key] = report.line
