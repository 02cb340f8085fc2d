"""Properties of the screening engine over any combination of valid answers (hypothesis).

A "risk factor" is read from the data, not hard-coded: a bool value that satisfies some rule's
condition (so `can_consent = false` and `epilepsy_controlled = false` are risks, `true` is not),
or one more region in a region-list fact that some rule reads."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from taut.clinical.knowledge import load_knowledge
from taut.clinical.practice import Level, Op, Question, QuestionType
from taut.clinical.screening import UNANSWERED, Plan, Screening, screen

K = load_knowledge()
AS_OF = date(2026, 11, 22)
DRAWING = [d.id for d in K.drawing_regions]
TECHNIQUES = [t.id for t in K.techniques]
QUESTIONS = {q.id: q for q in K.intake_questions}


def _risk_values() -> dict[str, set[bool]]:
    risks: dict[str, set[bool]] = {}
    for rule in K.contraindications:
        for c in rule.when:
            if QUESTIONS[c.fact].type is QuestionType.BOOL and isinstance(c.value, bool):
                risks.setdefault(c.fact, set()).add(c.value if c.op is Op.EQ else not c.value)
    return risks


# Facts whose risk runs one way only; a fact risky both ways would have no monotone direction.
BOOL_RISKS = sorted((f, v.pop()) for f, v in _risk_values().items() if len(v) == 1)
REGION_FACTS = sorted({c.fact for r in K.contraindications for c in r.when if c.op is Op.NONEMPTY})


def _answer(question: Question) -> st.SearchStrategy[object]:
    if question.type is QuestionType.BOOL:
        return st.booleans()
    if question.type is QuestionType.INT:
        low = question.min if question.min is not None else 0
        return st.integers(low, question.max if question.max is not None else low + 150)
    if question.type is QuestionType.REGION_LIST:
        return st.lists(st.sampled_from(DRAWING), max_size=4)
    return st.sampled_from(question.choices)


FACTS = st.fixed_dictionaries({}, optional={q.id: _answer(q) for q in K.intake_questions})
PLANS = st.none() | st.builds(
    Plan,
    regions=st.lists(st.sampled_from(DRAWING), max_size=4).map(tuple),
    techniques=st.lists(st.sampled_from(TECHNIQUES), max_size=3).map(tuple),
)


def _scopes(screening: Screening) -> dict[str, set[str] | None]:
    """code -> the ids it applies to (None for all)."""
    return {
        f.code: None if f.applies_to == "all" else set(f.applies_to) for f in screening.findings
    }


def _keeps_everything(before: Screening, after: Screening, answered: str) -> None:
    old, new = _scopes(before), _scopes(after)
    for code, scope in old.items():
        if code == UNANSWERED + answered:
            continue
        assert code in new, f"{code} disappeared"
        assert new[code] is None or (scope is not None and scope <= new[code]), code


def test_the_data_gives_risk_factors_to_test():
    assert ("can_consent", False) in BOOL_RISKS and ("needle_phobia", True) in BOOL_RISKS
    assert "lymphoedema_regions" in REGION_FACTS


@settings(max_examples=300, deadline=None)
@given(FACTS, PLANS)
def test_no_combination_of_valid_answers_crashes_the_engine(facts, plan):
    screening = screen(facts, as_of=AS_OF, plan=plan)
    json.dumps(screening.to_json())
    assert screening.blocked == any(f.level is Level.CONTRAINDICATED for f in screening.findings)
    assert len({f.code for f in screening.findings}) == len(screening.findings)
    for finding in screening.findings:
        assert finding.source and finding.message and finding.action
        assert finding.applies_to == "all" or finding.applies_to
        if finding.level is Level.LIMIT:
            assert finding.applies_to != "all"
        else:
            assert finding.relevant


@settings(max_examples=300, deadline=None)
@given(FACTS, st.sampled_from(BOOL_RISKS))
def test_adding_a_risk_factor_never_removes_a_finding(facts, risk):
    fact, value = risk
    before = screen(facts, as_of=AS_OF)
    after = screen({**facts, fact: value}, as_of=AS_OF)
    _keeps_everything(before, after, answered=fact)


@settings(max_examples=300, deadline=None)
@given(FACTS, st.sampled_from(REGION_FACTS), st.sampled_from(DRAWING))
def test_adding_a_region_never_removes_a_finding_or_narrows_it(facts, fact, region):
    marked = list(facts.get(fact, []))
    before = screen({**facts, fact: marked}, as_of=AS_OF)
    after = screen({**facts, fact: [*marked, region]}, as_of=AS_OF)
    _keeps_everything(before, after, answered=fact)


@settings(max_examples=200, deadline=None)
@given(FACTS, PLANS)
def test_a_plan_only_marks_limits_as_relevant_or_not(facts, plan):
    plain = screen(facts, as_of=AS_OF)
    planned = screen(facts, as_of=AS_OF, plan=plan)
    assert [f.code for f in plain.findings] == [f.code for f in planned.findings]
    for finding in planned.limits:
        planned_ids = set() if plan is None else plan.ids()
        expected = plan is None or bool(planned_ids & set(finding.applies_to))
        assert finding.relevant is expected
