"""Checking candidate patients, whatever file they came from, with the patient form's own rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from taut.clinics.models import Clinic
from taut.patients.forms import PatientForm
from taut.patients.models import Patient
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
class RowReport:
    """One candidate patient: where it came from, its cleaned data, and what is wrong with it."""

    line: int  # the CSV line number, or the Bundle entry number (from 1)
    label: str  # a name to show, even when the row is invalid
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field label, reason)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_rows(
    candidates: list[tuple[int, dict[str, Any], list[tuple[str, str]]]],
    *,
    clinic: Clinic,
    today: date,
) -> list[RowReport]:
    """Validate (line, raw fields, errors found while reading) with PatientForm; flag duplicates
    of patients already in the clinic and of earlier rows of the same file."""
    existing = set(
        Patient.objects.for_clinic(clinic).values_list("given_key", "family_key", "date_of_birth")
    )
    seen: dict[tuple[str, str, date], int] = {}
    reports = []
    for line, raw, read_errors in candidates:
        values = {name: (raw.get(name) or "") for name in EDITABLE_FIELDS}
        values["sex"] = values["sex"] or "unknown"
        label = f"{values['given_name']} {values['family_name']}".strip() or f"Row {line}"
        report = RowReport(line=line, label=label, errors=list(read_errors))
        form = PatientForm(data=values, today=today)
        if form.is_valid():
            report.data = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        else:
            for name, messages in form.errors.items():
                for message in messages:
                    report.errors.append((FIELD_LABELS.get(name, name), str(message)))
        if report.data:
            key = (
                name_key(report.data["given_name"]),
                name_key(report.data["family_name"]),
                report.data["date_of_birth"],
            )
            if key in existing:
                report.errors.append(
                    ("Patient", "A patient with this name and date of birth is already registered.")
                )
            elif key in seen:
                report.errors.append(("Patient", f"The same patient as row {seen[key]}."))
            else:
                seen[key] = line
        reports.append(report)
    return reports
