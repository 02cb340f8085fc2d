from __future__ import annotations

import re
from datetime import date

from django import forms

from taut.patients.models import Patient

PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-.]{6,30}$")


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["given_name", "family_name", "date_of_birth", "sex", "phone", "email", "address"]
        labels = {"given_name": "Given name", "family_name": "Family name"}
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: object, today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.today = today
        for name in ("given_name", "family_name"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def _clean_name(self, field: str) -> str:
        value = " ".join(self.cleaned_data[field].split())
        if not value:
            raise forms.ValidationError("Enter a name.")
        if any(ch in value for ch in "<>{}"):
            raise forms.ValidationError("A name cannot contain < > { or }.")
        return value

    def clean_given_name(self) -> str:
        return self._clean_name("given_name")

    def clean_family_name(self) -> str:
        return self._clean_name("family_name")

    def clean_date_of_birth(self) -> date:
        born: date = self.cleaned_data["date_of_birth"]
        if born > self.today:
            raise forms.ValidationError("The date of birth is in the future.")
        if born.year < self.today.year - 130:
            raise forms.ValidationError("The date of birth is more than 130 years ago.")
        return born

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_PATTERN.match(phone):
            raise forms.ValidationError(
                "Use digits, spaces, brackets, dashes and an optional leading +."
            )
        return phone


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Search patients",
        required=False,
        max_length=100,
        widget=forms.SearchInput(
            attrs={"placeholder": "Name, date of birth, phone or email", "autocomplete": "off"}
        ),
    )
    archived = forms.BooleanField(label="Include archived", required=False)
