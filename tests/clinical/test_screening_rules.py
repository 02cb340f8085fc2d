"""One case per rule of contraindications.toml, generated from the data: each rule fires on its
trigger, not without it, and an unknown trigger that can block is reported as unanswered."""

from __future__ import annotations

from datetime import date

import pytest

from taut.clinical.anatomy import Limb
from taut.clinical.knowledge import load_knowledge
from taut.clinical.practice import Expansion, FactCondition, Level, Op, Question, QuestionType, Rule
from taut.clinical.records import Side
from taut.clinical.screening import UNANSWERED, Finding, screen

KNOWLEDGE = load_knowledge()
AS_OF = date(2026, 11, 22)
RULES = KNOWLEDGE.contraindications
BLOCKING = {Level.CONTRAINDICATED, Level.LIMIT}
# A marked region on a limb, so that expand = "limb" has something to expand.
LIMB_REGION = next(
    d.id for d in KNOWLEDGE.drawing_regions if d.side and KNOWLEDGE.region(d.base).limb != "none"
)


def _question(condition: FactCondition) -> Question:
    return KNOWLEDGE.question(condition.fact)


def _other_int(question: Question, value: int) -> int:
    high = question.max if question.max is not None else value + 1
    return value + 1 if value + 1 <= high else value - 1


def satisfying(condition: FactCondition) -> object:
    """A value of the fact for which the condition holds."""
    value, question = condition.value, _question(condition)
    if condition.op is Op.NONEMPTY:
        return [LIMB_REGION]
    if condition.op in {Op.EQ, Op.LE, Op.GE}:
        return value
    if condition.op is Op.NE:
        return (not value) if isinstance(value, bool) else _other_int(question, int(value))
    assert isinstance(value, int)
    return value - 1 if condition.op is Op.LT else value + 1


def failing(condition: FactCondition) -> object:
    """A value of the fact for which the condition does not hold."""
    value, question = condition.value, _question(condition)
    if condition.op is Op.NONEMPTY:
        return []
    if condition.op is Op.NE:
        return value
    if condition.op is Op.EQ:
        return (not value) if isinstance(value, bool) else _other_int(question, int(value))
    assert isinstance(value, int)
    return {Op.LT: value, Op.LE: value + 1, Op.GT: value, Op.GE: value - 1}[condition.op]


def triggering_facts(rule: Rule) -> dict[str, object]:
    return {condition.fact: satisfying(condition) for condition in rule.when}


def _drawing_ids(bases: tuple[str, ...]) -> set[str]:
    return {d for base in bases for d in KNOWLEDGE.drawing_ids(base)}


def expected_scope(rule: Rule, facts: dict[str, object], *, points: bool = True) -> set[str]:
    """What the rule covers, from the data and the rule format of contraindications.toml."""
    scope = rule.scope
    ids = _drawing_ids(scope.regions) | set(scope.techniques)
    for site in (KNOWLEDGE.site(s) for s in scope.sites):
        if points or site.whole_region:
            ids |= _drawing_ids(site.regions)
    if scope.muscle_flag:
        for muscle in KNOWLEDGE.muscles:
            if getattr(muscle, scope.muscle_flag):
                ids |= {r for side in Side for r in KNOWLEDGE.muscle_regions(muscle.id, side)}
    if scope.region_fact:
        marked = facts[scope.region_fact]
        assert isinstance(marked, list)
        ids |= set(marked)
        for drawing_id in marked if scope.expand is Expansion.LIMB else ():
            base, side = KNOWLEDGE.split_drawing_region(drawing_id)
            limb = KNOWLEDGE.region(base).limb
            if side is not None and limb is not Limb.NONE:
                ids |= set(KNOWLEDGE.limb_regions(side, limb))
    return ids


def findings_of(rule: Rule, facts: dict[str, object]) -> list[Finding]:
    screening = screen(facts, as_of=AS_OF)
    return [f for f in screening.findings if rule.code in f.rules and f.code.startswith(rule.code)]


def _only_points(rule: Rule) -> bool:
    has_points = any(not KNOWLEDGE.site(s).whole_region for s in rule.scope.sites)
    return rule.level is Level.LIMIT and has_points and not expected_scope(rule, {}, points=False)


def _facts_for_scope(rule: Rule) -> dict[str, object]:
    facts = triggering_facts(rule)
    if rule.scope.region_fact and rule.scope.region_fact not in facts:
        facts[rule.scope.region_fact] = [LIMB_REGION]
    return facts


def test_the_data_has_rules_of_every_level():
    assert {rule.level for rule in RULES} == set(Level)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_each_rule_fires_on_its_trigger_with_its_level_and_scope(rule: Rule):
    facts = _facts_for_scope(rule)
    found = findings_of(rule, facts)
    assert found, f"{rule.code} did not fire on {facts}"
    main = next(f for f in found if f.code == rule.code)
    assert main.level is (Level.PRECAUTION if _only_points(rule) else rule.level)
    assert main.source == rule.source and main.message == rule.message
    if rule.scope.all:
        assert main.applies_to == "all"
        return
    assert {i for f in found for i in f.applies_to} == expected_scope(rule, facts)
    limits = [f for f in found if f.level is Level.LIMIT]
    if limits:
        refused = {i for f in limits for i in f.applies_to}
        assert refused == expected_scope(rule, facts, points=False)


CONDITIONS = [(rule, index) for rule in RULES for index in range(len(rule.when))]


def _condition_id(case: tuple[Rule, int]) -> str:
    rule, index = case
    return f"{rule.code}-{rule.when[index].fact}"


@pytest.mark.parametrize("case", CONDITIONS, ids=_condition_id)
def test_each_rule_does_not_fire_when_one_condition_fails(case: tuple[Rule, int]):
    rule, index = case
    facts = _facts_for_scope(rule)
    facts[rule.when[index].fact] = failing(rule.when[index])
    assert not findings_of(rule, facts)


@pytest.mark.parametrize("case", CONDITIONS, ids=_condition_id)
def test_each_rule_waits_on_an_unknown_fact_and_blocking_ones_report_it(case: tuple[Rule, int]):
    rule, index = case
    fact = rule.when[index].fact
    facts = {k: v for k, v in _facts_for_scope(rule).items() if k != fact}
    screening = screen(facts, as_of=AS_OF)
    assert not findings_of(rule, facts)
    blocking_uses = [r for r in RULES if r.level in BLOCKING and fact in {c.fact for c in r.when}]
    unanswered = screening.finding(UNANSWERED + fact)
    if rule.level in BLOCKING:
        assert unanswered is not None
        assert unanswered.level is Level.PRECAUTION and rule.code in unanswered.rules
        assert set(rule.source) <= set(unanswered.source)
    elif not blocking_uses:
        assert unanswered is None


def test_every_rule_depends_on_the_patient():
    """A finding every patient gets is not screening; standing site rules belong to charting."""
    assert [r.code for r in RULES if not r.when] == []


def test_every_region_list_fact_has_a_rule_that_reads_it():
    region_facts = {q.id for q in KNOWLEDGE.intake_questions if q.type is QuestionType.REGION_LIST}
    assert region_facts <= {r.scope.region_fact for r in RULES}
