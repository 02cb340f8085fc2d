"""Cross-file checks of the knowledge base: every id a record refers to must exist.

Per-record shape is checked by the pydantic models while loading; this module checks what no
single record can know, and raises KnowledgeError naming the file, the record and the reason.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from pydantic import BaseModel

from taut.clinical.anatomy import Muscle
from taut.clinical.practice import (
    FactCondition,
    JurisdictionRule,
    Op,
    Question,
    QuestionType,
    Scope,
)
from taut.clinical.records import KnowledgeError, record_label

if TYPE_CHECKING:
    from taut.clinical.knowledge import Knowledge

# (file, table, Knowledge attribute, id field) of every list of records.
RECORD_SETS = (
    ("regions.toml", "region", "regions", "id"),
    ("muscles.toml", "muscle", "muscles", "id"),
    ("muscles.toml", "flag", "muscle_flags", "id"),
    ("referral.toml", "pattern", "referral_patterns", "muscle"),
    ("techniques.toml", "technique", "techniques", "id"),
    ("techniques.toml", "needle_parameter", "needle_parameters", "id"),
    ("techniques.toml", "needle_example", "needle_examples", "context"),
    ("techniques.toml", "practice", "practice_rules", "id"),
    ("contraindications.toml", "rule", "contraindications", "code"),
    ("contraindications.toml", "note", "contraindication_notes", "code"),
    ("contraindications.toml", "site", "sites", "id"),
    ("adverse_events.toml", "event", "adverse_events", "id"),
    ("adverse_events.toml", "severity", "severities", "id"),
    ("adverse_events.toml", "scheme", "severity_schemes", "id"),
    ("adverse_events.toml", "rate", "reference_rates", "id"),
    ("adverse_events.toml", "quoted_figure", "quoted_figures", "id"),
    ("instruments.toml", "instrument", "instruments", "id"),
    ("conditions.toml", "condition", "conditions", "id"),
    ("aftercare.toml", "item", "aftercare", "id"),
    ("jurisdictions.toml", "profession", "professions", "id"),
    ("jurisdictions.toml", "jurisdiction", "jurisdictions", "id"),
    ("codes.toml", "code", "codes", "id"),
)

MUSCLE_FLAGS = frozenset(
    name for name, info in Muscle.model_fields.items() if info.annotation is bool
) - {"paired"}


def check_references(knowledge: Knowledge) -> None:
    _check_sources(knowledge)
    _check_muscles(knowledge)
    _check_patterns(knowledge)
    _check_screening(knowledge)
    _check_adverse_events(knowledge)
    _check_conditions(knowledge)
    _check_mcid_populations(knowledge)
    _check_jurisdictions(knowledge)
    _check_codes(knowledge)


def records_of(knowledge: Knowledge) -> Iterator[tuple[str, str, BaseModel]]:
    """Every top-level record as (file, record label, record)."""
    for file, table, attribute, key in RECORD_SETS:
        for index, record in enumerate(getattr(knowledge, attribute)):
            yield file, record_label(table, index, getattr(record, key)), record
    yield "referral.toml", "[weights]", knowledge.referral_weights


def cited_keys(model: BaseModel) -> Iterator[str]:
    """Source keys of a record and of every record nested in it."""
    source = getattr(model, "source", None)
    if isinstance(source, tuple):
        yield from source
    for name in type(model).model_fields:
        value = getattr(model, name)
        nested = value if isinstance(value, tuple) else (value,)
        for item in nested:
            if isinstance(item, BaseModel):
                yield from cited_keys(item)


def check_cited_records(
    file: str, table: str, records: Iterable[BaseModel], key: str, sources: Iterable[str]
) -> None:
    """A file read beside the knowledge base: ids unique, every record cited, sources known."""
    known = set(sources)
    seen: set[object] = set()
    for index, record in enumerate(records):
        record_id = getattr(record, key)
        label = record_label(table, index, record_id)
        if record_id in seen:
            raise KnowledgeError(file, label, f"duplicate {key} '{record_id}'")
        seen.add(record_id)
        if hasattr(record, "source") and not record.source:
            raise KnowledgeError(file, label, "no source given")
        _unknown(file, label, "source", cited_keys(record), known)


def _unknown(file: str, label: str, kind: str, wanted: Iterable[str], valid: Iterable[str]) -> None:
    known = set(valid)
    for value in wanted:
        if value not in known:
            close = difflib.get_close_matches(value, sorted(known), n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise KnowledgeError(file, label, f"unknown {kind} '{value}'{hint}")


def _check_sources(knowledge: Knowledge) -> None:
    keys = {source.key for source in knowledge.sources}
    for file, label, record in records_of(knowledge):
        if not getattr(record, "source", True):
            raise KnowledgeError(file, label, "no source given")
        _unknown(file, label, "source", cited_keys(record), keys)


def _check_muscles(knowledge: Knowledge) -> None:
    regions = {region.id for region in knowledge.regions}
    for index, muscle in enumerate(knowledge.muscles):
        label = record_label("muscle", index, muscle.id)
        _unknown("muscles.toml", label, "region", muscle.overlies, regions)
    for index, flag in enumerate(knowledge.muscle_flags):
        label = record_label("flag", index, flag.id)
        _unknown("muscles.toml", label, "muscle flag", [flag.id], MUSCLE_FLAGS)
    described = {flag.id for flag in knowledge.muscle_flags}
    for missing in sorted(MUSCLE_FLAGS - described):
        raise KnowledgeError("muscles.toml", "[[flag]]", f"flag '{missing}' is not described")


def _check_patterns(knowledge: Knowledge) -> None:
    regions = {region.id: region for region in knowledge.regions}
    muscles = {muscle.id: muscle for muscle in knowledge.muscles}
    for index, pattern in enumerate(knowledge.referral_patterns):
        label = record_label("pattern", index, pattern.muscle)
        _unknown("referral.toml", label, "muscle", [pattern.muscle], muscles)
        zones = (*pattern.essential, *pattern.spillover, *pattern.trp_site, *pattern.bilateral)
        _unknown("referral.toml", label, "region", zones, regions)
        referred = {*pattern.essential, *pattern.spillover}
        for base in pattern.bilateral:
            if base not in referred or not regions[base].sided:
                reason = f"bilateral region '{base}' must be a sided region of the pattern"
                raise KnowledgeError("referral.toml", label, reason)
        outside = [
            base for base in pattern.trp_site if base not in muscles[pattern.muscle].overlies
        ]
        if outside:
            reason = f"trp_site {outside} not among the muscle's overlies in muscles.toml"
            raise KnowledgeError("referral.toml", label, reason)
    with_pattern = {pattern.muscle for pattern in knowledge.referral_patterns}
    for muscle_id in muscles:
        if muscle_id not in with_pattern:
            raise KnowledgeError("referral.toml", "[[pattern]]", f"no pattern for '{muscle_id}'")


def _check_screening(knowledge: Knowledge) -> None:
    file = "contraindications.toml"
    questions = {question.id: question for question in knowledge.intake_questions}
    regions = {region.id for region in knowledge.regions}
    for index, question in enumerate(knowledge.intake_questions):
        if question.show_if is not None:
            label = record_label("question", index, question.id)
            _check_condition(file, label, question.show_if, questions)
    for index, site in enumerate(knowledge.sites):
        _unknown(file, record_label("site", index, site.id), "region", site.regions, regions)
    for index, rule in enumerate(knowledge.contraindications):
        label = record_label("rule", index, rule.code)
        for condition in rule.when:
            _check_condition(file, label, condition, questions)
        _unknown(file, label, "intake question", rule.questions, questions)
        _check_scope(knowledge, file, label, rule.scope, questions)


def _check_scope(
    knowledge: Knowledge, file: str, label: str, scope: Scope, questions: dict[str, Question]
) -> None:
    _unknown(file, label, "region", scope.regions, {r.id for r in knowledge.regions})
    _unknown(file, label, "site", scope.sites, {s.id for s in knowledge.sites})
    _unknown(file, label, "technique", scope.techniques, {t.id for t in knowledge.techniques})
    if scope.muscle_flag is not None:
        _unknown(file, label, "muscle flag", [scope.muscle_flag], MUSCLE_FLAGS)
    if scope.region_fact is not None:
        _unknown(file, label, "intake fact", [scope.region_fact], questions)
        if questions[scope.region_fact].type is not QuestionType.REGION_LIST:
            raise KnowledgeError(file, label, f"'{scope.region_fact}' is not a region_list fact")


def _check_condition(
    file: str, label: str, condition: FactCondition, questions: dict[str, Question]
) -> None:
    _unknown(file, label, "intake fact", [condition.fact], questions)
    kind = questions[condition.fact].type
    value = condition.value
    fits = {
        QuestionType.BOOL: condition.op in {Op.EQ, Op.NE} and isinstance(value, bool),
        QuestionType.INT: condition.op is not Op.NONEMPTY and not isinstance(value, bool),
        QuestionType.REGION_LIST: condition.op is Op.NONEMPTY,
        QuestionType.CHOICE: condition.op in {Op.EQ, Op.NE}
        and value in questions[condition.fact].choices,
    }[kind]
    if not fits:
        reason = f"'{condition.describe()}' does not fit the {kind.value} fact '{condition.fact}'"
        raise KnowledgeError(file, label, reason)


def _check_adverse_events(knowledge: Knowledge) -> None:
    events = {event.id for event in knowledge.adverse_events}
    referring: list[tuple[str, int, str, str]] = [
        *(("rate", i, r.id, r.event) for i, r in enumerate(knowledge.reference_rates)),
        *(("quoted_figure", i, q.id, q.event) for i, q in enumerate(knowledge.quoted_figures)),
    ]
    for table, index, record_id, event in referring:
        label = record_label(table, index, record_id)
        _unknown("adverse_events.toml", label, "adverse event", [event], events)
    measured = {rate.event for rate in knowledge.reference_rates if rate.numerator > 0}
    for index, summarised in enumerate(knowledge.adverse_events):
        if summarised.consent_summary is not None and summarised.id not in measured:
            raise KnowledgeError(
                "adverse_events.toml",
                record_label("event", index, summarised.id),
                "consent_summary needs at least one [[rate]] above zero to quote",
            )


def _check_conditions(knowledge: Knowledge) -> None:
    for index, condition in enumerate(knowledge.conditions):
        label = record_label("condition", index, condition.id)
        for kind, wanted, valid in (
            ("muscle", condition.muscles, {m.id for m in knowledge.muscles}),
            ("region", condition.regions, {r.id for r in knowledge.regions}),
            ("instrument", condition.instruments, {i.id for i in knowledge.instruments}),
            ("technique", condition.techniques, {t.id for t in knowledge.techniques}),
        ):
            _unknown("conditions.toml", label, kind, wanted, valid)


def _check_mcid_populations(knowledge: Knowledge) -> None:
    """An MCID names the conditions its population matches; each must exist."""
    conditions = {condition.id for condition in knowledge.conditions}
    for index, instrument in enumerate(knowledge.instruments):
        label = record_label("instrument", index, instrument.id)
        for mcid in instrument.mcids:
            _unknown("instruments.toml", label, "condition", mcid.conditions, conditions)


def _check_jurisdictions(knowledge: Knowledge) -> None:
    professions = {profession.id for profession in knowledge.professions}
    defaults: set[str] = set()
    for index, jurisdiction in enumerate(knowledge.jurisdictions):
        label = record_label("jurisdiction", index, jurisdiction.id)
        _unknown(
            "jurisdictions.toml",
            label,
            "profession",
            [r.profession for r in jurisdiction.rules],
            professions,
        )
        if jurisdiction.default:
            if jurisdiction.country in defaults:
                reason = f"a second default entry for {jurisdiction.country}"
                raise KnowledgeError("jurisdictions.toml", label, reason)
            defaults.add(jurisdiction.country)
        _refuse_overlaps(label, jurisdiction.rules)


def _refuse_overlaps(label: str, rules: Iterable[JurisdictionRule]) -> None:
    spans: dict[str, list[JurisdictionRule]] = {}
    for rule in rules:
        for other in spans.setdefault(rule.profession, []):
            if _overlap(rule, other):
                reason = f"two rules for '{rule.profession}' are in force at the same time"
                raise KnowledgeError("jurisdictions.toml", label, reason)
        spans[rule.profession].append(rule)


def _overlap(a: JurisdictionRule, b: JurisdictionRule) -> bool:
    a_ends_first = (
        a.effective_to is not None
        and b.effective_from is not None
        and (a.effective_to <= b.effective_from)
    )
    b_ends_first = (
        b.effective_to is not None
        and a.effective_from is not None
        and (b.effective_to <= a.effective_from)
    )
    return not (a_ends_first or b_ends_first)


def _check_codes(knowledge: Knowledge) -> None:
    known = {
        "instrument": {instrument.id for instrument in knowledge.instruments},
        "side": {"l", "r"},
    }
    concepts: set[str] = set()
    for index, code in enumerate(knowledge.codes):
        label = record_label("code", index, code.id)
        kind, concept_id = code.concept.split(":", 1)
        _unknown("codes.toml", label, kind, [concept_id], known[kind])
        if code.concept in concepts:
            raise KnowledgeError("codes.toml", label, f"second code for '{code.concept}'")
        concepts.add(code.concept)
