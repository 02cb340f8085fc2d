"""Pain drawing -> muscles whose trigger-point referral patterns explain it, best first.

Score of a muscle on one side (weights from referral.toml [weights]):

    raw   = sum over the drawn regions it covers of  zone weight x rarity(region)
    score = raw x ((1 - coverage_weight) + coverage_weight x coverage)

The zone weight is that of the essential or spillover zone, plus the TrP-site weight when the
region also lies over the muscle. rarity(region) = ln(1 + muscles / muscles referring there), an
IDF, so a region few muscles explain says more than a region many explain. coverage is the share
of the drawn regions the muscle side explains. Ties are broken by muscle id, then side.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

from taut.clinical.anatomy import ReferralPattern, ReferralWeights, ZoneKind
from taut.clinical.knowledge import Knowledge, load_knowledge
from taut.clinical.records import Side
from taut.clinical.wording import counted, side_word

BOTH_SIDES = (Side.LEFT, Side.RIGHT)
ZONE_WORDS = {
    ZoneKind.ESSENTIAL: "essential zone",
    ZoneKind.SPILLOVER: "spillover zone",
    ZoneKind.TRP_SITE: "over the trigger point",
}
SCORE_DECIMALS = 3
SCALE = 10**SCORE_DECIMALS


class UnknownRegionError(ValueError):
    """Drawing region ids that do not exist; ``close`` maps each to similar valid ids."""

    def __init__(self, close: dict[str, tuple[str, ...]]) -> None:
        self.close = close
        parts = []
        for wanted, similar in close.items():
            hint = f" (did you mean {', '.join(similar)}?)" if similar else ""
            parts.append(f"unknown region id '{wanted}'{hint}")
        super().__init__("; ".join(parts))


class Suggestion(NamedTuple):
    """One muscle side that explains part of a drawing. Immutable: a NamedTuple rather than a
    frozen dataclass because rank_muscles builds about ten per call and this is 2-3x cheaper."""

    muscle: str
    side: Side
    score: float
    matched: tuple[tuple[str, ZoneKind], ...]  # (drawing region id, zone kind)
    coverage: float  # share of the drawn regions this muscle side explains
    source: str  # citation key and chapter of the pattern
    name: str  # the muscle's display name
    drawn: int  # number of distinct regions in the drawing
    region_names: Mapping[str, str]  # drawing id -> "Left temple" (shared by every suggestion)

    @property
    def explanation(self) -> str:
        zones = "; ".join(
            f"{self.region_names.get(region, region)} ({ZONE_WORDS[kind]})"
            for region, kind in self.matched
        )
        return (
            f"The {side_word(self.side)} {self.name} pattern covers {zones}. "
            f"That is {len(self.matched)} of {counted(self.drawn, 'drawn region')}."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "muscle": self.muscle,
            "side": self.side.value,
            "score": self.score,
            "matched": [{"region": region, "zone": kind.value} for region, kind in self.matched],
            "coverage": self.coverage,
            "source": self.source,
            "explanation": self.explanation,
        }


_Key = tuple[str, Side]  # (muscle id, side)
_Match = tuple[str, ZoneKind]  # (drawing region id, zone kind)


@dataclass(frozen=True)
class _Index:
    # drawing region id -> every muscle side it suggests, with the weight (rarity folded in)
    hits: dict[str, tuple[tuple[_Key, float, _Match], ...]]
    names: dict[str, str]
    region_names: Mapping[str, str]
    sources: dict[str, str]
    coverage_weight: float


def rank_muscles(
    regions: Iterable[str], *, top: int = 10, knowledge: Knowledge | None = None
) -> list[Suggestion]:
    """Rank the muscle sides whose referral patterns explain the drawn regions."""
    if isinstance(regions, str):
        raise TypeError("regions must be a collection of region ids, not one string")
    if top < 0:
        raise ValueError("top must not be negative")
    index = _index_for(knowledge or load_knowledge())
    drawn = _parse(index, regions)
    if not drawn or top == 0:
        return []
    totals, matches = _collect(index, drawn)
    count = len(drawn)
    keep = 1 - index.coverage_weight
    per_region = index.coverage_weight / count
    ranked = []
    for key, raw in totals.items():
        # Integer thousandths: cheaper than round() and gives exact ties for the tie-break.
        ranked.append((-int(raw * (keep + per_region * len(matches[key])) * SCALE + 0.5), key))
    ranked.sort()
    names, sources = index.names, index.sources
    return [
        Suggestion(
            muscle,
            side,
            -negative / SCALE,
            matches[muscle, side],
            int(len(matches[muscle, side]) * SCALE / count + 0.5) / SCALE,
            sources[muscle],
            names[muscle],
            count,
            index.region_names,
        )
        for negative, (muscle, side) in ranked[:top]
    ]


def valid_region_ids(knowledge: Knowledge | None = None) -> tuple[str, ...]:
    return tuple(_index_for(knowledge or load_knowledge()).hits)


def _parse(index: _Index, regions: Iterable[str]) -> list[str]:
    # Sorted and de-duplicated so that the same drawing always sums in the same order.
    wanted = sorted(set(regions))
    unknown = [region for region in wanted if region not in index.hits]
    if unknown:
        raise UnknownRegionError({region: _close_ids(index, region) for region in unknown})
    return wanted


def _close_ids(index: _Index, region: str) -> tuple[str, ...]:
    sided = tuple(f"{region}_{side.value}" for side in BOTH_SIDES)
    if all(drawing_id in index.hits for drawing_id in sided):
        return sided  # a base id given without its side
    return tuple(difflib.get_close_matches(region, list(index.hits), n=4, cutoff=0.6))


def _collect(
    index: _Index, drawn: list[str]
) -> tuple[dict[_Key, float], dict[_Key, tuple[_Match, ...]]]:
    totals: dict[_Key, float] = {}
    matches: dict[_Key, tuple[_Match, ...]] = {}
    for region in drawn:
        for key, weight, match in index.hits[region]:
            if key in totals:
                totals[key] += weight
                matches[key] += (match,)
            else:
                totals[key] = weight
                matches[key] = (match,)
    return totals, matches


@functools.lru_cache(maxsize=8)
def _index_for(knowledge: Knowledge) -> _Index:
    weights = knowledge.referral_weights
    patterns = knowledge.referral_patterns
    rarity = _rarity(patterns, weights)
    by_base: dict[str, list[tuple[str, float, ZoneKind, bool]]] = {}
    for pattern in patterns:
        for base, (weight, kind) in _zone_weights(pattern, weights).items():
            bilateral = base in pattern.bilateral
            by_base.setdefault(base, []).append(
                (pattern.muscle, weight * rarity[base], kind, bilateral)
            )
    hits = {}
    for drawing in knowledge.drawing_regions:
        entries: list[tuple[_Key, float, _Match]] = []
        for muscle, weight, kind, bilateral in by_base.get(drawing.base, ()):
            # Ipsilateral; a midline region, or a bilateral zone, suggests both sides.
            sides = BOTH_SIDES if drawing.side is None or bilateral else (drawing.side,)
            entries.extend(((muscle, side), weight, (drawing.id, kind)) for side in sides)
        hits[drawing.id] = tuple(entries)
    return _Index(
        hits=hits,
        names={muscle.id: muscle.name for muscle in knowledge.muscles},
        region_names=MappingProxyType(
            {d.id: knowledge.region_name(d.id) for d in knowledge.drawing_regions}
        ),
        sources={pattern.muscle: _cite(pattern) for pattern in patterns},
        coverage_weight=weights.coverage,
    )


def _zone_weights(
    pattern: ReferralPattern, weights: ReferralWeights
) -> dict[str, tuple[float, ZoneKind]]:
    """Weight and reported kind of each base region in one pattern."""
    found: dict[str, tuple[float, ZoneKind]] = {}
    for kind, bases in (
        (ZoneKind.ESSENTIAL, pattern.essential),
        (ZoneKind.SPILLOVER, pattern.spillover),
    ):
        for base in bases:
            found[base] = (weights.of(kind), kind)
    for base in pattern.trp_site:
        weight, kind = found.get(base, (0.0, ZoneKind.TRP_SITE))
        found[base] = (weight + weights.trp_site, kind)
    return found


def _rarity(patterns: tuple[ReferralPattern, ...], weights: ReferralWeights) -> dict[str, float]:
    referring: dict[str, int] = {}
    for pattern in patterns:
        for base in {*pattern.essential, *pattern.spillover, *pattern.trp_site}:
            referring[base] = referring.get(base, 0) + 1
    if not weights.rarity:
        return dict.fromkeys(referring, 1.0)
    return {base: math.log(1 + len(patterns) / count) for base, count in referring.items()}


def _cite(pattern: ReferralPattern) -> str:
    figure = f", {pattern.figure}" if pattern.figure else ""
    return f'{"; ".join(pattern.source)} "{pattern.chapter}"{figure}'
