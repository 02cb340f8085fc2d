from __future__ import annotations

from typing import Any

from django import forms

from taut.clinical.knowledge import load_knowledge
from taut.consent.models import ConsentKind
from taut.consent.signature import SignatureError, signature_strokes


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices)
    title = forms.CharField(max_length=200)
    introduction = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10_000,
        help_text="In your own words: what dry needling is and why it is offered.",
    )
    techniques = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, help_text="The techniques your clinic uses."
    )
    alternatives = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5_000)
    show_quoted_figures = forms.BooleanField(
        required=False, label="Also show the commonly quoted consent-form figures (labelled)"
    )
    requires_reconsent = forms.BooleanField(
        required=False, label="Patients who signed an earlier version must sign again"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["techniques"].choices = [  # type: ignore[attr-defined]
            (t.id, t.name) for t in load_knowledge().techniques
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        techniques = cleaned.get("techniques") or []
        if cleaned.get("kind") == ConsentKind.ELECTRICAL and "electrical" not in techniques:
            self.add_error(
                "techniques", "An electrical-needling consent must cover the electrical technique."
            )
        return cleaned


class SignForm(forms.Form):
    signed_name = forms.CharField(label="Type your full name", max_length=200)
    signature = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100_000)
    understood = forms.BooleanField(
        label="I have read this document, had the chance to ask questions, and agree to dry "
        "needling. I know I can refuse or stop at any time."
    )

    def clean_signature(self) -> str:
        raw: str = self.cleaned_data.get("signature") or ""
        try:
            signature_strokes(raw)
        except SignatureError as refused:
            raise forms.ValidationError(str(refused)) from refused
        return raw


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
