"""The diary form (its questions and wording come from diary.toml) and the alert-closing form."""

from __future__ import annotations

from typing import Any

from django import forms

from taut.clinical.diary import SORENESS_MAX, DiaryAnswers, load_diary
from taut.clinical.knowledge import load_knowledge
from taut.diary.services import ACTION_MIN_LENGTH, AlertEvent


class DiaryForm(forms.Form):
    soreness = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(n, str(n)) for n in range(SORENESS_MAX + 1)],
        error_messages={"required": "Choose a number from 0 (no soreness) to 10."},
    )
    other = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In your own words. Leave empty if there is nothing else.",
    )
    red_flags = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Do you have any of these warning signs now?",
        help_text="Tick every one that applies. Leave them all empty if none does.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # the questions carry their own punctuation
        super().__init__(*args, **kwargs)
        content = load_diary()
        self.fields["soreness"].label = content.soreness.question
        self.fields["soreness"].help_text = content.soreness.help
        self.fields["other"].label = content.other.question
        grades = [(grade.id, grade.label) for grade in content.grades]
        self.symptom_ids = [symptom.id for symptom in content.symptoms]
        for symptom in content.symptoms:
            self.fields[symptom.id] = forms.ChoiceField(
                label=symptom.question,
                choices=grades,
                initial=content.none_grade.id,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose one answer."},
            )
        self.fields["red_flags"].choices = [  # type: ignore[attr-defined]
            (flag.id, flag.text) for flag in content.red_flags
        ]
        # Keep the order of the page: soreness, the graded symptoms, other, warning signs.
        order = ["soreness", *self.symptom_ids, "other", "red_flags"]
        self.order_fields(order)

    def answers(self) -> DiaryAnswers:
        data = self.cleaned_data
        return DiaryAnswers(
            soreness=data["soreness"],
            grades={symptom_id: data[symptom_id] for symptom_id in self.symptom_ids},
            other=data.get("other", ""),
            red_flags=tuple(data.get("red_flags") or ()),
        )


RECORD_CHOICES = [
    ("yes", "Yes: record it as an adverse event of the session"),
    ("no", "No: the warning signs were not an adverse event of the needling"),
]


class CloseAlertForm(forms.Form):
    action_taken = forms.CharField(
        label="What was done",
        min_length=ACTION_MIN_LENGTH,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example: phoned the patient at 14:10, advised the emergency department; "
        "the patient went and was seen.",
        error_messages={"required": "Say what was done before closing the alert."},
    )
    record_event = forms.ChoiceField(
        label="Record an adverse event for the session?",
        choices=RECORD_CHOICES,
        widget=forms.RadioSelect,
        help_text="The signed note stays as it is; the event becomes a record of its own, linked "
        "to the session, and counts in the clinic's adverse-event rates instead of what the "
        "patient's warning signs suggested. Record a second event from the session page.",
        error_messages={"required": "Say whether to record an adverse event."},
    )
    event = forms.ChoiceField(label="Adverse event", required=False)
    severity = forms.ChoiceField(required=False)
    description = forms.CharField(
        label="What was reported",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        knowledge = load_knowledge()
        self.fields["event"].choices = [  # type: ignore[attr-defined]
            ("", "Choose the event"),
            *[(e.id, e.label) for e in knowledge.adverse_events if not e.aggregate],
        ]
        self.fields["severity"].choices = [  # type: ignore[attr-defined]
            ("", "Choose the severity"),
            *[(s.id, f"{s.id} — {s.definition}") for s in knowledge.severities],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("record_event") == "yes":
            for name, message in (
                ("event", "Choose the adverse event to record."),
                ("severity", "Choose its severity."),
                ("description", "Describe what the patient reported."),
            ):
                if not data.get(name):
                    self.add_error(name, message)
        return data

    def adverse_event(self) -> AlertEvent | None:
        data = self.cleaned_data
        if data["record_event"] != "yes":
            return None
        return AlertEvent(data["event"], data["severity"], data["description"])
