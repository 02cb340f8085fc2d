"""Course-of-care rules over one patient's series of one outcome instrument.

    series = [Observation(1, date(2026, 3, 2), 7), Observation(2, ...), ...]
    responder("nprs", series[0], series[-1]).responded
    [flag.code for flag in course_flags("nprs", series, planned_sessions=6, reassess_at=(3, 6))]

No guideline says when to stop dry needling; the flags below are a software design choice (see
RULE_NOTE, which the UI shows beside them). The MCID that decides "improved" comes from the
instrument's cited data: the caller passes the one that fits the patient, or `default_mcid` picks
the first verified within-person MCID in points, and every result carries its population and source.

Observations should be the score before a session (or at least 48 h after the last one), not the
score straight after needling: soreness hides the effect then (TIMING_NOTE).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from taut.clinical.knowledge import Knowledge
from taut.clinical.measures import Context, Instrument, Mcid, McidUnit
from taut.clinical.outcomes import change_from_baseline, meets_mcid, resolve_instrument
from taut.clinical.records import Evidence

RULE_NOTE = (
    "These course-of-care flags are a design choice of this software, not evidence: no guideline "
    "criterion for when to stop dry needling was found. The clinical brief suggests, as an "
    "unverified [U] software rule, to flag when no MCID is reached by a set number of sessions; "
    "the plateau, worsening and end-of-plan flags apply that idea. Use clinical judgement."
)
TIMING_NOTE = (
    "Right after dry needling, pain and pressure-pain threshold may not improve because of "
    "soreness; the effect is larger at 48 h, so do not judge a session by immediate scores "
    "(Ziaeifar [V]). Record the score before a session or at least 48 h after the last one."
)


class FlagCode(StrEnum):
    REASSESS = "reassess"
    PLATEAU = "plateau"
    WORSENING = "worsening"
    END_OF_PLAN = "end_of_plan"


class EndOfPlan(StrEnum):
    """What the end-of-plan flag suggests, from the change since baseline."""

    DISCHARGE = "discharge"  # a responder
    NEW_PLAN = "continue with a new plan"  # improving, but short of the MCID
    DISCONTINUE = "discontinue and consider other treatment"  # no improvement


class NoMcidError(ValueError):
    """The instrument has no MCID that can judge one person's change."""

    def __init__(self, instrument: str) -> None:
        self.instrument = instrument
        super().__init__(
            f"{instrument} has no verified within-person MCID in points; pass one with mcid="
        )


@dataclass(frozen=True)
class Observation:
    session_number: int
    taken_on: dt.date
    value: float  # the instrument's score, on its own scale


PLATEAU_WINDOWS = range(2, 11)  # the plateau windows a clinic may choose: 2 to 10 sessions
EPISODE_GAP_DAYS = 90  # a design choice: a longer pause between sessions starts a new course


@dataclass(frozen=True)
class CoursePolicy:
    plateau_sessions: int = 3  # the last N observations looked at for an MCID-sized improvement

    def __post_init__(self) -> None:
        if self.plateau_sessions < 2:
            raise ValueError("plateau_sessions must be at least 2 (a first and a later score)")


@dataclass(frozen=True)
class MCIDChoice:
    """The MCID that applies to this patient's instrument, with where it comes from."""

    instrument: str  # the knowledge id
    mcid: Mcid

    def __post_init__(self) -> None:
        if self.mcid.context is not Context.WITHIN_PERSON:
            raise ValueError("a between-groups difference does not apply to one person's change")

    @property
    def value(self) -> float:
        return self.mcid.value  # the lower value of a range, as meets_mcid uses

    @property
    def unit(self) -> McidUnit:
        return self.mcid.unit

    @property
    def population(self) -> str:
        return self.mcid.population

    @property
    def source(self) -> tuple[str, ...]:
        return tuple(self.mcid.source)

    @property
    def evidence(self) -> Evidence:
        return self.mcid.evidence


@dataclass(frozen=True)
class ResponderStatus:
    responded: bool
    change: float  # improvement from baseline on the instrument's scale: positive = better
    mcid_value: float
    population: str
    source: tuple[str, ...]
    evidence: Evidence
    explanation: str  # for clinicians: with the MCID's sources and evidence grade
    mcid_unit: McidUnit = McidUnit.POINTS
    statement: str = ""  # the same for a report's reader, without research notation


@dataclass(frozen=True)
class CourseFlag:
    code: FlagCode
    message: str
    triggered_by: tuple[Observation, ...]
    suggestion: str | None = None


def default_mcid(instrument_id: str, *, knowledge: Knowledge | None = None) -> MCIDChoice:
    """The instrument's first verified within-person MCID in points (NPRS: 2, Ostelo08)."""
    instrument = resolve_instrument(instrument_id, knowledge=knowledge)
    for mcid in instrument.mcids:
        if (
            mcid.evidence is Evidence.VERIFIED
            and mcid.unit is McidUnit.POINTS
            and mcid.context is Context.WITHIN_PERSON
        ):
            return MCIDChoice(instrument.id, mcid)
    raise NoMcidError(instrument.id)


def responder(
    instrument_id: str,
    baseline: Observation,
    latest: Observation,
    *,
    mcid: Mcid | MCIDChoice | None = None,
    knowledge: Knowledge | None = None,
) -> ResponderStatus:
    """Has the patient improved from baseline by at least the MCID?"""
    instrument = resolve_instrument(instrument_id, knowledge=knowledge)
    choice = _choice(instrument, mcid, knowledge)
    return _responder(instrument, choice, baseline, latest)


def course_flags(
    instrument_id: str,
    series: Sequence[Observation],
    *,
    planned_sessions: int,
    reassess_at: Sequence[int] = (),
    policy: CoursePolicy = CoursePolicy(),  # frozen, so a shared default is safe
    mcid: Mcid | MCIDChoice | None = None,
    knowledge: Knowledge | None = None,
) -> tuple[CourseFlag, ...]:
    """Flags for the latest observation, in a stable order: reassess, plateau, worsening, end.

    The first observation (lowest session number) is the baseline.
    """
    if planned_sessions < 1:
        raise ValueError(f"planned_sessions must be at least 1, got {planned_sessions}")
    ordered = _ordered(series)
    instrument = resolve_instrument(instrument_id, knowledge=knowledge)
    choice = _choice(instrument, mcid, knowledge)
    baseline, latest = ordered[0], ordered[-1]
    flags = [
        _reassess(latest, reassess_at),
        _plateau(instrument, choice, ordered, policy),
        _worsening(instrument, choice, baseline, latest),
        _end_of_plan(instrument, choice, baseline, latest, planned_sessions),
    ]
    return tuple(flag for flag in flags if flag is not None)


def split_into_episodes(
    days: Sequence[dt.date], *, gap_days: int = EPISODE_GAP_DAYS
) -> list[range]:
    """The positions of `days` (in order) grouped into episodes of care: a pause of more than
    `gap_days` between two sessions starts a new episode. A design choice (see RULE_NOTE): a
    patient who returns after months with a new complaint starts a new course, not a new point
    on the old one."""
    if gap_days < 1:
        raise ValueError(f"gap_days must be at least 1, got {gap_days}")
    for earlier, later in zip(days, days[1:], strict=False):
        if later < earlier:
            raise ValueError("days must be in order")
    episodes, start = [], 0
    for position in range(1, len(days)):
        if (days[position] - days[position - 1]).days > gap_days:
            episodes.append(range(start, position))
            start = position
    if days:
        episodes.append(range(start, len(days)))
    return episodes


@dataclass(frozen=True)
class CourseSummary:
    """One course reduced to what a clinic's dashboard adds up across patients."""

    observations: int
    baseline: float
    latest: float
    change: float  # improvement from baseline: positive = better
    mcid: float
    responded: bool
    worsened: bool  # worse than baseline by at least the MCID
    plateau_windows: frozenset[int]  # the windows N (of `windows`) over which it plateaued

    @property
    def plateau_mask(self) -> int:
        """The windows as bits (bit N set: a plateau over the last N), for SQL's `&`."""
        return sum(1 << window for window in self.plateau_windows)


def summarise_course(
    instrument_id: str,
    series: Sequence[Observation],
    *,
    windows: Sequence[int] = PLATEAU_WINDOWS,
    mcid: Mcid | MCIDChoice | None = None,
    knowledge: Knowledge | None = None,
) -> CourseSummary:
    """The same responder, worsening and plateau rules as the patient's page, for every window a
    dashboard may ask about, so a clinic's counts agree with each patient's flags."""
    ordered = _ordered(series)
    instrument = resolve_instrument(instrument_id, knowledge=knowledge)
    choice = _choice(instrument, mcid, knowledge)
    baseline, latest = ordered[0], ordered[-1]
    status = _responder(instrument, choice, baseline, latest)
    plateaus = frozenset(
        window
        for window in windows
        if _plateau(instrument, choice, ordered, CoursePolicy(plateau_sessions=window))
    )
    return CourseSummary(
        observations=len(ordered),
        baseline=baseline.value,
        latest=latest.value,
        change=status.change,
        mcid=choice.value,
        responded=status.responded and latest is not baseline,
        worsened=_worsening(instrument, choice, baseline, latest) is not None,
        plateau_windows=plateaus,
    )


# --- the rules -------------------------------------------------------------------------------


def _reassess(latest: Observation, reassess_at: Sequence[int]) -> CourseFlag | None:
    if latest.session_number not in reassess_at:
        return None
    return CourseFlag(
        FlagCode.REASSESS,
        f"Session {latest.session_number} is a planned reassessment point.",
        (latest,),
    )


def _plateau(
    instrument: Instrument,
    choice: MCIDChoice,
    ordered: tuple[Observation, ...],
    policy: CoursePolicy,
) -> CourseFlag | None:
    window = ordered[-policy.plateau_sessions :]
    if len(window) < policy.plateau_sessions:
        return None  # too few observations to judge a plateau
    first = window[0]
    best = max(change_from_baseline(first.value, o.value, instrument.direction) for o in window[1:])
    if _reaches(best, choice, first.value):
        return None
    return CourseFlag(
        FlagCode.PLATEAU,
        f"No {instrument.abbreviation} improvement of the MCID ({_mcid_text(instrument, choice)}) "
        f"over the last {len(window)} observations (sessions {_sessions(window)}).",
        window,
    )


def _worsening(
    instrument: Instrument, choice: MCIDChoice, baseline: Observation, latest: Observation
) -> CourseFlag | None:
    if latest is baseline:
        return None
    change = change_from_baseline(baseline.value, latest.value, instrument.direction)
    if change >= 0 or not _reaches(-change, choice, baseline.value):
        return None
    return CourseFlag(
        FlagCode.WORSENING,
        f"{instrument.abbreviation} is worse than at baseline by at least the MCID "
        f"({_mcid_text(instrument, choice)}): {_plain(baseline.value)} at session "
        f"{baseline.session_number}, {_plain(latest.value)} at session {latest.session_number}.",
        (baseline, latest),
    )


def _end_of_plan(
    instrument: Instrument,
    choice: MCIDChoice,
    baseline: Observation,
    latest: Observation,
    planned_sessions: int,
) -> CourseFlag | None:
    if latest.session_number < planned_sessions:
        return None
    status = _responder(instrument, choice, baseline, latest)
    if status.responded:
        suggestion = EndOfPlan.DISCHARGE
    elif status.change > 0:
        suggestion = EndOfPlan.NEW_PLAN
    else:
        suggestion = EndOfPlan.DISCONTINUE
    where = (
        "the last planned session"
        if latest.session_number == planned_sessions
        else f"past the {planned_sessions} planned sessions"
    )
    return CourseFlag(
        FlagCode.END_OF_PLAN,
        f"Session {latest.session_number} is {where}. {status.statement} "
        f"Suggestion: {suggestion.value}.",
        (baseline, latest),
        suggestion.value,
    )


def _responder(
    instrument: Instrument, choice: MCIDChoice, baseline: Observation, latest: Observation
) -> ResponderStatus:
    change = change_from_baseline(baseline.value, latest.value, instrument.direction)
    responded = _reaches(change, choice, baseline.value)
    verdict = "a responder" if responded else "not a responder"
    moved = "improved" if change > 0 else "worsened" if change < 0 else "did not change"
    amount = f" by {_plain(abs(change))} {_unit(instrument)}" if change else ""
    course = (
        f"{instrument.abbreviation} {moved}{amount}, from {_plain(baseline.value)} at session "
        f"{baseline.session_number} to {_plain(latest.value)} at session "
        f"{latest.session_number}; the MCID is {_mcid_text(instrument, choice)}"
    )
    cited = f"{', '.join(choice.source)} [{choice.evidence.value}]"
    explanation = f"{course} ({choice.population}; {cited}): {verdict}."
    return ResponderStatus(
        responded=responded,
        change=change,
        mcid_value=choice.value,
        population=choice.population,
        source=choice.source,
        evidence=choice.evidence,
        explanation=explanation,
        mcid_unit=choice.unit,
        statement=f"{course} ({choice.population}): {verdict}.",
    )


def _reaches(improvement: float, choice: MCIDChoice, reference: float) -> bool:
    """meets_mcid, except that a percent change from a zero score is never judged reached."""
    if choice.unit is McidUnit.PERCENT_CHANGE and not reference:
        return False
    return meets_mcid(improvement, choice.mcid, baseline=reference)


# --- small helpers ---------------------------------------------------------------------------


def _choice(
    instrument: Instrument, mcid: Mcid | MCIDChoice | None, knowledge: Knowledge | None
) -> MCIDChoice:
    if mcid is None:
        return default_mcid(instrument.id, knowledge=knowledge)
    if isinstance(mcid, MCIDChoice):
        if mcid.instrument != instrument.id:
            raise ValueError(f"the MCID is for {mcid.instrument}, not {instrument.id}")
        return mcid
    return MCIDChoice(instrument.id, mcid)


def _ordered(series: Sequence[Observation]) -> tuple[Observation, ...]:
    if not series:
        raise ValueError("series must hold at least one observation")
    ordered = tuple(sorted(series, key=lambda o: o.session_number))
    numbers = [o.session_number for o in ordered]
    for earlier, later in zip(numbers, numbers[1:], strict=False):
        if earlier == later:
            raise ValueError(f"series has two observations for session {later}")
    return ordered


def _mcid_text(instrument: Instrument, choice: MCIDChoice) -> str:
    if choice.unit is McidUnit.PERCENT_CHANGE:
        return f"{_plain(choice.value)}% change"
    return f"{_plain(choice.value)} {_unit(instrument)}"


def _unit(instrument: Instrument) -> str:
    return "percentage points" if instrument.unit == "percent" else instrument.unit


def _sessions(window: Sequence[Observation]) -> str:
    return f"{window[0].session_number}-{window[-1].session_number}"


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
