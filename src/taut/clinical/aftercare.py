"""Aftercare: the session's facts -> the advice and red flags of knowledge/aftercare.toml.

    aftercare_for(muscles=["upper_trapezius"], drowsy_or_fainted=True)
    aftercare_for_plan(plan, drowsy_or_fainted=False)   # facts derived from the charted session

An item is selected when any of its `applies_when` conditions holds for the session ("always"
always holds). Thorax, head/neck and spinal come from the flags of the muscles needled
(muscles.toml) as well as from the explicit arguments; items keep the order of the data file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from taut.clinical.knowledge import Knowledge, UnknownIdError, load_knowledge
from taut.clinical.practice import AftercareItem, AftercareKind, AppliesWhen
from taut.clinical.safety import ChartingError, SessionPlan

ANTICOAGULANT_FINDING = "anticoagulant"  # the screening finding of a patient on blood thinners
MUSCLE_FLAGS = (AppliesWhen.HEAD_NECK, AppliesWhen.THORAX, AppliesWhen.SPINAL)


@dataclass(frozen=True)
class Aftercare:
    advice: tuple[AftercareItem, ...]
    red_flags: tuple[AftercareItem, ...]
    conditions: frozenset[AppliesWhen]  # what held for the session (always included)

    @property
    def items(self) -> tuple[AftercareItem, ...]:
        return (*self.advice, *self.red_flags)


def aftercare_for(
    *,
    muscles: Iterable[str] = (),
    electrical: bool = False,
    thorax: bool = False,
    head_neck: bool = False,
    spinal: bool = False,
    anticoagulant: bool = False,
    first_session: bool = False,
    drowsy_or_fainted: bool = False,
    knowledge: Knowledge | None = None,
) -> Aftercare:
    """Select the aftercare items; `muscles` (ids) add the conditions their flags carry."""
    knowledge = knowledge or load_knowledge()
    held = {AppliesWhen.ALWAYS}
    wanted = {
        AppliesWhen.ELECTRICAL: electrical,
        AppliesWhen.THORAX: thorax,
        AppliesWhen.HEAD_NECK: head_neck,
        AppliesWhen.SPINAL: spinal,
        AppliesWhen.ANTICOAGULANT: anticoagulant,
        AppliesWhen.FIRST_SESSION: first_session,
        AppliesWhen.DROWSINESS_OR_FAINTING: drowsy_or_fainted,
    }
    held.update(condition for condition, holds in wanted.items() if holds)
    for muscle_id in muscles:
        try:
            muscle = knowledge.muscle(muscle_id)
        except UnknownIdError as error:
            raise ChartingError("muscles", str(error)) from None
        held.update(flag for flag in MUSCLE_FLAGS if getattr(muscle, flag.value) is True)
    chosen = [item for item in knowledge.aftercare if held.intersection(item.applies_when)]
    return Aftercare(
        advice=tuple(item for item in chosen if item.kind is AftercareKind.ADVICE),
        red_flags=tuple(item for item in chosen if item.kind is AftercareKind.RED_FLAG),
        conditions=frozenset(held),
    )


def aftercare_for_plan(
    plan: SessionPlan, *, drowsy_or_fainted: bool, knowledge: Knowledge | None = None
) -> Aftercare:
    """The aftercare of a charted session: muscles and techniques from its entries (entries with
    no needle in are skipped), the anticoagulant item from its screening."""
    needled = [entry for entry in plan.entries if entry.needles_in > 0]
    screening = plan.screening
    return aftercare_for(
        muscles=[entry.muscle for entry in needled],
        electrical=any(entry.electrical for entry in needled),
        anticoagulant=screening is not None
        and screening.finding(ANTICOAGULANT_FINDING) is not None,
        first_session=plan.first_session,
        drowsy_or_fainted=drowsy_or_fainted,
        knowledge=knowledge,
    )


__all__ = ["Aftercare", "aftercare_for", "aftercare_for_plan"]
