"""Patient education: the shipped topics of knowledge/education.toml, their safe markup, and the
parts of the risks and "who should not have it" pages that come straight from the knowledge data.

    data = load_education()
    data.topic("risks").title
    render_markup("## Before\\n\\n- Eat a light meal")   # escaped HTML: <h2>, <ul><li>
    risk_groups()          # published adverse-event rates, grouped by severity, never retyped
    screening_groups()     # the screening rules in patient language, grouped by what they mean

The markup is deliberately tiny: paragraphs (separated by a blank line), ``## `` and ``### ``
subheadings, ``- `` bullet lists and ``1. `` numbered lists. Everything else is text, and every
piece of text is HTML-escaped, so a clinic's edit can never inject markup into a public page.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, StringConstraints

from taut.clinical.datafile import DataFile
from taut.clinical.knowledge import Knowledge, load_knowledge
from taut.clinical.measures import Denominator, ReferenceRate, Severity
from taut.clinical.practice import Level
from taut.clinical.records import (
    Cited,
    Frozen,
    Id,
    Ids,
    KnowledgeError,
    Source,
    Text,
    record_label,
)

__all__ = [
    "MAX_BODY",
    "NOT_PUBLICATIONS",
    "REQUIRED_TOPICS",
    "Block",
    "BlockKind",
    "EducationData",
    "Generated",
    "PageSources",
    "RateFigure",
    "RiskGroup",
    "RiskRow",
    "RuleGroup",
    "Topic",
    "load_education",
    "markup_problems",
    "page_sources",
    "parse_markup",
    "render_blocks",
    "render_markup",
    "risk_groups",
    "screening_groups",
]

FILE = "education.toml"
MAX_BODY = 20_000  # characters of one topic's body, shipped or edited
MAX_TITLE = 200
MAX_SUMMARY = 300
TOPIC_SLUG = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"

# What a clinic's education pages must cover (issue #6, part 7), in reading order.
REQUIRED_TOPICS = (
    "what-is-dry-needling",
    "what-it-can-help",
    "what-a-session-is-like",
    "does-it-hurt",
    "risks",
    "who-should-not-have-it",
    "what-to-wear",
    "how-many-sessions",
    "cost-and-insurance",
)
# Source keys that are not publications (sources.toml): a patient page does not list them as
# sources; it says instead that part of the page rests on no published source.
NOT_PUBLICATIONS = frozenset({"NoSource", "TautDesign", "TautVocab", "DNHandout"})


# --- the markup -----------------------------------------------------------------------------


class BlockKind(StrEnum):
    HEADING = "heading"  # "## " -> <h2>
    SUBHEADING = "subheading"  # "### " -> <h3>
    PARAGRAPH = "paragraph"
    BULLETS = "bullets"  # "- " or "* " -> <ul>
    NUMBERS = "numbers"  # "1. " or "1) " -> <ol>


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""
    items: tuple[str, ...] = ()


_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBER = re.compile(r"^\d{1,3}[.)]\s+(.*)$")
_HEADING = re.compile(r"^(#{2,3})\s+(.*\S)\s*$")
_TAG = re.compile(r"</?\s*[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")
_NEAR_HEADING = re.compile(r"^#+[^\W\d_]|^#\s|^#{4,}\s")  # "##Title", "# Title"


def _clean(line: str) -> str:
    return " ".join(line.split())


def parse_markup(text: str) -> tuple[Block, ...]:
    """Split the markup into blocks. Never fails: anything that is not markup is plain text."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[list[str]] = []
    list_kind: BlockKind | None = None

    def close() -> None:
        nonlocal list_kind
        if paragraph:
            blocks.append(Block(BlockKind.PARAGRAPH, text=" ".join(paragraph)))
            paragraph.clear()
        if list_kind is not None:
            blocks.append(Block(list_kind, items=tuple(" ".join(i) for i in items)))
            items.clear()
            list_kind = None

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _clean(raw)
        if not line:
            close()
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        number = _NUMBER.match(line)
        if heading:
            close()
            kind = BlockKind.HEADING if len(heading.group(1)) == 2 else BlockKind.SUBHEADING
            blocks.append(Block(kind, text=heading.group(2)))
        elif bullet or number:
            kind = BlockKind.BULLETS if bullet else BlockKind.NUMBERS
            if paragraph or (list_kind is not None and list_kind is not kind):
                close()
            list_kind = kind
            items.append([(bullet or number).group(1)])  # type: ignore[union-attr]
        elif list_kind is not None and raw[:1].isspace():
            items[-1].append(line)  # an indented line continues the list item above it
        else:
            if list_kind is not None:
                close()
            paragraph.append(line)
    close()
    return tuple(block for block in blocks if block.text or any(block.items))


def render_blocks(blocks: Iterable[Block]) -> str:
    """The blocks as HTML. Every piece of text is escaped; only these few tags are produced."""
    out: list[str] = []
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            out.append(f"<h2>{html.escape(block.text)}</h2>")
        elif block.kind is BlockKind.SUBHEADING:
            out.append(f"<h3>{html.escape(block.text)}</h3>")
        elif block.kind is BlockKind.PARAGRAPH:
            out.append(f"<p>{html.escape(block.text)}</p>")
        else:
            tag = "ul" if block.kind is BlockKind.BULLETS else "ol"
            lis = "".join(f"<li>{html.escape(item)}</li>" for item in block.items if item)
            out.append(f"<{tag}>{lis}</{tag}>")
    return "\n".join(out)


def render_markup(text: str) -> str:
    return render_blocks(parse_markup(text))


def markup_problems(text: str) -> list[str]:
    """What an editor should fix before saving: HTML tags and near-miss headings, with lines."""
    problems: list[str] = []
    if len(text) > MAX_BODY:
        problems.append(f"The text is {len(text):,} characters long; the limit is {MAX_BODY:,}.")
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        tag = _TAG.search(line)
        if tag:
            problems.append(
                f"Line {number}: “{tag.group(0)[:40]}” looks like HTML. HTML is not used here; "
                "write plain text with the markup described below."
            )
        elif _NEAR_HEADING.match(line):
            problems.append(
                f"Line {number}: to make a heading, start the line with two or three # "
                "and a space, as in “## Before your visit”."
            )
    return problems


# --- the data file --------------------------------------------------------------------------


class Generated(StrEnum):
    """A part of a page built from the knowledge data, shown after the clinic's text."""

    RISK_RATES = "risk_rates"
    SCREENING_RULES = "screening_rules"


class Topic(Cited):
    slug: Annotated[str, StringConstraints(pattern=TOPIC_SLUG, max_length=60)]
    title: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE)]
    order: int = Field(ge=1)
    summary: Annotated[str, StringConstraints(min_length=1, max_length=MAX_SUMMARY)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=MAX_BODY)]
    generated: Generated | None = None
    clinic_prompt: str = ""  # shown to the owner: this topic is the clinic's to write


class RuleText(Frozen):
    """A screening rule (or several) said in patient language."""

    rules: Annotated[Ids, Field(min_length=1)]
    text: Text


class EventLabel(Frozen):
    """A plain name for an adverse event, where the knowledge label is a clinician's word."""

    event: Id
    label: Text


@dataclass(frozen=True)
class EducationData:
    topics: tuple[Topic, ...]  # in reading order
    rule_texts: tuple[RuleText, ...]
    event_labels: tuple[EventLabel, ...]

    def topic(self, slug: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.slug == slug), None)

    def event_label(self, event_id: str) -> str | None:
        return next((e.label for e in self.event_labels if e.event == event_id), None)


def load_education(
    path: Path | None = None, *, knowledge: Knowledge | None = None
) -> EducationData:
    """Read and check education.toml (beside the knowledge files by default); cached."""
    knowledge = knowledge or load_knowledge()
    return _load(path or knowledge.directory / FILE, knowledge)


@functools.cache
def _load(path: Path, knowledge: Knowledge) -> EducationData:
    document = DataFile.at(path)
    topics = document.records("topic", Topic, "slug")
    data = EducationData(
        topics=tuple(sorted(topics, key=lambda topic: topic.order)),
        rule_texts=document.records("rule_text", RuleText, "text"),
        event_labels=document.records("event_label", EventLabel, "event"),
    )
    document.refuse_unread()
    _check(data, knowledge)
    return data


def _check(data: EducationData, knowledge: Knowledge) -> None:
    known_sources = {source.key for source in knowledge.sources}
    orders: set[int] = set()
    generated: set[Generated] = set()
    for index, topic in enumerate(data.topics):
        label = record_label("topic", index, topic.slug)
        for key in topic.source:
            if key not in known_sources:
                raise KnowledgeError(FILE, label, f"unknown source '{key}'")
        if topic.order in orders:
            raise KnowledgeError(FILE, label, f"duplicate order {topic.order}")
        orders.add(topic.order)
        if topic.generated is not None:
            if topic.generated in generated:
                raise KnowledgeError(FILE, label, f"a second '{topic.generated}' section")
            generated.add(topic.generated)
        problems = markup_problems(topic.body)
        if problems:
            raise KnowledgeError(FILE, label, problems[0])
    rules = {rule.code: rule for rule in knowledge.contraindications}
    covered: set[str] = set()
    for index, statement in enumerate(data.rule_texts):
        label = record_label("rule_text", index, None)
        for code in statement.rules:
            if code not in rules:
                raise KnowledgeError(FILE, label, f"unknown screening rule '{code}'")
            if code in covered:
                raise KnowledgeError(FILE, label, f"rule '{code}' is said twice")
            covered.add(code)
    for code, rule in rules.items():
        if rule.level is Level.CONTRAINDICATED and code not in covered:
            raise KnowledgeError(
                FILE, "[[rule_text]]", f"the absolute contraindication '{code}' has no patient text"
            )
    events = {event.id for event in knowledge.adverse_events}
    for index, override in enumerate(data.event_labels):
        if override.event not in events:
            label = record_label("event_label", index, override.event)
            raise KnowledgeError(FILE, label, f"unknown adverse event '{override.event}'")


# --- the pages' sources -----------------------------------------------------------------------


@dataclass(frozen=True)
class PageSources:
    sources: tuple[Source, ...]  # publications (and named documents), first cited first
    rests_on_unpublished: bool  # part of the page rests on no published source


def page_sources(
    topic: Topic,
    *,
    shipped_text: bool = True,
    data: EducationData | None = None,
    knowledge: Knowledge | None = None,
) -> PageSources:
    """The sources of a topic, plus those of the rates or rules its generated part shows.

    A clinic that rewrote the text (``shipped_text=False``) keeps only the generated part's
    sources: the topic's own sources belong to the words Taut wrote, no longer on the page.
    """
    knowledge = knowledge or load_knowledge()
    data = data or load_education(knowledge=knowledge)
    keys: list[str] = list(topic.source) if shipped_text else []
    if topic.generated is Generated.RISK_RATES:
        keys += [key for group in risk_groups(knowledge=knowledge, data=data) for key in group.keys]
    elif topic.generated is Generated.SCREENING_RULES:
        keys += [
            key for group in screening_groups(knowledge=knowledge, data=data) for key in group.keys
        ]
    ordered = list(dict.fromkeys(keys))
    return PageSources(
        sources=tuple(knowledge.source(key) for key in ordered if key not in NOT_PUBLICATIONS),
        rests_on_unpublished=any(key in NOT_PUBLICATIONS for key in ordered),
    )


# --- the risks page: published rates -----------------------------------------------------------


@dataclass(frozen=True)
class RateFigure:
    rate_id: str
    plain: str  # "about 5 in 100 treatments"
    detail: str  # "4.65% of 7,629 treatments"; empty where it would repeat the plain figure
    source: tuple[str, ...]
    patient_text: str  # what a patient should know beside the figure (knowledge patient_text)


@dataclass(frozen=True)
class RiskRow:
    event_id: str
    label: str
    figures: tuple[RateFigure, ...]


@dataclass(frozen=True)
class RiskGroup:
    severity: Severity
    definition: str
    rows: tuple[RiskRow, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for row in self.rows for f in row.figures for key in f.source)


_PERCENT = re.compile(r"^(\d+(?:\.\d+)?%)")
_UNITS = {
    Denominator.TREATMENTS: "treatments",
    Denominator.CONSULTATIONS: "consultations",
    Denominator.PATIENTS: "patients",
}


def _round_significant(value: float, digits: int = 2) -> int:
    magnitude = len(str(int(value))) - digits
    return int(round(value, -magnitude)) if magnitude > 0 else round(value)


def natural_frequency(numerator: int, denominator: int) -> str:
    """A rate as people read it best: "about 8 in 100", "about 1 in 3,800", "none seen"."""
    if numerator == 0:
        return "none seen"
    rate = numerator / denominator
    if rate >= 0.01:
        return f"about {round(rate * 100)} in 100"
    return f"about 1 in {_round_significant(1 / rate):,}"


def _figure(rate: ReferenceRate) -> RateFigure:
    unit = _UNITS[rate.per]
    if rate.approximate:
        plain = detail = f"about {rate.numerator:,} in {rate.denominator:,} {unit}"
    else:
        plain = f"{natural_frequency(rate.numerator, rate.denominator)} {unit}"
        percent = _PERCENT.match(rate.reported) if rate.numerator_computed else None
        if percent:
            detail = f"{percent.group(1)} of {rate.denominator:,} {unit}"
        elif rate.numerator == 0:
            detail = f"none in {rate.denominator:,} {unit}"
        else:
            detail = f"{rate.numerator:,} in {rate.denominator:,} {unit}"
    if rate.numerator == 0:
        plain, detail = f"none seen in {rate.denominator:,} {unit}", ""
    if rate.approximate:
        detail = ""  # the plain figure is already the published, rounded one
    return RateFigure(rate.id, plain, detail, tuple(rate.source), rate.patient_text or "")


def risk_groups(
    *, knowledge: Knowledge | None = None, data: EducationData | None = None
) -> tuple[RiskGroup, ...]:
    """Every published reference rate of the knowledge data, by event, grouped by severity."""
    knowledge = knowledge or load_knowledge()
    data = data or load_education(knowledge=knowledge)
    rows: dict[str, list[RateFigure]] = {}
    for rate in knowledge.reference_rates:
        rows.setdefault(rate.event, []).append(_figure(rate))
    groups = []
    for severity in knowledge.severities:
        group_rows = tuple(
            RiskRow(
                event_id,
                data.event_label(event_id) or knowledge.adverse_event(event_id).label.capitalize(),
                tuple(figures),
            )
            for event_id, figures in rows.items()
            if knowledge.adverse_event(event_id).typical_severity is severity.id
        )
        if group_rows:
            groups.append(RiskGroup(severity.id, severity.definition, group_rows))
    return tuple(groups)


# --- who should not have it: the screening rules in patient language ---------------------------


class RuleGroupKind(StrEnum):
    NOT_AT_ALL = "not_at_all"  # an absolute contraindication: no needling
    NOT_THERE = "not_there"  # a limit: not at that place, or not that technique
    TELL_FIRST = "tell_first"  # a precaution: the clinician decides and may adapt


RULE_GROUP_HEADINGS = {
    RuleGroupKind.NOT_AT_ALL: "Dry needling is not done when",
    RuleGroupKind.NOT_THERE: "A part of the body is not needled, or a technique is not used, when",
    RuleGroupKind.TELL_FIRST: "Tell your clinician first: they may adapt or postpone needling if",
}


@dataclass(frozen=True)
class RuleGroup:
    kind: RuleGroupKind
    heading: str
    statements: tuple[str, ...]
    keys: tuple[str, ...]  # the sources of the rules behind the statements


def _group_of(levels: Sequence[Level]) -> RuleGroupKind:
    if Level.CONTRAINDICATED in levels:
        return RuleGroupKind.NOT_AT_ALL
    if all(level is Level.LIMIT for level in levels):
        return RuleGroupKind.NOT_THERE
    return RuleGroupKind.TELL_FIRST


def screening_groups(
    *, knowledge: Knowledge | None = None, data: EducationData | None = None
) -> tuple[RuleGroup, ...]:
    """The patient statements of education.toml, grouped by the strictest level of their rules."""
    knowledge = knowledge or load_knowledge()
    data = data or load_education(knowledge=knowledge)
    statements: dict[RuleGroupKind, list[str]] = {kind: [] for kind in RuleGroupKind}
    keys: dict[RuleGroupKind, list[str]] = {kind: [] for kind in RuleGroupKind}
    for statement in data.rule_texts:
        rules = [knowledge.rule(code) for code in statement.rules]
        kind = _group_of([rule.level for rule in rules])
        statements[kind].append(statement.text)
        keys[kind] += [key for rule in rules for key in rule.source]
    return tuple(
        RuleGroup(kind, RULE_GROUP_HEADINGS[kind], tuple(statements[kind]), tuple(keys[kind]))
        for kind in RuleGroupKind
        if statements[kind]
    )
