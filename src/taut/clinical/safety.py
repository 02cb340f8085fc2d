"""Charting safety: a needling plan -> live warnings and refusals; needle count reconciliation.

    entry = NeedlingEntry("upper_trapezius", Side.LEFT, "deep", needles_in=2, depth_mm=15,
                          needle_length_mm=40)
    plan = SessionPlan(entries=(entry,), first_session=True, screening=screening)
    needling_warnings(plan)          # every warning of the session, refusals first
    entry_check(entry, plan)         # what the form shows beside one row: refusals, warnings
    reconcile_needles(plan.entries)  # .complete is False -> the note cannot be signed

A recorded depth is refused when it is deeper than the needle is long, or deeper than the
muscle's safe depth where muscles.toml gives one (a limit a publication states, with its source).

Every warning is built from the knowledge data (muscles.toml, techniques.toml,
adverse_events.toml) or from a screening finding (contraindications.toml), and carries their
source keys. A warning that combines several records takes the weakest of their evidence grades.
The rules are explained for clinicians in docs/charting-rules.md. There is no clock here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from taut.clinical.anatomy import Figure, LungRisk, Muscle, MuscleFlag
from taut.clinical.knowledge import Knowledge, UnknownIdError, load_knowledge
from taut.clinical.practice import ELECTRICAL, PracticeRule, Technique, is_electrical
from taut.clinical.records import Evidence, KnowledgeError, Side
from taut.clinical.screening import Finding, Screening
from taut.clinical.wording import side_word, sided

SUPERFICIAL = "superficial"  # the technique whose depth ceiling separates superficial from deep
# Screening findings that make a deep, non-compressible muscle a bleeding concern. The anticoagulant
# rule names those muscles itself (scope muscle_flag); bleeding_disorder applies to all, so the
# link is made here (a data gap: see docs/charting-rules.md).
BLEEDING_FINDINGS = ("anticoagulant", "bleeding_disorder")
EVIDENCE_ORDER = (Evidence.UNVERIFIED, Evidence.SECONDARY, Evidence.VERIFIED)


class ChartingError(ValueError):
    """A needling entry that cannot be checked; `field` names it, `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


class Severity(StrEnum):
    REFUSE = "refuse"  # the entry may not be needled (screening limit or contraindication)
    WARN = "warn"  # needle with the care the advice describes
    INFO = "info"  # a technique note of the muscle


SEVERITY_ORDER = (Severity.REFUSE, Severity.WARN, Severity.INFO)


class WarningCode(StrEnum):
    CONTRAINDICATED = "contraindicated"
    REGION_REFUSED = "region_refused"
    TECHNIQUE_REFUSED = "technique_refused"
    ELECTRICAL_DEVICE = "electrical_device"
    LUNG = "lung"
    BOTH_SIDES_OF_THORAX = "both_sides_of_thorax"
    NEUROVASCULAR = "neurovascular"
    FIRST_SESSION_HEAD_NECK = "first_session_head_neck"
    BLEEDING_DEEP_MUSCLE = "bleeding_deep_muscle"
    SCREENING_PRECAUTION = "screening_precaution"
    DEPTH_BEYOND_NEEDLE = "depth_beyond_needle"
    DEPTH_BEYOND_SAFE_DEPTH = "depth_beyond_safe_depth"
    TECHNIQUE_NOTE = "technique_note"


# --- values -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedlingEntry:
    """One charted row: a muscle on one side, needled with one technique."""

    muscle: str  # muscle id (vocabulary.md)
    side: Side
    technique: str  # technique id
    needles_in: int
    needles_out: int | None = None  # None: not counted out yet
    depth_mm: float | None = None
    insertions: int | None = None
    stimulation: bool = False  # current through the needles with a non-electrical technique
    needle_length_mm: float | None = None  # of the needle used; None: not known

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "side", Side(self.side))
        except ValueError:
            raise ChartingError("side", f"expected 'l' or 'r', got {self.side!r}") from None
        _count("needles_in", self.needles_in)
        if self.needles_out is not None:
            _count("needles_out", self.needles_out)
        if self.insertions is not None:
            _count("insertions", self.insertions)
        if self.depth_mm is not None and (
            isinstance(self.depth_mm, bool)
            or not isinstance(self.depth_mm, int | float)
            or self.depth_mm < 0
        ):
            raise ChartingError(
                "depth_mm", f"expected a depth of 0 mm or more, got {self.depth_mm!r}"
            )
        if self.needle_length_mm is not None and not _positive_number(self.needle_length_mm):
            raise ChartingError(
                "needle_length_mm",
                f"expected a needle length above 0 mm, got {self.needle_length_mm!r}",
            )

    @property
    def electrical(self) -> bool:
        return is_electrical(self.technique) or self.stimulation


def _positive_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and value > 0


def _count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ChartingError(name, f"expected a count of 0 or more, got {value!r}")


@dataclass(frozen=True)
class SessionPlan:
    entries: tuple[NeedlingEntry, ...]
    first_session: bool
    screening: Screening | None = None
    implanted_device: bool = False  # an implanted electrical device is known (pacemaker ...)

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", tuple(self.entries))


@dataclass(frozen=True)
class SafetyWarning:
    """One warning or refusal. (Not called Warning: that would shadow the built-in.)"""

    code: WarningCode
    severity: Severity
    message: str
    advice: str
    source: tuple[str, ...]  # keys of sources.toml
    evidence: Evidence
    muscle: str | None = None  # None: the warning concerns the session, not one muscle
    side: Side | None = None
    technique: str | None = None  # set when the technique is what the warning is about
    entries: tuple[int, ...] = ()  # indexes into plan.entries; () for the whole session
    details: tuple[str, ...] = ()  # depth figures, refused regions, reported rates
    finding: str | None = None  # the screening finding behind it

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code.value,
            "severity": self.severity.value,
            "message": self.message,
            "advice": self.advice,
            "source": list(self.source),
            "evidence": self.evidence.value,
            "muscle": self.muscle,
            "side": None if self.side is None else self.side.value,
            "technique": self.technique,
            "entries": list(self.entries),
            "details": list(self.details),
            "finding": self.finding,
        }


@dataclass(frozen=True)
class EntryCheck:
    refusals: tuple[SafetyWarning, ...]
    warnings: tuple[SafetyWarning, ...]  # severity warn, then info

    @property
    def allowed(self) -> bool:
        return not self.refusals


# --- the warnings -------------------------------------------------------------------------------


def needling_warnings(
    plan: SessionPlan, *, knowledge: Knowledge | None = None
) -> tuple[SafetyWarning, ...]:
    """Every warning of the plan: refusals, then warnings, then notes; within a severity, in the
    order of the entries and of the rules. A warning raised by several identical entries is
    reported once, with all their indexes."""
    knowledge = knowledge or load_knowledge()
    muscles = _check_entries(plan.entries, knowledge)
    found: list[SafetyWarning] = list(_contraindications(plan))
    for index, (entry, muscle) in enumerate(zip(plan.entries, muscles, strict=True)):
        for rule in ENTRY_RULES:
            found.extend(replace(w, entries=(index,)) for w in rule(entry, muscle, plan, knowledge))
    for plan_rule in PLAN_RULES:
        found.extend(plan_rule(plan, muscles, knowledge))
    return tuple(sorted(_merged(found), key=lambda w: SEVERITY_ORDER.index(w.severity)))


def entry_check(
    entry: NeedlingEntry, plan: SessionPlan, *, knowledge: Knowledge | None = None
) -> EntryCheck:
    """The refusals and warnings that concern one entry, in the context of the session's plan (the
    entry need not be in the plan yet: the form checks a row as it is typed)."""
    if entry in plan.entries:
        index, full = plan.entries.index(entry), plan
    else:
        index, full = len(plan.entries), replace(plan, entries=(*plan.entries, entry))
    mine = [w for w in needling_warnings(full, knowledge=knowledge) if _concerns(w, index)]
    return EntryCheck(
        refusals=tuple(w for w in mine if w.severity is Severity.REFUSE),
        warnings=tuple(w for w in mine if w.severity is not Severity.REFUSE),
    )


def _concerns(warning: SafetyWarning, index: int) -> bool:
    return not warning.entries or index in warning.entries


def _check_entries(entries: Iterable[NeedlingEntry], knowledge: Knowledge) -> tuple[Muscle, ...]:
    muscles = []
    for index, entry in enumerate(entries):
        try:
            muscles.append(knowledge.muscle(entry.muscle))
            knowledge.technique(entry.technique)
        except UnknownIdError as error:
            raise ChartingError(f"entries[{index}].{error.kind}", str(error)) from None
    return tuple(muscles)


def _merged(warnings: Iterable[SafetyWarning]) -> list[SafetyWarning]:
    """Identical warnings of several entries become one that lists every entry."""
    merged: dict[SafetyWarning, list[int]] = {}
    for warning in warnings:
        merged.setdefault(replace(warning, entries=()), []).extend(warning.entries)
    return [replace(w, entries=tuple(dict.fromkeys(indexes))) for w, indexes in merged.items()]


# --- entry rules (in the order they are reported) -----------------------------------------------

EntryRule = Callable[[NeedlingEntry, Muscle, SessionPlan, Knowledge], Iterator[SafetyWarning]]
PlanRule = Callable[[SessionPlan, tuple[Muscle, ...], Knowledge], Iterator[SafetyWarning]]


def _contraindications(plan: SessionPlan) -> Iterator[SafetyWarning]:
    """A contraindicated screening refuses every entry of the session."""
    if plan.screening is None:
        return
    for finding in plan.screening.contraindications:
        yield _from_finding(finding, WarningCode.CONTRAINDICATED, Severity.REFUSE)


def _screening_limits(
    entry: NeedlingEntry, muscle: Muscle, plan: SessionPlan, knowledge: Knowledge
) -> Iterator[SafetyWarning]:
    """A limit finding over the entry's regions or technique refuses the entry (never a warning)."""
    if plan.screening is None:
        return
    regions = knowledge.muscle_regions(muscle.id, entry.side)
    for finding in plan.screening.limits:
        hit_regions = tuple(r for r in regions if finding.applies_to_all or r in finding.regions)
        hit_technique = _technique_hit(entry, finding)
        if not (hit_regions or hit_technique):
            continue
        code = WarningCode.REGION_REFUSED if hit_regions else WarningCode.TECHNIQUE_REFUSED
        details = tuple(f"refused region: {knowledge.region_name(r)}" for r in hit_regions)
        if hit_technique:
            details += (f"refused technique: {knowledge.technique(hit_technique).name}",)
        yield replace(
            _from_finding(finding, code, Severity.REFUSE),
            muscle=muscle.id,
            side=entry.side,
            technique=entry.technique if hit_technique else None,
            details=details,
        )


def _technique_hit(entry: NeedlingEntry, finding: Finding) -> str | None:
    if entry.technique in finding.techniques:
        return entry.technique
    if entry.electrical and ELECTRICAL in finding.techniques:
        return ELECTRICAL
    return None


def _depth_limits(
    entry: NeedlingEntry, muscle: Muscle, plan: SessionPlan, knowledge: Knowledge
) -> Iterator[SafetyWarning]:
    """A recorded depth deeper than the needle's length, or than the muscle's safe depth."""
    depth = entry.depth_mm
    if depth is None:
        return
    length = entry.needle_length_mm
    if length is not None and depth > length:
        rule = _practice(knowledge, "depth_within_needle")
        yield SafetyWarning(
            code=WarningCode.DEPTH_BEYOND_NEEDLE,
            severity=Severity.REFUSE,
            message=(
                f"{_name(muscle, entry.side)}: a depth of {depth:g} mm is deeper than the "
                f"needle is long ({length:g} mm)."
            ),
            advice=rule.text,
            source=rule.source,
            evidence=rule.evidence,
            muscle=muscle.id,
            side=entry.side,
            details=(f"depth {depth:g} mm, needle {length:g} mm",),
        )
    limit = muscle.safe_depth
    if limit is not None and depth > limit.max_mm:
        yield SafetyWarning(
            code=WarningCode.DEPTH_BEYOND_SAFE_DEPTH,
            severity=Severity.REFUSE,
            message=(
                f"{_name(muscle, entry.side)}: a depth of {depth:g} mm is beyond the safe depth "
                f"of {limit.max_mm:g} mm for this muscle."
            ),
            advice=(
                f"{limit.advice} If the needle did go deeper, leave the depth empty, describe "
                "it in the note and record any adverse event."
            ),
            source=limit.source,
            evidence=limit.evidence,
            muscle=muscle.id,
            side=entry.side,
            details=(f"safe depth {limit.max_mm:g} mm ({limit.population})",),
        )


def _electrical_device(
    entry: NeedlingEntry, muscle: Muscle, plan: SessionPlan, knowledge: Knowledge
) -> Iterator[SafetyWarning]:
    """An implanted device with current the screening does not refuse: warn (a refusal by the
    screening is reported by _screening_limits)."""
    if not (entry.electrical and plan.implanted_device):
        return
    if plan.screening is not None and ELECTRICAL in plan.screening.refused_techniques:
        return
    notes = knowledge.technique(ELECTRICAL).notes
    yield SafetyWarning(
        code=WarningCode.ELECTRICAL_DEVICE,
        severity=Severity.WARN,
        message=(
            "Electrical needling with an implanted electrical device: the screening does not "
            "refuse it, but the current must not pass near the device or across the heart."
        ),
        advice=" ".join(note.text for note in notes),
        source=_keys(note.source for note in notes),
        evidence=_weakest(note.evidence for note in notes),
        muscle=muscle.id,
        side=entry.side,
        technique=entry.technique,
    )


def _lung(
    entry: NeedlingEntry, muscle: Muscle, plan: SessionPlan, knowledge: Knowledge
) -> Iterator[SafetyWarning]:
    """A muscle over the lung: its depth figures and technique notes."""
    lung = muscle.lung
    if lung.risk is LungRisk.NONE:
        return
    notes = muscle.technique_notes
    yield SafetyWarning(
        code=WarningCode.LUNG,
        severity=Severity.WARN,
        message=f"{_name(muscle, entry.side)}: {lung.risk.value} lung risk. {lung.note}".strip(),
        advice=" ".join(note.text for note in notes),
        source=_keys((lung.source, *(note.source for note in notes))),
        evidence=_weakest((lung.evidence, *(note.evidence for note in notes))),
        muscle=muscle.id,
        side=entry.side,
        details=tuple(_figure(f) for f in lung.figures),
    )


def _neurovascular(
    entry: NeedlingEntry, muscle: Muscle, plan: SessionPlan, knowledge: Knowledge
) -> Iterator[SafetyWarning]:
    """One warning per nerve, vessel or organ within reach, with the general SA-Guide advice."""
    general = _practice(knowledge, "map_structures")
    for hazard in muscle.neurovascular:
        note = f" {hazard.note}" if hazard.note else ""
        yield SafetyWarning(
            code=WarningCode.NEUROVASCULAR,
            severity=Severity.WARN,
            message=f"{_name(muscle, entry.side)}: near the {hazard.structure}.{note}",
            advice=general.text,
            source=_keys((hazard.source, general.source)),
            evidence=_weakest((hazard.evidence, general.evidence)),
            muscle=muscle.id,
            side=entry.side,
            details=tuple(_figure(f) for f in hazard.figures),
        )


def _bleeding(
    entry: NeedlingEntry, muscle: Muscle, plan: SessionPlan, knowledge: Knowledge
) -> Iterator[SafetyWarning]:
    """Anticoagulant or bleeding precaution and a (possibly) deep insertion into a deep muscle
    that cannot be compressed afterwards."""
    screening = plan.screening
    if screening is None or not muscle.deep_noncompressible:
        return
    if not _may_be_deep(entry, knowledge.technique(entry.technique), knowledge):
        return
    flag = _flag(knowledge, "deep_noncompressible")
    for finding in screening.precautions:
        if finding.code not in BLEEDING_FINDINGS:
            continue
        yield SafetyWarning(
            code=WarningCode.BLEEDING_DEEP_MUSCLE,
            severity=Severity.WARN,
            message=f"{_name(muscle, entry.side)}: {finding.message} {flag.meaning}",
            advice=finding.action,
            source=_keys((finding.source, flag.source)),
            evidence=_weakest((finding.evidence, flag.evidence)),
            muscle=muscle.id,
            side=entry.side,
            technique=entry.technique,
            finding=finding.code,
        )


def _may_be_deep(entry: NeedlingEntry, technique: Technique, knowledge: Knowledge) -> bool:
    """Deeper than the superficial technique's ceiling (10 mm), or of unknown depth."""
    ceiling = knowledge.technique(SUPERFICIAL).depth.max_mm
    if entry.depth_mm is not None and ceiling is not None:
        return entry.depth_mm > ceiling
    return technique.depth.max_mm is None


def _screening_precautions(
    entry: NeedlingEntry, muscle: Muscle, plan: SessionPlan, knowledge: Knowledge
) -> Iterator[SafetyWarning]:
    """A precaution finding scoped to the entry's regions, technique or muscle (those that apply to
    the whole session are the treatment gate's business, not a row's)."""
    if plan.screening is None:
        return
    regions = set(knowledge.muscle_regions(muscle.id, entry.side))
    for finding in plan.screening.precautions:
        if finding.applies_to_all or finding.code in BLEEDING_FINDINGS:
            continue
        hit_regions = tuple(r for r in finding.regions if r in regions)
        hit_technique = _technique_hit(entry, finding)
        if not (hit_regions or hit_technique or muscle.id in finding.muscles):
            continue
        details = tuple(f"region: {knowledge.region_name(r)}" for r in hit_regions)
        if hit_technique:
            details += (f"technique: {knowledge.technique(hit_technique).name}",)
        if finding.sites:
            details += (f"sites: {', '.join(knowledge.site(s).name for s in finding.sites)}",)
        yield replace(
            _from_finding(finding, WarningCode.SCREENING_PRECAUTION, Severity.WARN),
            muscle=muscle.id,
            side=entry.side,
            technique=entry.technique if hit_technique else None,
            details=details,
        )


def _technique_notes(
    entry: NeedlingEntry, muscle: Muscle, plan: SessionPlan, knowledge: Knowledge
) -> Iterator[SafetyWarning]:
    """The muscle's technique notes (those of a lung-risk muscle are in the lung warning)."""
    if muscle.lung.risk is not LungRisk.NONE:
        return
    for note in muscle.technique_notes:
        yield SafetyWarning(
            code=WarningCode.TECHNIQUE_NOTE,
            severity=Severity.INFO,
            message=f"{_name(muscle, entry.side)}: {note.text}",
            advice=note.text,
            source=note.source,
            evidence=note.evidence,
            muscle=muscle.id,
            side=entry.side,
        )


ENTRY_RULES: tuple[EntryRule, ...] = (
    _screening_limits,
    _depth_limits,
    _electrical_device,
    _lung,
    _neurovascular,
    _bleeding,
    _screening_precautions,
    _technique_notes,
)


# --- session rules ------------------------------------------------------------------------------


def _both_sides_of_thorax(
    plan: SessionPlan, muscles: tuple[Muscle, ...], knowledge: Knowledge
) -> Iterator[SafetyWarning]:
    """Thorax muscles planned on the left and on the right in one session."""
    by_side: dict[Side, list[int]] = {Side.LEFT: [], Side.RIGHT: []}
    for index, (entry, muscle) in enumerate(zip(plan.entries, muscles, strict=True)):
        if muscle.thorax:
            by_side[entry.side].append(index)
    if not (by_side[Side.LEFT] and by_side[Side.RIGHT]):
        return
    rule = _practice(knowledge, "one_side_of_thorax")
    sides = "; ".join(
        f"{side_word(side)}: {_names(muscles[i] for i in indexes)}"
        for side, indexes in by_side.items()
    )
    yield SafetyWarning(
        code=WarningCode.BOTH_SIDES_OF_THORAX,
        severity=Severity.WARN,
        message=f"Both sides of the thorax are planned in one session ({sides}).",
        advice=rule.text,
        source=rule.source,
        evidence=rule.evidence,
        entries=(*by_side[Side.LEFT], *by_side[Side.RIGHT]),
    )


def _first_session_head_neck(
    plan: SessionPlan, muscles: tuple[Muscle, ...], knowledge: Knowledge
) -> Iterator[SafetyWarning]:
    """Head or neck needling at the first session: fainting is more likely; treat lying down."""
    if not plan.first_session:
        return
    indexes = [i for i, muscle in enumerate(muscles) if muscle.head_neck]
    if not indexes:
        return
    flag = _flag(knowledge, "head_neck")
    event = knowledge.adverse_event("fainting")
    rates = [r for r in knowledge.reference_rates if r.event == event.id]
    quoted = [q for q in knowledge.quoted_figures if q.event == event.id]
    details = (
        *(
            f"{r.reported} in {r.denominator:,} {r.per.value} ({', '.join(r.source)})"
            for r in rates
        ),
        *(f"quoted: {q.claim}. {q.verdict} ({', '.join(q.source)})" for q in quoted),
    )
    cited = (flag, event, *rates, *quoted)
    yield SafetyWarning(
        code=WarningCode.FIRST_SESSION_HEAD_NECK,
        severity=Severity.WARN,
        message=(
            f"First session with head or neck needling ({_names(muscles[i] for i in indexes)}): "
            f"{event.label}. {event.description}"
        ),
        advice=flag.meaning,
        source=_keys(c.source for c in cited),
        evidence=_weakest(c.evidence for c in cited),
        entries=tuple(indexes),
        details=details,
    )


PLAN_RULES: tuple[PlanRule, ...] = (_both_sides_of_thorax, _first_session_head_neck)


# --- needle count -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    entry_index: int
    muscle: str
    side: Side
    needles_in: int
    needles_out: int | None  # None: not counted out
    message: str  # "upper trapezius (left): 3 in, 2 out"


@dataclass(frozen=True)
class NeedleCount:
    total_in: int
    total_out: int  # entries not counted out add nothing
    mismatches: tuple[Mismatch, ...]
    complete: bool  # every entry counted out and equal to its count in: the note may be signed
    rule: str = ""
    source: tuple[str, ...] = field(default=())
    evidence: Evidence = Evidence.UNVERIFIED

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(m.message for m in self.mismatches)


def reconcile_needles(
    entries: Iterable[NeedlingEntry], *, knowledge: Knowledge | None = None
) -> NeedleCount:
    """Count in = count out for every entry (and so in total); signing is blocked otherwise."""
    knowledge = knowledge or load_knowledge()
    entries = tuple(entries)
    muscles = _check_entries(entries, knowledge)
    mismatches = tuple(
        _mismatch(index, entry, muscle)
        for index, (entry, muscle) in enumerate(zip(entries, muscles, strict=True))
        if entry.needles_out != entry.needles_in
    )
    total_in = sum(entry.needles_in for entry in entries)
    total_out = sum(entry.needles_out or 0 for entry in entries)
    rule = _practice(knowledge, "needle_count")
    return NeedleCount(
        total_in=total_in,
        total_out=total_out,
        mismatches=mismatches,
        complete=not mismatches and total_in == total_out,
        rule=rule.text,
        source=rule.source,
        evidence=rule.evidence,
    )


def _mismatch(index: int, entry: NeedlingEntry, muscle: Muscle) -> Mismatch:
    out = "not counted out" if entry.needles_out is None else f"{entry.needles_out} out"
    return Mismatch(
        entry_index=index,
        muscle=entry.muscle,
        side=entry.side,
        needles_in=entry.needles_in,
        needles_out=entry.needles_out,
        message=f"{_name(muscle, entry.side)}: {entry.needles_in} in, {out}",
    )


# --- helpers ------------------------------------------------------------------------------------


def _from_finding(finding: Finding, code: WarningCode, severity: Severity) -> SafetyWarning:
    return SafetyWarning(
        code=code,
        severity=severity,
        message=finding.message,
        advice=finding.action,
        source=finding.source,
        evidence=finding.evidence,
        finding=finding.code,
    )


def _name(muscle: Muscle, side: Side) -> str:
    return sided(muscle.name, side)


def _names(muscles: Iterable[Muscle]) -> str:
    return ", ".join(dict.fromkeys(muscle.name for muscle in muscles))


def _figure(figure: Figure) -> str:
    span = f"{figure.min_mm:g}" + (f"-{figure.max_mm:g}" if figure.max_mm is not None else "")
    population = f" ({figure.population})" if figure.population else ""
    return f"{figure.label}: {span} mm{population}"


def _keys(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for group in groups for key in group))


def _weakest(grades: Iterable[Evidence]) -> Evidence:
    return min(grades, key=EVIDENCE_ORDER.index, default=Evidence.UNVERIFIED)


def _practice(knowledge: Knowledge, rule_id: str) -> PracticeRule:
    for rule in knowledge.practice_rules:
        if rule.id == rule_id:
            return rule
    raise KnowledgeError("techniques.toml", f"practice '{rule_id}'", "missing: safety.py needs it")


def _flag(knowledge: Knowledge, flag_id: str) -> MuscleFlag:
    for flag in knowledge.muscle_flags:
        if flag.id == flag_id:
            return flag
    raise KnowledgeError("muscles.toml", f"flag '{flag_id}'", "missing: safety.py needs it")


__all__ = [
    "BLEEDING_FINDINGS",
    "ChartingError",
    "EntryCheck",
    "Mismatch",
    "NeedleCount",
    "NeedlingEntry",
    "SafetyWarning",
    "SessionPlan",
    "Severity",
    "WarningCode",
    "entry_check",
    "needling_warnings",
    "reconcile_needles",
]
