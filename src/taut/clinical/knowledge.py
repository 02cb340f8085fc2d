"""Load the cited knowledge base (knowledge/*.toml) into typed, frozen, cross-checked objects.

    knowledge = load_knowledge()          # cached: the same object on every call
    knowledge.muscle("infraspinatus").lung.risk
    knowledge.split_drawing_region("temple_l")   # ("temple", Side.LEFT)

A bad file raises KnowledgeError naming the file, the record and the reason.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from pydantic import BaseModel

from taut.clinical.anatomy import (
    DrawingRegion,
    Limb,
    Muscle,
    MuscleFlag,
    ReferralPattern,
    ReferralWeights,
    Region,
)
from taut.clinical.datafile import DataFile
from taut.clinical.integrity import check_references
from taut.clinical.measures import (
    AdverseEvent,
    Instrument,
    QuotedFigure,
    ReferenceRate,
    SeverityDefinition,
    SeverityScheme,
)
from taut.clinical.practice import (
    AftercareItem,
    Condition,
    Jurisdiction,
    NeedleExample,
    Parameter,
    PracticeRule,
    Profession,
    Question,
    Rule,
    Site,
    Technique,
    UnencodedRow,
)
from taut.clinical.records import KnowledgeError, Side, Source, TerminologyCode
from taut.clinical.wording import sided

__all__ = ["DEFAULT_DIRECTORY", "Knowledge", "KnowledgeError", "UnknownIdError", "load_knowledge"]

DEFAULT_DIRECTORY = Path(__file__).with_name("knowledge")
SIDE_SUFFIXES = {"_l": Side.LEFT, "_r": Side.RIGHT}

M = TypeVar("M", bound=BaseModel)


class UnknownIdError(KeyError):
    """An id that is not in the knowledge base; the message lists close valid ids."""

    def __init__(self, kind: str, wanted: str, valid: Iterable[str]) -> None:
        self.kind, self.wanted = kind, wanted
        self.close = tuple(difflib.get_close_matches(wanted, list(valid), n=3, cutoff=0.6))
        hint = f" (did you mean {', '.join(self.close)}?)" if self.close else ""
        self.message = f"unknown {kind} id '{wanted}'{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


def _frozen_index(records: Iterable[M], key: Callable[[M], str]) -> Mapping[str, M]:
    return MappingProxyType({key(record): record for record in records})


def _lookup(kind: str, index: Mapping[str, M], wanted: str) -> M:
    try:
        return index[wanted]
    except KeyError:
        raise UnknownIdError(kind, wanted, index) from None


@dataclass(frozen=True, eq=False)  # eq=False: identity hash, so caches keyed by it stay cheap
class Knowledge:
    directory: Path
    sources: tuple[Source, ...]
    regions: tuple[Region, ...]
    drawing_regions: tuple[DrawingRegion, ...]
    muscles: tuple[Muscle, ...]
    muscle_flags: tuple[MuscleFlag, ...]
    referral_patterns: tuple[ReferralPattern, ...]
    referral_weights: ReferralWeights
    techniques: tuple[Technique, ...]
    needle_parameters: tuple[Parameter, ...]
    needle_examples: tuple[NeedleExample, ...]
    practice_rules: tuple[PracticeRule, ...]
    contraindications: tuple[Rule, ...]
    contraindication_notes: tuple[UnencodedRow, ...]
    sites: tuple[Site, ...]
    intake_questions: tuple[Question, ...]
    adverse_events: tuple[AdverseEvent, ...]
    severities: tuple[SeverityDefinition, ...]
    severity_schemes: tuple[SeverityScheme, ...]
    reference_rates: tuple[ReferenceRate, ...]
    quoted_figures: tuple[QuotedFigure, ...]
    instruments: tuple[Instrument, ...]
    conditions: tuple[Condition, ...]
    aftercare: tuple[AftercareItem, ...]
    professions: tuple[Profession, ...]
    jurisdictions: tuple[Jurisdiction, ...]
    confirm_notice: str
    codes: tuple[TerminologyCode, ...]
    # Lookup indexes, built by __post_init__.
    _sources: Mapping[str, Source] = field(init=False, repr=False)
    _regions: Mapping[str, Region] = field(init=False, repr=False)
    _drawing: Mapping[str, DrawingRegion] = field(init=False, repr=False)
    _muscles: Mapping[str, Muscle] = field(init=False, repr=False)
    _patterns: Mapping[str, ReferralPattern] = field(init=False, repr=False)
    _techniques: Mapping[str, Technique] = field(init=False, repr=False)
    _rules: Mapping[str, Rule] = field(init=False, repr=False)
    _sites: Mapping[str, Site] = field(init=False, repr=False)
    _questions: Mapping[str, Question] = field(init=False, repr=False)
    _events: Mapping[str, AdverseEvent] = field(init=False, repr=False)
    _instruments: Mapping[str, Instrument] = field(init=False, repr=False)
    _conditions: Mapping[str, Condition] = field(init=False, repr=False)
    _jurisdictions: Mapping[str, Jurisdiction] = field(init=False, repr=False)
    _codes: Mapping[str, TerminologyCode] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        indexes = {
            "_sources": _frozen_index(self.sources, lambda s: s.key),
            "_regions": _frozen_index(self.regions, lambda r: r.id),
            "_drawing": _frozen_index(self.drawing_regions, lambda r: r.id),
            "_muscles": _frozen_index(self.muscles, lambda m: m.id),
            "_patterns": _frozen_index(self.referral_patterns, lambda p: p.muscle),
            "_techniques": _frozen_index(self.techniques, lambda t: t.id),
            "_rules": _frozen_index(self.contraindications, lambda r: r.code),
            "_sites": _frozen_index(self.sites, lambda s: s.id),
            "_questions": _frozen_index(self.intake_questions, lambda q: q.id),
            "_events": _frozen_index(self.adverse_events, lambda e: e.id),
            "_instruments": _frozen_index(self.instruments, lambda i: i.id),
            "_conditions": _frozen_index(self.conditions, lambda c: c.id),
            "_jurisdictions": _frozen_index(self.jurisdictions, lambda j: j.id),
            "_codes": _frozen_index(self.codes, lambda c: c.concept),
        }
        for name, index in indexes.items():
            object.__setattr__(self, name, index)

    # --- lookups (each raises UnknownIdError listing close ids) ---

    def source(self, key: str) -> Source:
        return _lookup("source", self._sources, key)

    def region(self, region_id: str) -> Region:
        return _lookup("region", self._regions, region_id)

    def drawing_region(self, drawing_id: str) -> DrawingRegion:
        return _lookup("drawing region", self._drawing, drawing_id)

    def muscle(self, muscle_id: str) -> Muscle:
        return _lookup("muscle", self._muscles, muscle_id)

    def pattern(self, muscle_id: str) -> ReferralPattern:
        return _lookup("muscle", self._patterns, muscle_id)

    def technique(self, technique_id: str) -> Technique:
        return _lookup("technique", self._techniques, technique_id)

    def rule(self, code: str) -> Rule:
        return _lookup("contraindication", self._rules, code)

    def site(self, site_id: str) -> Site:
        return _lookup("site", self._sites, site_id)

    def question(self, fact_id: str) -> Question:
        return _lookup("intake fact", self._questions, fact_id)

    def adverse_event(self, event_id: str) -> AdverseEvent:
        return _lookup("adverse event", self._events, event_id)

    def instrument(self, instrument_id: str) -> Instrument:
        return _lookup("instrument", self._instruments, instrument_id)

    def condition(self, condition_id: str) -> Condition:
        return _lookup("condition", self._conditions, condition_id)

    def jurisdiction(self, jurisdiction_id: str) -> Jurisdiction:
        return _lookup("jurisdiction", self._jurisdictions, jurisdiction_id)

    def code_for(self, concept: str) -> TerminologyCode | None:
        """The checked terminology code of a concept ("instrument:nprs"), or None: use text."""
        return self._codes.get(concept)

    def jurisdiction_for(self, country: str, code: str) -> Jurisdiction:
        """The entry of a state or province, or the country's default entry."""
        fallback = None
        for jurisdiction in self.jurisdictions:
            if jurisdiction.country == country and jurisdiction.code == code:
                return jurisdiction
            if jurisdiction.country == country and jurisdiction.default:
                fallback = jurisdiction
        if fallback is None:
            raise UnknownIdError("jurisdiction", f"{country}-{code}", self._jurisdictions)
        return fallback

    # --- regions and sides ---

    def split_drawing_region(self, drawing_id: str) -> tuple[str, Side | None]:
        """``temple_l`` -> ("temple", Side.LEFT); a midline id -> (id, None)."""
        drawing = self.drawing_region(drawing_id)
        return drawing.base, drawing.side

    def region_name(self, region_id: str) -> str:
        """A drawing or base region id as a person reads it: "Left temple", "Sacrum"."""
        if region_id in self._regions:
            base, side = region_id, None
        else:
            base, side = self.split_drawing_region(region_id)
        return sided(self.region(base).label, side, leading=True)

    def target_name(self, target: str) -> str:
        """What a screening finding applies to, by name: a region, a technique or a site."""
        if target in self._techniques:
            return self.technique(target).name
        if target in self._sites:
            return self.site(target).name
        return self.region_name(target)

    def drawing_ids(self, base_id: str) -> tuple[str, ...]:
        """The drawing ids of a base region: both sides, or the midline id itself."""
        region = self.region(base_id)
        if not region.sided:
            return (region.id,)
        return tuple(f"{region.id}_{side.value}" for side in Side)

    def limb_regions(self, side: Side, limb: Limb) -> tuple[str, ...]:
        """Every drawing id of one arm or leg (what a lymphoedema of that limb limits)."""
        if limb is Limb.NONE:
            raise ValueError("limb must be arm or leg")
        return tuple(f"{r.id}_{side.value}" for r in self.regions if r.limb is limb)

    def muscle_regions(self, muscle_id: str, side: Side) -> tuple[str, ...]:
        """Drawing ids over one side of a muscle (midline regions keep their id)."""
        muscle = self.muscle(muscle_id)
        return tuple(
            f"{base}_{side.value}" if self.region(base).sided else base for base in muscle.overlies
        )

    def counts(self) -> dict[str, int]:
        """Records per file, for `taut knowledge check`."""
        return {
            "sources.toml": len(self.sources),
            "regions.toml": len(self.regions),
            "muscles.toml": len(self.muscles),
            "referral.toml": len(self.referral_patterns),
            "techniques.toml": len(self.techniques),
            "contraindications.toml": len(self.contraindications),
            "adverse_events.toml": len(self.adverse_events),
            "instruments.toml": len(self.instruments),
            "conditions.toml": len(self.conditions),
            "aftercare.toml": len(self.aftercare),
            "jurisdictions.toml": len(self.jurisdictions),
            "codes.toml": len(self.codes),
        }


# --- loading ----------------------------------------------------------------------------------


def _drawing_regions(regions: Iterable[Region]) -> tuple[DrawingRegion, ...]:
    drawing: list[DrawingRegion] = []
    for region in regions:
        if not region.sided:
            drawing.append(DrawingRegion(id=region.id, base=region.id, side=None))
            continue
        for suffix, side in SIDE_SUFFIXES.items():
            drawing.append(DrawingRegion(id=region.id + suffix, base=region.id, side=side))
    return tuple(drawing)


def _read(directory: Path) -> Knowledge:
    opened: list[DataFile] = []

    def open_file(name: str) -> DataFile:
        opened.append(DataFile(directory, name))
        return opened[-1]

    sources = open_file("sources.toml")
    regions = open_file("regions.toml")
    muscles = open_file("muscles.toml")
    referral = open_file("referral.toml")
    techniques = open_file("techniques.toml")
    screening = open_file("contraindications.toml")
    events = open_file("adverse_events.toml")
    instruments = open_file("instruments.toml")
    conditions = open_file("conditions.toml")
    aftercare = open_file("aftercare.toml")
    jurisdictions = open_file("jurisdictions.toml")
    codes = open_file("codes.toml")
    region_records = regions.records("region", Region)
    knowledge = Knowledge(
        directory=directory,
        sources=sources.records("source", Source, key="key"),
        regions=region_records,
        drawing_regions=_drawing_regions(region_records),
        muscles=muscles.records("muscle", Muscle),
        muscle_flags=muscles.records("flag", MuscleFlag),
        referral_patterns=referral.records("pattern", ReferralPattern, key="muscle"),
        referral_weights=referral.table("weights", ReferralWeights),
        techniques=techniques.records("technique", Technique),
        needle_parameters=techniques.records("needle_parameter", Parameter),
        needle_examples=techniques.optional_records("needle_example", NeedleExample, "context"),
        practice_rules=techniques.records("practice", PracticeRule),
        contraindications=screening.records("rule", Rule, key="code"),
        contraindication_notes=screening.optional_records("note", UnencodedRow, key="code"),
        sites=screening.records("site", Site),
        intake_questions=screening.records("question", Question),
        adverse_events=events.records("event", AdverseEvent),
        severities=events.records("severity", SeverityDefinition),
        severity_schemes=events.records("scheme", SeverityScheme),
        reference_rates=events.records("rate", ReferenceRate),
        quoted_figures=events.optional_records("quoted_figure", QuotedFigure),
        instruments=instruments.records("instrument", Instrument),
        conditions=conditions.records("condition", Condition),
        aftercare=aftercare.records("item", AftercareItem),
        professions=jurisdictions.records("profession", Profession),
        jurisdictions=jurisdictions.records("jurisdiction", Jurisdiction),
        confirm_notice=jurisdictions.string("confirm_notice"),
        codes=codes.records("code", TerminologyCode),
    )
    for file in opened:
        file.refuse_unread()
    return knowledge


@functools.cache
def _load(directory: Path) -> Knowledge:
    knowledge = _read(directory)
    check_references(knowledge)
    return knowledge


@functools.cache
def load_knowledge(directory: Path | None = None) -> Knowledge:
    """Load, validate and cache the knowledge base (the package's own data by default)."""
    return _load((directory or DEFAULT_DIRECTORY).resolve())
