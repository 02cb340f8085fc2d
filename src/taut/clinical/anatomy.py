"""Body-chart regions, muscles with their needling safety data, and referral patterns."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from taut.clinical.records import Cited, Frozen, Id, Ids, Side, SourceKeys, Text


class View(StrEnum):
    FRONT = "front"
    BACK = "back"
    SIDE = "side"
    TOP = "top"
    BOTTOM = "bottom"


class Limb(StrEnum):
    ARM = "arm"
    LEG = "leg"
    NONE = "none"


class Region(Cited):
    """A base region of the body chart; sided regions become two drawing ids."""

    id: Id
    label: Text
    sided: bool
    view: View
    group: Id
    wpi: Id  # the 2010/2011 ACR widespread-pain-index area, or "none"
    limb: Limb
    note: str = ""


class DrawingRegion(Frozen):
    """What a pain drawing stores: a base region plus its side (None for midline regions)."""

    id: Id
    base: Id
    side: Side | None


class LungRisk(StrEnum):
    NONE = "none"
    CAUTION = "caution"
    HIGH = "high"


class Figure(Frozen):
    """A measured distance, in millimetres (a single value when ``max_mm`` is absent)."""

    label: Text
    min_mm: float = Field(ge=0)
    max_mm: float | None = Field(default=None, ge=0)
    population: str = ""


class LungSafety(Cited):
    risk: LungRisk
    note: str = ""
    figures: tuple[Figure, ...] = ()

    @model_validator(mode="after")
    def _none_has_no_figures(self) -> LungSafety:
        if self.risk is LungRisk.NONE and self.figures:
            raise ValueError("a muscle without lung risk cannot carry lung depth figures")
        return self


class Hazard(Cited):
    """A nerve, vessel or organ near the muscle that a needle can reach."""

    structure: Text
    note: str = ""
    figures: tuple[Figure, ...] = ()


class Note(Cited):
    text: Text


class SafeDepth(Cited):
    """The deepest insertion a source advises for the muscle; the charting screen refuses a
    recorded depth beyond it. Only where a source states such a limit (never derived here)."""

    max_mm: float = Field(gt=0)
    advice: Text  # what the source advises, in a sentence the clinician reads
    population: Text  # whom the figure was measured in


class Muscle(Frozen):
    id: Id
    name: Text
    includes: str = ""
    area: Id
    paired: bool = True  # every muscle of the vocabulary is bilaterally paired
    overlies: Ids = Field(min_length=1)  # base regions over the muscle (its TrP sites)
    head_neck: bool = False
    thorax: bool = False
    spinal: bool = False
    deep_noncompressible: bool = False
    lung: LungSafety
    neurovascular: tuple[Hazard, ...] = ()
    technique_notes: tuple[Note, ...] = ()
    safe_depth: SafeDepth | None = None

    @property
    def lung_risk(self) -> LungRisk:
        return self.lung.risk


class MuscleFlag(Cited):
    """Meaning and source of one of the muscle flags (head_neck, thorax ...)."""

    id: Id
    meaning: Text


class ZoneKind(StrEnum):
    ESSENTIAL = "essential"
    SPILLOVER = "spillover"
    TRP_SITE = "trp_site"


class Laterality(StrEnum):
    IPSILATERAL = "ipsilateral"


class ReferralPattern(Cited):
    muscle: Id
    essential: Ids = Field(min_length=1)
    spillover: Ids = ()
    trp_site: Ids = Field(min_length=1)
    laterality: Laterality = Laterality.IPSILATERAL
    # Base regions where this pattern may also appear on the opposite side (SCM forehead pain).
    bilateral: Ids = ()
    chapter: Text
    figure: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _zones_are_disjoint(self) -> ReferralPattern:
        both = set(self.essential) & set(self.spillover)
        if both:
            raise ValueError(f"regions in both essential and spillover: {sorted(both)}")
        for zone in (self.essential, self.spillover, self.trp_site, self.bilateral):
            if len(set(zone)) != len(zone):
                raise ValueError(f"a region is listed twice in {list(zone)}")
        return self


class ReferralWeights(Frozen):
    essential: float = Field(gt=0)
    spillover: float = Field(gt=0)
    trp_site: float = Field(gt=0)
    coverage: float = Field(ge=0, le=1)
    rarity: bool
    note: Text
    source: SourceKeys

    @model_validator(mode="after")
    def _essential_weighs_most(self) -> ReferralWeights:
        if not self.essential > self.spillover > 0:
            raise ValueError("essential must weigh more than spillover")
        return self

    def of(self, kind: ZoneKind) -> float:
        weight: float = getattr(self, kind.value)
        return weight
