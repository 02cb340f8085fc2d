"""Which intake questions are asked, given earlier answers: the one evaluator of `show_if`."""

from __future__ import annotations

import pytest

from taut.clinical.knowledge import load_knowledge
from taut.clinical.practice import Question
from taut.clinical.screening import question_shown


def asked_if(op: str, value: object = None) -> Question:
    condition = {"fact": "earlier", "op": op} | ({} if value is None else {"value": value})
    return Question.model_validate(
        {"id": "later", "text": "Later?", "type": "bool", "show_if": condition}
    )


def test_a_question_without_a_condition_is_always_asked():
    plain = Question(id="plain", text="Plain?", type="bool")
    assert question_shown(plain, {}) is True


def test_the_trimester_is_asked_only_of_a_patient_who_is_pregnant():
    trimester = load_knowledge().question("pregnancy_trimester")
    assert question_shown(trimester, {"pregnant": True}) is True
    assert question_shown(trimester, {"pregnant": False}) is False


def test_a_condition_on_an_unanswered_fact_is_unknown_not_false():
    assert question_shown(asked_if("eq", True), {}) is None
    assert question_shown(asked_if("eq", True), {"earlier": None}) is None


@pytest.mark.parametrize(
    ("op", "value", "answer", "shown"),
    [
        ("ne", "a", "b", True),
        ("ne", "a", "a", False),
        ("lt", 3, 2, True),
        ("lt", 3, 3, False),
        ("le", 3, 3, True),
        ("gt", 3, 3, False),
        ("ge", 3, 3, True),
    ],
)
def test_each_comparison_reads_the_earlier_answer(op, value, answer, shown):
    assert question_shown(asked_if(op, value), {"earlier": answer}) is shown


def test_an_order_comparison_never_holds_for_a_yes_or_no_answer():
    assert question_shown(asked_if("ge", 1), {"earlier": True}) is False


def test_nonempty_reads_a_region_list_from_a_form_or_from_validated_facts():
    marked = asked_if("nonempty")
    assert question_shown(marked, {"earlier": ["temple_l"]}) is True
    assert question_shown(marked, {"earlier": ("temple_l",)}) is True
    assert question_shown(marked, {"earlier": []}) is False
