from __future__ import annotations

from django import forms

from taut.api.models import TokenScope

LIFETIMES = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
    ("", "No expiry"),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, e.g. “Reporting spreadsheet”.",
    )
    scope = forms.ChoiceField(
        label="Access",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text="Read-only tokens can only look records up. Your role still limits both.",
    )
    lifetime = forms.ChoiceField(
        label="Expires after", choices=LIFETIMES, initial="90", required=False
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def lifetime_days(self) -> int | None:
        value = self.cleaned_data.get("lifetime") or ""
        return int(value) if value else None
