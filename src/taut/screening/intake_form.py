"""The intake form, built from the knowledge data: each rule brings the questions that reveal it.

Questions the clinician answers (asked_by = clinician) appear only on the staff form. A question
with `show_if` is shown only when its condition holds; without JavaScript every question shows and
answers to questions that do not apply are dropped when the form is cleaned.
"""

from __future__ import annotations

from typing import Any

from django import forms

from taut.clinical.knowledge import Knowledge, load_knowledge
from taut.clinical.screening import question_shown
from taut.clinical.wording import sided
from taut.screening.models import PreviousNeedling

DERIVED_FACTS = {"age_years"}  # computed from the date of birth, never asked
TRI_STATE = [("", "Not answered"), ("yes", "Yes"), ("no", "No")]
NO_AREAS = "none"  # the answer "no such areas" to a body-chart question (an empty region list)


def _region_choices(knowledge: Knowledge) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for drawing in knowledge.drawing_regions:
        region = knowledge.region(drawing.base)
        groups.setdefault(region.group.replace("_", " ").title(), []).append(
            (drawing.id, sided(region.label, drawing.side))
        )
    return list(groups.items())


class RegionCheckboxes(forms.CheckboxSelectMultiple):
    """Body areas as grouped checkboxes: a phone has no Ctrl key for a multiple select."""

    template_name = "screening/widgets/region_checkboxes.html"

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["groups"] = [
            {
                "name": group,
                "options": options,
                "marked": sum(1 for option in options if option["selected"]),
            }
            for group, options, _index in context["widget"]["optgroups"]
        ]
        return context


def _field_for(question: Any, knowledge: Knowledge) -> forms.Field:
    label = question.text
    kind = str(question.type)
    if kind == "bool":
        return forms.ChoiceField(
            label=label,
            choices=TRI_STATE,
            required=False,
            widget=forms.RadioSelect,
            help_text=question.help,
        )
    if kind == "int":
        return forms.IntegerField(
            label=label,
            required=False,
            min_value=question.min,
            max_value=question.max,
            help_text=question.help,
        )
    if kind == "region_list":
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            choices=[(NO_AREAS, "None: no such areas"), *_region_choices(knowledge)],
            widget=RegionCheckboxes,
            help_text=question.help
            or "Tick “None”, or open each part of the body that is affected and tick the areas. "
            "Leaving them all empty leaves the question unanswered.",
        )
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", "Not answered"), *[(c, c.replace("_", " ")) for c in question.choices]],
    )


class IntakeForm(forms.Form):
    medications = forms.CharField(
        label="Which medicines do you take? (names and doses, including blood thinners)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    conditions = forms.CharField(
        label="Other medical conditions, operations or allergies",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    previous_needling = forms.ChoiceField(
        label="Have you had dry needling or acupuncture before?",
        choices=[("", "Not answered"), *PreviousNeedling.choices],
        required=False,
    )
    previous_needling_notes = forms.CharField(
        label="If there were problems, what happened?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        for_staff: bool,
        initial_facts: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.knowledge = load_knowledge()
        self.questions = [
            q
            for q in self.knowledge.intake_questions
            if q.id not in DERIVED_FACTS and (for_staff or str(q.asked_by) == "patient")
        ]
        for question in self.questions:
            field = _field_for(question, self.knowledge)
            if question.show_if is not None:
                field.widget.attrs["data-show-if"] = (
                    f"{question.show_if.fact}:{str(question.show_if.op)}:"
                    f"{_form_value(question.show_if.value)}"
                )
            self.fields[f"fact_{question.id}"] = field
            if initial_facts and question.id in initial_facts:
                self.initial[f"fact_{question.id}"] = _form_value(initial_facts[question.id])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.questions:
            name = f"fact_{question.id}"
            value = data.get(name)
            if (
                str(question.type) == "region_list"
                and value
                and NO_AREAS in value
                and len(value) > 1
            ):
                self.add_error(name, "Choose “None” or the areas that apply, not both.")
        return data

    def fact_fields(self) -> list[forms.BoundField]:
        return [self[f"fact_{q.id}"] for q in self.questions]

    def facts(self) -> dict[str, Any]:
        """The answered facts, typed as the screening engine reads them."""
        facts: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"fact_{question.id}")
            kind = str(question.type)
            if kind == "bool" and value in {"yes", "no"}:
                facts[question.id] = value == "yes"
            elif kind == "region_list" and value:
                facts[question.id] = [] if value == [NO_AREAS] else sorted(value)
            elif kind not in {"bool", "region_list"} and value not in (None, ""):
                facts[question.id] = value
        for question in self.questions:  # drop answers to questions that did not apply
            if question_shown(question, facts) is not True:
                facts.pop(question.id, None)
        return facts


def _form_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value == []:
        return [NO_AREAS]
    return value
