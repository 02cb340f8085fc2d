"""The symptom diary after a session: when to ask, and what the answers mean.

    content = load_diary()                       # knowledge/diary.toml, checked and cached
    prompt_schedule(started_at=s, signed_at=t, hours=content.schedule.hours)
    result = assess(DiaryAnswers(soreness=3, grades={"bruising": "mild"}, red_flags=("fever",)))
    result.events        # patient-reported adverse events: (event id, severity, why)
    result.advice        # what to do now, emergency first, one line per distinct action

The red flags restate aftercare.toml's red flags (each names the aftercare item it follows, and
the urgency must match), so the diary and the aftercare sheet never give different advice.
There is no clock here: callers pass the times.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, model_validator

from taut.clinical.datafile import DataFile
from taut.clinical.knowledge import DEFAULT_DIRECTORY, Knowledge, load_knowledge
from taut.clinical.measures import Severity
from taut.clinical.practice import AftercareKind, Urgency
from taut.clinical.records import Cited, Frozen, Id, KnowledgeError, Text, record_label

FILE = "diary.toml"
SORENESS_MAX = 10
SEVERITY_ORDER = (Severity.MILD, Severity.SIGNIFICANT, Severity.SERIOUS)
URGENCY_ORDER = (Urgency.EMERGENCY, Urgency.URGENT, Urgency.CONTACT_CLINIC)


class DiaryError(ValueError):
    """Answers that cannot be assessed; `field` names the question, `reason` says why."""

    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason
        super().__init__(f"{field}: {reason}")


# --- the data's records --------------------------------------------------------------------------


class Schedule(Cited):
    hours: tuple[int, ...] = Field(min_length=1)
    open_days: int = Field(ge=1)
    note: str = ""

    @model_validator(mode="after")
    def _increasing(self) -> Schedule:
        if any(h <= 0 for h in self.hours) or list(self.hours) != sorted(set(self.hours)):
            raise ValueError("hours must be positive and strictly increasing")
        if self.open_days * 24 < self.hours[-1]:
            raise ValueError("open_days must cover the last prompt")
        return self


class SorenessQuestion(Cited):
    question: Text
    help: Text
    event: Id
    report_from: int = Field(ge=1, le=SORENESS_MAX)
    severity: Severity
    note: str = ""


class GradedSymptom(Cited):
    id: Id
    question: Text
    event: Id


class Grade(Cited):
    id: Id
    label: Text
    severity: Severity | None = None


class OtherQuestion(Cited):
    question: Text
    event: Id
    severity: Severity


class RedFlag(Cited):
    id: Id
    text: Text
    urgency: Urgency
    action: Text
    event: Id
    severity: Severity
    aftercare: Id | None = None


class Notice(Cited):
    emergency: Text
    no_red_flag: Text
    red_flag: Text


@dataclass(frozen=True, eq=False)
class DiaryContent:
    schedule: Schedule
    soreness: SorenessQuestion
    symptoms: tuple[GradedSymptom, ...]
    grades: tuple[Grade, ...]
    other: OtherQuestion
    red_flags: tuple[RedFlag, ...]
    notice: Notice
    _flags: Mapping[str, RedFlag] = field(init=False, repr=False)
    _grades: Mapping[str, Grade] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_flags", {flag.id: flag for flag in self.red_flags})
        object.__setattr__(self, "_grades", {grade.id: grade for grade in self.grades})

    def red_flag(self, flag_id: str) -> RedFlag:
        try:
            return self._flags[flag_id]
        except KeyError:
            raise DiaryError("red_flags", f"unknown red flag '{flag_id}'") from None

    def grade(self, grade_id: str) -> Grade:
        try:
            return self._grades[grade_id]
        except KeyError:
            raise DiaryError("grades", f"unknown answer '{grade_id}'") from None

    @property
    def none_grade(self) -> Grade:
        return self.grades[0]


# --- rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromptTime:
    hours: int  # the nominal step: 24, 48, 72
    due_at: dt.datetime


def prompt_schedule(
    *, started_at: dt.datetime, signed_at: dt.datetime, hours: Iterable[int]
) -> tuple[PromptTime, ...]:
    """When to ask: `hours` after the session started (when the needling was done).

    A note signed late may find some of those times already past: the latest past one is asked
    at once (at `signed_at`), earlier ones are dropped, so a patient never gets a burst of
    stale prompts.
    """
    for name, moment in (("started_at", started_at), ("signed_at", signed_at)):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise DiaryError(name, "an aware datetime is required")
    if signed_at < started_at:
        raise DiaryError("signed_at", "a session cannot be signed before it started")
    steps = [(h, started_at + dt.timedelta(hours=h)) for h in sorted(set(hours))]
    past = [(h, due) for h, due in steps if due <= signed_at]
    future = [PromptTime(h, due) for h, due in steps if due > signed_at]
    if past:
        return (PromptTime(past[-1][0], signed_at), *future)
    return tuple(future)


def diary_open(*, started_at: dt.datetime, now: dt.datetime, open_days: int) -> bool:
    """May the patient still write in the diary of a session that started at `started_at`?"""
    return started_at <= now <= started_at + dt.timedelta(days=open_days)


@dataclass(frozen=True)
class DiaryAnswers:
    soreness: int
    grades: Mapping[str, str] = field(default_factory=dict)  # symptom id -> grade id
    other: str = ""
    red_flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportedEvent:
    event: str  # an adverse-event id of adverse_events.toml
    severity: Severity
    because: str  # which answer gave it, e.g. "soreness 6/10", "bruising: severe"


@dataclass(frozen=True)
class Advice:
    urgency: Urgency
    action: str
    flags: tuple[RedFlag, ...]


@dataclass(frozen=True)
class Assessment:
    events: tuple[ReportedEvent, ...]
    red_flags: tuple[RedFlag, ...]
    advice: tuple[Advice, ...]  # emergency first

    @property
    def emergency(self) -> bool:
        return any(item.urgency is Urgency.EMERGENCY for item in self.advice)


def _worse(a: Severity, b: Severity) -> Severity:
    return a if SEVERITY_ORDER.index(a) >= SEVERITY_ORDER.index(b) else b


def assess(answers: DiaryAnswers, content: DiaryContent | None = None) -> Assessment:
    """Answers -> the patient-reported events to log and the advice to show now.

    One event per adverse-event id (at the worst severity any answer gave it), in the order of
    the questions; red flags in the data's order (emergency first), their advice merged when
    several flags share the same action.
    """
    content = content or load_diary()
    if isinstance(answers.soreness, bool) or not 0 <= answers.soreness <= SORENESS_MAX:
        raise DiaryError("soreness", f"give a whole number from 0 to {SORENESS_MAX}")
    known = {symptom.id for symptom in content.symptoms}
    for symptom_id in answers.grades:
        if symptom_id not in known:
            raise DiaryError("grades", f"unknown symptom '{symptom_id}'")
    wanted = set(answers.red_flags)
    for flag_id in wanted:
        content.red_flag(flag_id)

    found: dict[str, ReportedEvent] = {}

    def add(event: str, severity: Severity, because: str) -> None:
        earlier = found.get(event)
        if earlier is not None:
            severity = _worse(earlier.severity, severity)
            because = f"{earlier.because}; {because}"
        found[event] = ReportedEvent(event, severity, because)

    soreness = content.soreness
    if answers.soreness >= soreness.report_from:
        add(soreness.event, soreness.severity, f"soreness {answers.soreness}/{SORENESS_MAX}")
    for symptom in content.symptoms:
        grade = content.grade(answers.grades.get(symptom.id, content.none_grade.id))
        if grade.severity is not None:
            add(symptom.event, grade.severity, f"{symptom.id}: {grade.id}")
    if answers.other.strip():
        add(content.other.event, content.other.severity, "other symptoms")
    flags = tuple(flag for flag in content.red_flags if flag.id in wanted)
    for flag in flags:
        add(flag.event, flag.severity, f"red flag: {flag.id}")

    grouped: dict[tuple[Urgency, str], list[RedFlag]] = {}
    for flag in flags:
        grouped.setdefault((flag.urgency, flag.action), []).append(flag)
    advice = sorted(
        (Advice(urgency, action, tuple(group)) for (urgency, action), group in grouped.items()),
        key=lambda item: URGENCY_ORDER.index(item.urgency),
    )
    return Assessment(events=tuple(found.values()), red_flags=flags, advice=tuple(advice))


# --- loading -----------------------------------------------------------------------------------


def _read(directory: Path) -> DiaryContent:
    data = DataFile(directory, FILE)
    content = DiaryContent(
        schedule=data.table("schedule", Schedule),
        soreness=data.table("soreness", SorenessQuestion),
        symptoms=data.records("symptom", GradedSymptom),
        grades=data.records("grade", Grade),
        other=data.table("other", OtherQuestion),
        red_flags=data.records("red_flag", RedFlag),
        notice=data.table("notice", Notice),
    )
    data.refuse_unread()
    return content


def check_diary(content: DiaryContent, knowledge: Knowledge) -> None:
    """Every id the diary names exists, and the red flags agree with the aftercare sheet."""
    sources = {source.key for source in knowledge.sources}
    events = {event.id for event in knowledge.adverse_events if not event.aggregate}
    aftercare = {item.id: item for item in knowledge.aftercare}

    def fail(record: str, reason: str) -> None:
        raise KnowledgeError(FILE, record, reason)

    labelled: list[tuple[str, Frozen]] = [
        ("schedule", content.schedule),
        ("soreness", content.soreness),
        ("other", content.other),
        ("notice", content.notice),
    ]
    for table, records in (
        ("symptom", content.symptoms),
        ("grade", content.grades),
        ("red_flag", content.red_flags),
    ):
        labelled += [
            (record_label(table, i, getattr(r, "id", None)), r) for i, r in enumerate(records)
        ]
    for label, record in labelled:
        assert isinstance(record, Cited)  # noqa: S101 - every diary record is cited
        for key in record.source:
            if key not in sources:
                fail(label, f"unknown source '{key}'")
        event = getattr(record, "event", None)
        if event is not None and event not in events:
            fail(label, f"unknown adverse event '{event}' (or an aggregate bucket)")

    if content.grades[0].severity is not None:
        fail(record_label("grade", 0, content.grades[0].id), "the first grade means none")
    for index, grade in enumerate(content.grades[1:], start=1):
        if grade.severity is None:
            fail(record_label("grade", index, grade.id), "only the first grade has no severity")
    for index, flag in enumerate(content.red_flags):
        if flag.aftercare is None:
            continue
        label = record_label("red_flag", index, flag.id)
        item = aftercare.get(flag.aftercare)
        if item is None or item.kind is not AftercareKind.RED_FLAG:
            fail(label, f"'{flag.aftercare}' is not a red flag of aftercare.toml")
        elif item.urgency is not flag.urgency:
            fail(label, f"urgency {flag.urgency} contradicts '{item.id}' ({item.urgency})")
    ranks = [URGENCY_ORDER.index(flag.urgency) for flag in content.red_flags]
    if ranks != sorted(ranks):
        fail("red_flag", "list the red flags by urgency, emergency first")


@functools.cache
def _load(directory: Path) -> DiaryContent:
    content = _read(directory)
    check_diary(content, load_knowledge(directory))
    return content


def load_diary(directory: Path | None = None) -> DiaryContent:
    """Load, check and cache the diary content (the package's own data by default)."""
    return _load((directory or DEFAULT_DIRECTORY).resolve())


__all__ = [
    "Advice",
    "Assessment",
    "DiaryAnswers",
    "DiaryContent",
    "DiaryError",
    "PromptTime",
    "RedFlag",
    "ReportedEvent",
    "assess",
    "check_diary",
    "diary_open",
    "load_diary",
    "prompt_schedule",
]
