from __future__ import annotations

from typing import Any

from django import forms

from taut.interop.fhir.collect import RESOURCE_TYPES
from taut.interop.imports.csv_patients import DATE_FORMATS
from taut.interop.imports.rows import FIELD_LABELS, REQUIRED
from taut.interop.models import ImportKind

CSV_TYPES = {"text/csv", "text/plain", "application/vnd.ms-excel", "application/csv", ""}
JSON_TYPES = {"application/json", "application/fhir+json", "text/plain", ""}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds", choices=ImportKind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label="File",
        help_text="CSV: UTF-8, one patient a line, a header line naming the columns (at most "
        "50), at most 2 MB. FHIR: a JSON Bundle, one Patient, or NDJSON (one resource a line, "
        "as a Bulk Data export writes), at most 5 MB.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload is None or kind is None:
            return cleaned
        name = upload.name.lower()
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
        if kind == ImportKind.CSV and (not name.endswith(".csv") or content_type not in CSV_TYPES):
            self.add_error("file", "Choose a .csv file (a spreadsheet saved as CSV UTF-8).")
        if kind == ImportKind.FHIR and (
            not name.endswith(".json") or content_type not in JSON_TYPES
        ):
            self.add_error("file", "Choose a .json file holding a FHIR Bundle or Patient.")
        return cleaned


class MappingForm(forms.Form):
    """One select per patient field, listing the file's columns."""

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— not in the file —"), *((c, c) for c in columns)]
        for name, label in FIELD_LABELS.items():
            self.fields[name] = forms.ChoiceField(
                label=label + (" (required)" if name in REQUIRED else ""),
                choices=choices,
                required=name in REQUIRED,
            )
        self.fields["date_format"] = forms.ChoiceField(
            label="Dates of birth are written as",
            choices=[(key, label) for key, (label, _) in DATE_FORMATS.items()],
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        used: dict[str, str] = {}
        for name in FIELD_LABELS:
            column = cleaned.get(name)
            if column and column in used:
                self.add_error(name, f"This column is already chosen for {used[column]}.")
            elif column:
                used[column] = FIELD_LABELS[name].lower()
        return cleaned


class CommitForm(forms.Form):
    skip_bad = forms.BooleanField(
        label="Import the rows that pass and skip the rows with errors", required=False
    )


def _scope_choices() -> list[tuple[str, str]]:
    return [("system/*.rs", "Every resource type (system/*.rs)")] + [
        (f"system/{kind}.rs", f"{kind} (system/{kind}.rs)") for kind in RESOURCE_TYPES
    ]


class BackendClientForm(forms.Form):
    """Register a machine for SMART Backend Services: its public keys and what it may read."""

    name = forms.CharField(
        label="Name", max_length=100, help_text="The system that will call, e.g. “Acme EHR”."
    )
    jwks = forms.CharField(
        label="Public keys (JWKS)",
        max_length=20_000,  # a few public keys; anything longer is not a key set
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text='The client\'s JSON Web Key Set: {"keys": [...]}, public keys only, each with '
        "a kid; RSA (RS384) or EC P-384 (ES384).",
    )
    scopes = forms.MultipleChoiceField(
        label="May read",
        choices=_scope_choices,
        initial=["system/*.rs"],
        widget=forms.CheckboxSelectMultiple,
        help_text="Read-only system scopes; the client asks for these (or fewer) per token.",
    )
