from __future__ import annotations

from typing import Any

from django import forms

from taut.clinical.knowledge import load_knowledge
from taut.clinical.practice import is_electrical
from taut.consent.models import ConsentKind
from taut.consent.sections import (
    DEFAULT_AFTER_TREATMENT,
    DEFAULT_RIGHTS,
    DEFAULT_RISKS_INTRO,
    Section,
)
from taut.consent.signature import SignatureError, signature_strokes

TEXT_LIMITS = {
    "introduction": 10_000,
    "risks_intro": 5_000,
    "after_treatment": 5_000,
    "rights": 5_000,
    "alternatives": 5_000,
}


def _text_field(
    name: str, *, rows: int, help_text: str = "", initial: str = "", required: bool = True
) -> forms.Field:
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=TEXT_LIMITS[name],
        help_text=help_text,
        initial=initial or None,
        required=required,
    )


def _technique_choices() -> list[tuple[str, str]]:
    return [(t.id, t.name) for t in load_knowledge().techniques]


def _electrical_covered(kind: str | None, techniques: list[str]) -> bool:
    return kind != ConsentKind.ELECTRICAL or any(map(is_electrical, techniques))


ELECTRICAL_REFUSAL = "An electrical-needling consent must cover the electrical technique."


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices)
    title = forms.CharField(max_length=200)
    introduction = _text_field(
        "introduction",
        rows=5,
        help_text="In your own words: what dry needling is and why it is offered.",
    )
    techniques = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, help_text="The techniques your clinic uses."
    )
    risks_intro = _text_field(
        "risks_intro",
        rows=3,
        help_text="Your words before the summary of risks; the rates come from published "
        "studies. Left empty, Taut's wording is used.",
        initial=DEFAULT_RISKS_INTRO,
        required=False,
    )
    after_treatment = _text_field(
        "after_treatment", rows=3, initial=DEFAULT_AFTER_TREATMENT, required=False
    )
    rights = _text_field("rights", rows=3, initial=DEFAULT_RIGHTS, required=False)
    alternatives = _text_field("alternatives", rows=3)
    show_quoted_figures = forms.BooleanField(
        required=False, label="Also show the commonly quoted consent-form figures (labelled)"
    )
    requires_reconsent = forms.BooleanField(
        required=False, label="Patients who signed an earlier version must sign again"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["techniques"].choices = _technique_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not _electrical_covered(cleaned.get("kind"), cleaned.get("techniques") or []):
            self.add_error("techniques", ELECTRICAL_REFUSAL)
        return cleaned


class SectionForm(forms.Form):
    """One section of the current document version; saving it publishes the next version."""

    requires_reconsent = forms.BooleanField(
        required=False, label="Patients who signed an earlier version must sign again"
    )

    def __init__(self, *args: Any, section: Section, document: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section, self.document = section, document
        self.fields = {"value": self._value_field(), **self.fields}
        self.fields["value"].initial = getattr(document, section.field)

    def _value_field(self) -> forms.Field:
        name = self.section.field
        if name == "title":
            field: forms.Field = forms.CharField(max_length=200)
        elif name == "techniques":
            field = forms.MultipleChoiceField(
                widget=forms.CheckboxSelectMultiple, choices=_technique_choices()
            )
        else:
            field = _text_field(name, rows=8)
        field.label = self.section.heading
        field.help_text = self.section.help
        return field

    def clean_value(self) -> Any:
        value = self.cleaned_data["value"]
        if self.section.field == "techniques" and not _electrical_covered(
            self.document.kind, value
        ):
            raise forms.ValidationError(ELECTRICAL_REFUSAL)
        return value


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


REASON_LIMIT = 2000


class WithdrawForm(forms.Form):
    """A patient may always withdraw, so the form never refuses: a reason pasted in beyond the
    limit is kept up to it (the browser stops typing there) rather than blocking or dropping it."""

    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": REASON_LIMIT}),
    )

    def clean_reason(self) -> str:
        return str(self.cleaned_data["reason"])[:REASON_LIMIT]
