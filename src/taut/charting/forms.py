from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django import forms
from django.db.models import Q
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.utils.safestring import SafeString

from taut.charting.models import (
    NeedleLot,
    NeedleProduct,
    PractitionerProfile,
    ReportedVia,
    Timing,
    TreatmentSession,
    Twitch,
)
from taut.clinical.knowledge import load_knowledge
from taut.clinical.practice import is_electrical
from taut.clinics.models import Location


class _RenderedOnce(BoundField):
    """A field whose HTML depends only on its form's class and its initial value, rendered once
    per process for each value it starts with: the charting page shows ~25 such fields (the
    muscle list among them), and rendering them through the template engine on every request
    cost more than the rest of the page. A bound form (a POST with errors) renders as usual."""

    rendered: dict[tuple[Any, ...], SafeString] = {}

    def as_field_group(self) -> SafeString:
        key = self._key()
        if key is None:
            return super().as_field_group()  # type: ignore[no-any-return]
        if key not in self.rendered:
            self.rendered[key] = super().as_field_group()
        return self.rendered[key]

    def _key(self) -> tuple[Any, ...] | None:
        form = self.form
        if form.is_bound or self.name not in form.render_once:  # type: ignore[attr-defined]
            return None
        value = self.initial
        empty = value is None or value is False or (isinstance(value, str) and value == "")
        # A choice starts as one of its few choices; free text could be anything: not kept.
        if not empty and not (isinstance(self.field, forms.ChoiceField) and isinstance(value, str)):
            return None
        return (type(form), self.name, form.auto_id, form.prefix, value)


class _ListedChoices(ModelChoiceIterator):
    """A clinic's few rows in one plain query: Django's default iterator streams them through a
    server-side cursor, which costs three round trips to PostgreSQL for a handful of rows."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.queryset:
            yield self.choice(row)


class _ClinicRowChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    iterator = _ListedChoices


class RenderOnceForm(forms.Form):
    """A form that names, in `render_once`, the fields whose HTML depends on nothing but the
    knowledge data and their initial value (never on the database or the request)."""

    render_once: tuple[str, ...] = ()
    bound_field_class = _RenderedOnce


def _muscle_choices() -> list[tuple[str, str]]:
    return sorted(((m.id, m.name) for m in load_knowledge().muscles), key=lambda c: c[1])


def _technique_choices() -> list[tuple[str, str]]:
    return [(t.id, t.name) for t in load_knowledge().techniques]


class NotesForm(RenderOnceForm):
    render_once = (
        "subjective",
        "assessment",
        "plan",
        "diagnosis_codes",
        "skin_check",
        "patient_response",
        "drowsy_or_fainted",
    )  # each rendered once while empty; a note's own text is rendered each time
    pain_regions = forms.MultipleChoiceField(required=False, label="Pain drawing")
    subjective = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Subjective: what the patient reports",
        max_length=5000,
    )
    assessment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    plan = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    diagnosis_codes = forms.CharField(
        required=False, max_length=300, label="Diagnosis (ICD-10 code and text)"
    )
    skin_check = forms.CharField(required=False, max_length=2000, label="Skin check after needling")
    patient_response = forms.CharField(required=False, max_length=2000, label="Patient response")
    drowsy_or_fainted = forms.BooleanField(
        required=False, label="The patient was drowsy or fainted"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pain_regions"].choices = [  # type: ignore[attr-defined]
            (d.id, d.id) for d in load_knowledge().drawing_regions
        ]


class EntryForm(RenderOnceForm):
    render_once = (
        "muscle",
        "side",
        "technique",
        "needles_in",
        "depth_mm",
        "insertions",
        "twitch",
        "minutes_in",
        "frequency_hz",
        "pulse_width_us",
        "intensity_ma",
        "stimulation_minutes",
    )  # all but lot_id, whose choices are the clinic's lots in date
    muscle = forms.ChoiceField(choices=_muscle_choices)
    side = forms.ChoiceField(choices=[("l", "Left"), ("r", "Right")])
    technique = forms.ChoiceField(choices=_technique_choices)
    lot_id = forms.TypedChoiceField(label="Needle lot", coerce=int)
    needles_in = forms.IntegerField(label="Needles in", min_value=1, max_value=50)
    depth_mm = forms.DecimalField(
        label="Depth (mm)", required=False, min_value=0, max_value=150, decimal_places=1
    )
    insertions = forms.IntegerField(required=False, min_value=1, max_value=200)
    twitch = forms.ChoiceField(label="Local twitch response", choices=Twitch.choices)
    minutes_in = forms.IntegerField(
        label="Minutes left in", required=False, min_value=0, max_value=60
    )
    frequency_hz = forms.DecimalField(
        label="Frequency (Hz)", required=False, min_value=0, max_value=250, decimal_places=1
    )
    pulse_width_us = forms.IntegerField(
        label="Pulse width (µs)", required=False, min_value=0, max_value=1000
    )
    intensity_ma = forms.DecimalField(
        label="Intensity (mA)", required=False, min_value=0, max_value=100, decimal_places=1
    )
    stimulation_minutes = forms.IntegerField(
        label="Stimulation (minutes)", required=False, min_value=0, max_value=60
    )

    def __init__(self, *args: Any, lots: list[NeedleLot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot_id"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a lot"),
            *[(lot.pk, str(lot)) for lot in lots],
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        stimulation = ("frequency_hz", "pulse_width_us", "intensity_ma", "stimulation_minutes")
        if is_electrical(cleaned.get("technique") or ""):
            for name in stimulation:
                if cleaned.get(name) is None:
                    self.add_error(name, "Required for electrical needling.")
        return cleaned


class MeasureForm(RenderOnceForm):
    render_once = ("instrument", "timing", "answers", "site")
    instrument = forms.ChoiceField()
    timing = forms.ChoiceField(choices=Timing.choices)
    answers = forms.CharField(
        max_length=500,
        help_text="The value, or each item's answer separated by commas "
        "(- for an unanswered item).",
    )
    site = forms.CharField(
        required=False, max_length=120, help_text="For ROM: joint and movement; for PPT: the site."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [  # type: ignore[attr-defined]
            (i.id, f"{i.abbreviation} — {i.name}") for i in load_knowledge().instruments
        ]

    def clean_answers(self) -> list[float | None]:
        values: list[float | None] = []
        for raw in self.cleaned_data["answers"].split(","):
            item = raw.strip()
            if item in {"-", ""}:
                values.append(None)
                continue
            try:
                values.append(float(item))
            except ValueError as bad:
                raise forms.ValidationError(f"“{item}” is not a number.") from bad
        return values


class AdverseEventForm(RenderOnceForm):
    render_once = ("event", "severity", "action_taken")
    event = forms.ChoiceField()
    severity = forms.ChoiceField()
    action_taken = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        knowledge = load_knowledge()
        self.fields["event"].choices = [  # type: ignore[attr-defined]
            (e.id, e.label) for e in knowledge.adverse_events if not e.aggregate
        ]
        self.fields["severity"].choices = [  # type: ignore[attr-defined]
            (s.id, f"{s.id} — {s.definition}") for s in knowledge.severities
        ]


class LateAdverseEventForm(AdverseEventForm):
    """An adverse event reported after the note was signed (a phone call, a later visit)."""

    reported_via = forms.ChoiceField(label="Reported via", choices=ReportedVia.choices)
    reported_on = forms.DateField(
        label="Reported on", widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label="What was reported", max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = ["event", "severity", "reported_via", "reported_on", "description"]


class AddendumForm(RenderOnceForm):
    render_once = ("text",)
    text = forms.CharField(
        label="Addendum", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


NOT_RECORDED = "Not recorded"


class ClassifyForm(RenderOnceForm):
    """What the session treats (a condition of the knowledge data) and where it happened."""

    render_once = ("condition",)  # the location's choices are the clinic's: rendered each time

    condition = forms.ChoiceField(
        required=False,
        label="Condition treated",
        error_messages={
            "invalid_choice": "Condition: “%(value)s” is not a condition of the clinical "
            "knowledge; choose one from the list or “Not recorded”."
        },
    )
    location = _ClinicRowChoiceField(
        queryset=Location.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=NOT_RECORDED,
        error_messages={
            "invalid_choice": "Location: that is not one of this clinic's locations; "
            "choose one from the list or “Not recorded”."
        },
    )

    def __init__(self, *args: Any, session: TreatmentSession, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "condition": session.condition or "",
                "location": session.location.public_id if session.location else None,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = [  # type: ignore[attr-defined]
            ("", NOT_RECORDED),
            *sorted(((c.id, c.name) for c in load_knowledge().conditions), key=lambda c: c[1]),
        ]
        # The clinic's open locations, and the one already recorded even if it has since closed.
        self.fields["location"].queryset = (  # type: ignore[attr-defined]
            Location.objects.for_clinic(session.clinic_id)
            .filter(Q(is_active=True) | Q(pk=session.location_id))
            .order_by("name")
        )


class ProductForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = NeedleProduct
        fields = ["brand", "gauge_mm", "length_mm"]
        labels = {"gauge_mm": "Gauge (mm)", "length_mm": "Length (mm)"}


class LotForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = NeedleLot
        fields = ["product", "lot_number", "expires_on", "received_on"]
        widgets = {
            "expires_on": forms.DateInput(attrs={"type": "date"}),
            "received_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, clinic: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["product"].queryset = NeedleProduct.objects.for_clinic(  # type: ignore[attr-defined]
            clinic
        ).filter(is_active=True)

    def clean_expires_on(self) -> date:
        expires: date = self.cleaned_data["expires_on"]
        if expires < self.today:
            raise forms.ValidationError("This lot has already expired; it cannot be stocked.")
        return expires


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PractitionerProfile
        fields = [
            "profession",
            "licence_number",
            "licence_expires",
            "licensed_since",
            "training_hours",
            "training_course",
            "training_date",
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"})
            for f in ("licence_expires", "licensed_since", "training_date")
        }
