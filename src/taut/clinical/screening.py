"""Screening: intake facts -> findings (contraindicated / precaution / limit), each with its source.

    screening = screen({"pregnant": True, "age_years": 41}, as_of=date(2026, 11, 22))
    screening.blocked, screening.precautions, screening.refused_regions, screening.to_json()

Every rule comes from knowledge/contraindications.toml; this module knows no clinical fact. The
semantics below are explained for clinicians and integrators in docs/intake.md.

- Facts are checked against the intake questions of the data (type, range, drawing ids); a bad
  fact raises IntakeError naming it. An absent fact, or null, is unknown, never false.
- A rule fires when every `when` condition holds. A condition on an unknown fact is unknown: a
  rule with no false condition and an unknown one does not fire, and if the rule can block (level
  contraindicated or limit) each of its unknown facts is reported once, as the precaution
  `unanswered:<fact>` (not when the fact's question is not asked: its show_if is known false).
- Scope -> applies_to: `all`; base regions -> both sides' drawing ids (midline ids as they are);
  region_fact -> the marked drawing ids, with expand = "limb" also every region of that limb on
  that side; techniques -> technique ids; muscle_flag -> the drawing ids over the flagged muscles
  on both sides (the muscle ids are kept in `Finding.muscles`, since a region is coarser).
- Sites: a site with whole_region = true adds its regions. A point site (whole_region = false)
  cannot be refused on a chart that stops at regions, and refusing its whole region would
  over-block (the whole chest for the nipple). So in a limit rule the points become a precaution
  finding over their regions (`Finding.sites` names the points) that the clinician acknowledges;
  it keeps the rule's code, or `<code>:points` when the rule also refuses regions or techniques.
- With a plan, a limit whose applies_to misses the planned regions and techniques is still
  reported, with relevant = False. Contraindications and precautions always apply.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeGuard

from taut.clinical.anatomy import Limb
from taut.clinical.knowledge import Knowledge, UnknownIdError, load_knowledge
from taut.clinical.practice import (
    Expansion,
    FactCondition,
    Level,
    Op,
    Question,
    QuestionType,
    Rule,
    Scope,
)
from taut.clinical.records import Evidence, Side

FactValue = bool | int | str | tuple[str, ...]
ALL: Literal["all"] = "all"
UNANSWERED = "unanswered:"
AGE = "age_years"
DATE_OF_BIRTH = "date_of_birth"  # accepted instead of (or with) age_years; age at as_of
LEVEL_ORDER = (Level.CONTRAINDICATED, Level.PRECAUTION, Level.LIMIT)
EVIDENCE_ORDER = (Evidence.UNVERIFIED, Evidence.SECONDARY, Evidence.VERIFIED)
BLOCKING = frozenset({Level.CONTRAINDICATED, Level.LIMIT})
INTAKE_FIELDS = ("as_of", "facts", "plan")
_ORDERING: dict[Op, Callable[[int, int], bool]] = {
    Op.LT: operator.lt,
    Op.LE: operator.le,
    Op.GT: operator.gt,
    Op.GE: operator.ge,
}


class IntakeError(ValueError):
    """An intake that cannot be screened; `field` names the fact or field, `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


# --- values -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What the clinician intends to needle: drawing region ids and technique ids."""

    regions: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()

    def ids(self) -> frozenset[str]:
        return frozenset((*self.regions, *self.techniques))

    def to_json(self) -> dict[str, list[str]]:
        return {"regions": list(self.regions), "techniques": list(self.techniques)}


@dataclass(frozen=True)
class Finding:
    code: str
    level: Level
    message: str
    action: str
    source: tuple[str, ...]  # keys of sources.toml
    evidence: Evidence
    condition: str
    applies_to_all: bool = False
    regions: tuple[str, ...] = ()  # drawing region ids
    techniques: tuple[str, ...] = ()  # technique ids
    questions: tuple[str, ...] = ()  # intake fact ids that reveal it
    sites: tuple[str, ...] = ()  # point sites of the rule, when it names any
    muscles: tuple[str, ...] = ()  # muscles of a muscle_flag scope
    rules: tuple[str, ...] = ()  # the rule codes behind it (for unanswered: the rules waiting)
    relevant: bool = True  # False: a limit outside the plan (still reported, may be folded)

    @property
    def applies_to(self) -> Literal["all"] | tuple[str, ...]:
        return ALL if self.applies_to_all else (*self.regions, *self.techniques)

    def to_json(self) -> dict[str, Any]:
        applies_to = self.applies_to
        return {
            "code": self.code,
            "level": self.level.value,
            "applies_to": applies_to if isinstance(applies_to, str) else list(applies_to),
            "regions": list(self.regions),
            "techniques": list(self.techniques),
            "message": self.message,
            "action": self.action,
            "source": list(self.source),
            "evidence": self.evidence.value,
            "condition": self.condition,
            "questions": list(self.questions),
            "sites": list(self.sites),
            "muscles": list(self.muscles),
            "rules": list(self.rules),
            "relevant": self.relevant,
        }


@dataclass(frozen=True)
class Screening:
    as_of: dt.date
    findings: tuple[Finding, ...]  # ordered by level (contraindicated first), then code
    plan: Plan | None = None

    @property
    def blocked(self) -> bool:
        """True when any finding is contraindicated: no needling at all."""
        return bool(self.contraindications)

    @property
    def contraindications(self) -> tuple[Finding, ...]:
        return self._at(Level.CONTRAINDICATED)

    @property
    def precautions(self) -> tuple[Finding, ...]:
        return self._at(Level.PRECAUTION)

    @property
    def limits(self) -> tuple[Finding, ...]:
        return self._at(Level.LIMIT)

    @property
    def refused_regions(self) -> tuple[str, ...]:
        return tuple(sorted({region for f in self.limits for region in f.regions}))

    @property
    def refused_techniques(self) -> tuple[str, ...]:
        return tuple(sorted({technique for f in self.limits for technique in f.techniques}))

    @property
    def unanswered(self) -> tuple[str, ...]:
        """The facts reported as unanswered safety questions."""
        return tuple(
            f.code.removeprefix(UNANSWERED) for f in self.findings if f.code.startswith(UNANSWERED)
        )

    def by_level(self) -> dict[Level, tuple[Finding, ...]]:
        return {level: self._at(level) for level in LEVEL_ORDER}

    def finding(self, code: str) -> Finding | None:
        return next((f for f in self.findings if f.code == code), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "blocked": self.blocked,
            "plan": None if self.plan is None else self.plan.to_json(),
            "findings": [finding.to_json() for finding in self.findings],
        }

    def _at(self, level: Level) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level is level)


@dataclass(frozen=True)
class Intake:
    """An intake file (docs/intake.md) after its shape is checked; facts are checked by screen."""

    as_of: dt.date
    facts: Mapping[str, object]
    plan: Plan | None = None


# --- the engine ---------------------------------------------------------------------------------


def screen(
    facts: Mapping[str, object],
    *,
    as_of: dt.date,
    plan: Plan | None = None,
    knowledge: Knowledge | None = None,
) -> Screening:
    """Evaluate every screening rule of the knowledge base over the patient's facts."""
    knowledge = knowledge or load_knowledge()
    known = validate_facts(facts, as_of=as_of, knowledge=knowledge)
    if plan is not None:
        _check_plan(plan, knowledge)
    findings: list[Finding] = []
    waiting: dict[str, list[Rule]] = {}
    for rule in knowledge.contraindications:
        truth = _truth(rule.when, known)
        if truth:
            findings.extend(_fired(rule, known, knowledge))
        elif truth is None and rule.level in BLOCKING:
            for fact in _unknown_facts(rule, known, knowledge):
                waiting.setdefault(fact, []).append(rule)
    findings.extend(_unanswered(fact, rules, known, knowledge) for fact, rules in waiting.items())
    ordered = sorted((_relevance(f, plan) for f in findings), key=_order)
    return Screening(as_of=as_of, findings=tuple(ordered), plan=plan)


def _truth(conditions: Iterable[FactCondition], facts: Mapping[str, FactValue]) -> bool | None:
    """True when all hold, False when one fails, None (unknown) otherwise."""
    unknown = False
    for condition in conditions:
        value = facts.get(condition.fact)
        if value is None:
            unknown = True
        elif not _holds(condition, value):
            return False
    return None if unknown else True


def _holds(condition: FactCondition, value: FactValue) -> bool:
    if condition.op is Op.NONEMPTY:
        return isinstance(value, tuple) and bool(value)
    if condition.op in {Op.EQ, Op.NE}:
        return (value == condition.value) is (condition.op is Op.EQ)
    wanted = condition.value
    return _is_int(value) and _is_int(wanted) and _ORDERING[condition.op](value, wanted)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _unknown_facts(rule: Rule, facts: Mapping[str, FactValue], knowledge: Knowledge) -> list[str]:
    """The unknown facts of a rule whose questions are (or may be) asked."""
    unknown = [c.fact for c in rule.when if c.fact not in facts]
    return [fact for fact in unknown if _may_be_asked(knowledge.question(fact), facts)]


def _may_be_asked(question: Question, facts: Mapping[str, FactValue]) -> bool:
    return question_shown(question, facts) is not False


def question_shown(question: Question, facts: Mapping[str, object]) -> bool | None:
    """Is the question asked, given the answers so far? Its `show_if` decides: True when it
    holds (or there is none), False when it fails, None while the fact it reads is unanswered.
    Region lists may come as lists (a form's answers) or tuples (validated facts)."""
    if question.show_if is None:
        return True
    value = facts.get(question.show_if.fact)
    if value is None:
        return None
    return _truth((question.show_if,), {question.show_if.fact: _as_fact(value)})


def _as_fact(value: object) -> FactValue:
    if isinstance(value, list):
        return tuple(value)
    return value  # type: ignore[return-value]  # an answer of the question's own type


def _relevance(finding: Finding, plan: Plan | None) -> Finding:
    if plan is None or finding.level is not Level.LIMIT or finding.applies_to_all:
        return finding
    return replace(finding, relevant=bool(plan.ids() & set(finding.applies_to)))


def _order(finding: Finding) -> tuple[int, str]:
    return LEVEL_ORDER.index(finding.level), finding.code


# --- scope -> what a finding applies to ---------------------------------------------------------


@dataclass(frozen=True)
class _Targets:
    all: bool = False
    regions: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()  # whole-region sites
    points: tuple[str, ...] = ()  # point sites (whole_region = false)
    point_regions: tuple[str, ...] = ()
    muscles: tuple[str, ...] = ()


def _targets(scope: Scope, facts: Mapping[str, FactValue], knowledge: Knowledge) -> _Targets:
    """What a scope covers; a region_fact that is unknown could be anywhere, so: all."""
    marked = facts.get(scope.region_fact) if scope.region_fact else ()
    if scope.all or not isinstance(marked, tuple):
        return _Targets(all=True)
    fixed = _fixed_targets(scope, knowledge)
    if not marked:
        return fixed
    regions = (*fixed.regions, *_marked_regions(marked, scope.expand, knowledge))
    return replace(fixed, regions=_unique(regions))


@functools.lru_cache(maxsize=1024)
def _fixed_targets(scope: Scope, knowledge: Knowledge) -> _Targets:
    """The part of a scope that does not depend on the facts (cached: it is the same each time)."""
    sites = [knowledge.site(site_id) for site_id in scope.sites]
    whole = [site for site in sites if site.whole_region]
    points = [site for site in sites if not site.whole_region]
    muscles = _flagged(scope.muscle_flag, knowledge)
    regions = (
        *_both_sides(scope.regions, knowledge),
        *_both_sides((base for site in whole for base in site.regions), knowledge),
        *(r for muscle in muscles for side in Side for r in knowledge.muscle_regions(muscle, side)),
    )
    return _Targets(
        regions=_unique(regions),
        techniques=scope.techniques,
        sites=tuple(site.id for site in whole),
        points=tuple(site.id for site in points),
        point_regions=_both_sides((base for site in points for base in site.regions), knowledge),
        muscles=muscles,
    )


def _both_sides(bases: Iterable[str], knowledge: Knowledge) -> tuple[str, ...]:
    return _unique(drawing for base in bases for drawing in knowledge.drawing_ids(base))


def _flagged(flag: str | None, knowledge: Knowledge) -> tuple[str, ...]:
    if flag is None:
        return ()
    return tuple(muscle.id for muscle in knowledge.muscles if getattr(muscle, flag) is True)


def _marked_regions(
    marked: tuple[str, ...], expand: Expansion, knowledge: Knowledge
) -> tuple[str, ...]:
    regions = list(marked)
    if expand is Expansion.LIMB:
        for drawing_id in marked:
            base, side = knowledge.split_drawing_region(drawing_id)
            limb = knowledge.region(base).limb
            if side is not None and limb is not Limb.NONE:
                regions.extend(knowledge.limb_regions(side, limb))
    return _unique(regions)


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))


# --- findings -----------------------------------------------------------------------------------


def _fired(rule: Rule, facts: Mapping[str, FactValue], knowledge: Knowledge) -> list[Finding]:
    targets = _targets(rule.scope, facts, knowledge)
    finding = _from_rule(rule, targets)
    if rule.level is not Level.LIMIT or not targets.points:
        regions = _unique((*targets.regions, *targets.point_regions))
        return [replace(finding, regions=regions, sites=(*targets.sites, *targets.points))]
    points = replace(
        finding,
        level=Level.PRECAUTION,
        regions=targets.point_regions,
        techniques=(),
        sites=targets.points,
        muscles=(),
    )
    if not (targets.regions or targets.techniques):
        return [points]
    return [finding, replace(points, code=f"{rule.code}:points")]


def _from_rule(rule: Rule, targets: _Targets) -> Finding:
    return Finding(
        code=rule.code,
        level=rule.level,
        message=rule.message,
        action=rule.action,
        source=rule.source,
        evidence=rule.evidence,
        condition=rule.condition,
        applies_to_all=targets.all,
        regions=targets.regions,
        techniques=targets.techniques,
        questions=rule.questions,
        sites=targets.sites,
        muscles=targets.muscles,
        rules=(rule.code,),
    )


def _unanswered(
    fact: str, rules: list[Rule], facts: Mapping[str, FactValue], knowledge: Knowledge
) -> Finding:
    """One precaution for an unknown fact that could block: it applies where its rules would."""
    targets = [_targets(rule.scope, facts, knowledge) for rule in rules]
    everywhere = any(t.all for t in targets)
    would = "; ".join(f"{rule.condition} ({rule.level.value})" for rule in rules)
    return Finding(
        code=UNANSWERED + fact,
        level=Level.PRECAUTION,
        message=f"Not answered: {knowledge.question(fact).text}",
        action=f"Record the answer before needling. Until then assume it may apply: {would}.",
        source=_unique(key for rule in rules for key in rule.source),
        evidence=min((rule.evidence for rule in rules), key=EVIDENCE_ORDER.index),
        condition=f"Not answered: {knowledge.question(fact).text}",
        applies_to_all=everywhere,
        regions=()
        if everywhere
        else _unique(r for t in targets for r in t.point_regions + t.regions),
        techniques=() if everywhere else _unique(x for t in targets for x in t.techniques),
        questions=(fact,),
        rules=tuple(rule.code for rule in rules),
    )


# --- checking the input -------------------------------------------------------------------------


def validate_facts(
    facts: Mapping[str, object], *, as_of: dt.date, knowledge: Knowledge | None = None
) -> dict[str, FactValue]:
    """The facts as typed values (null dropped as unknown); IntakeError names a bad fact."""
    knowledge = knowledge or load_knowledge()
    known: dict[str, FactValue] = {}
    for fact, raw in facts.items():
        if fact == DATE_OF_BIRTH:
            continue
        question = _question(fact, knowledge)
        if raw is not None:
            known[fact] = _PARSERS[question.type](question, raw, knowledge)
    if facts.get(DATE_OF_BIRTH) is not None:
        _derive_age(facts[DATE_OF_BIRTH], as_of, known, knowledge)
    return known


def _question(fact: object, knowledge: Knowledge) -> Question:
    try:
        return knowledge.question(str(fact))
    except UnknownIdError as error:
        raise IntakeError(str(fact), str(error).replace("intake fact id", "fact")) from None


def _bool(question: Question, raw: object, knowledge: Knowledge) -> FactValue:
    if not isinstance(raw, bool):
        raise IntakeError(question.id, f"expected true or false, got {raw!r}")
    return raw


def _int(question: Question, raw: object, knowledge: Knowledge) -> FactValue:
    low, high = question.min, question.max
    if _is_int(raw) and (low is None or raw >= low) and (high is None or raw <= high):
        return raw
    bounds = {(True, True): f" {low}-{high}", (True, False): f" of at least {low}"}
    bounds[(False, True)] = f" of at most {high}"
    wanted = "an integer" + bounds.get((low is not None, high is not None), "")
    raise IntakeError(question.id, f"expected {wanted}, got {raw!r}")


def _region_list(question: Question, raw: object, knowledge: Knowledge) -> FactValue:
    if not isinstance(raw, list | tuple) or not all(isinstance(item, str) for item in raw):
        raise IntakeError(question.id, f"expected a list of drawing region ids, got {raw!r}")
    for drawing_id in raw:
        try:
            knowledge.drawing_region(drawing_id)
        except UnknownIdError as error:
            raise IntakeError(question.id, str(error)) from None
    return _unique(raw)


def _choice(question: Question, raw: object, knowledge: Knowledge) -> FactValue:
    if isinstance(raw, str) and raw in question.choices:
        return raw
    raise IntakeError(question.id, f"expected one of {', '.join(question.choices)}, got {raw!r}")


_PARSERS: dict[QuestionType, Callable[[Question, object, Knowledge], FactValue]] = {
    QuestionType.BOOL: _bool,
    QuestionType.INT: _int,
    QuestionType.REGION_LIST: _region_list,
    QuestionType.CHOICE: _choice,
}


def _derive_age(
    raw: object, as_of: dt.date, known: dict[str, FactValue], knowledge: Knowledge
) -> None:
    born = _date(DATE_OF_BIRTH, raw)
    if born > as_of:
        raise IntakeError(DATE_OF_BIRTH, f"{born.isoformat()} is after as_of {as_of.isoformat()}")
    age = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
    given = known.get(AGE)
    if given is not None and given != age:
        reason = f"{given} does not match date_of_birth {born.isoformat()} ({age} at {as_of})"
        raise IntakeError(AGE, reason)
    known[AGE] = _int(knowledge.question(AGE), age, knowledge)


def _date(field: str, raw: object) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise IntakeError(field, f"expected an ISO date (YYYY-MM-DD), got {raw!r}")


def _check_plan(plan: Plan, knowledge: Knowledge) -> None:
    lookups: tuple[tuple[str, tuple[str, ...], Callable[[str], object]], ...] = (
        ("plan.regions", plan.regions, knowledge.drawing_region),
        ("plan.techniques", plan.techniques, knowledge.technique),
    )
    for field, ids, lookup in lookups:
        for item in ids:
            try:
                lookup(item)
            except UnknownIdError as error:
                raise IntakeError(field, str(error)) from None


# --- the intake file ----------------------------------------------------------------------------


def read_intake(document: object) -> Intake:
    """Check the shape of a parsed intake file: {"as_of", "facts", "plan"?} (docs/intake.md)."""
    if not isinstance(document, dict):
        raise IntakeError("intake", "expected a JSON object with as_of and facts")
    for key in document:
        if key not in INTAKE_FIELDS:
            raise IntakeError(str(key), f"unknown field (expected {', '.join(INTAKE_FIELDS)})")
    if document.get("as_of") is None:
        raise IntakeError("as_of", "required: the date of the screening (YYYY-MM-DD)")
    facts = document.get("facts")
    if not isinstance(facts, dict):
        raise IntakeError("facts", f"expected an object of fact ids and answers, got {facts!r}")
    plan = document.get("plan")
    return Intake(
        as_of=_date("as_of", document["as_of"]),
        facts=facts,
        plan=None if plan is None else _read_plan(plan),
    )


def _read_plan(raw: object) -> Plan:
    if not isinstance(raw, dict):
        raise IntakeError("plan", f"expected an object with regions and techniques, got {raw!r}")
    for key in raw:
        if key not in {"regions", "techniques"}:
            raise IntakeError(f"plan.{key}", "unknown field (expected regions, techniques)")
    return Plan(
        regions=_id_list("plan.regions", raw.get("regions", [])),
        techniques=_id_list("plan.techniques", raw.get("techniques", [])),
    )


def _id_list(field: str, raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise IntakeError(field, f"expected a list of ids, got {raw!r}")
    return _unique(raw)
