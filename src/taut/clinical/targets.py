"""Needling targets beyond muscle: which a practitioner may needle today, and what the codes count.

    decision = target_allowed("pelvic_floor", trainings=set(), consents={"pelvic_floor_consent"})
    decision.allowed        # False
    decision.reasons        # ("Pelvic-floor needling training is not recorded ...",)
    counts_toward_muscles("tendon")   # False: 20560/20561 count muscles only

The targets, their safety notes and requirements are knowledge/targets.toml.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from taut.clinical.cited_file import read_cited_file
from taut.clinical.knowledge import Knowledge, UnknownIdError, load_knowledge
from taut.clinical.records import Cited, Id, Ids, KnowledgeError, PatientText, Text, record_label

FILE = "targets.toml"


class CountsToward(StrEnum):
    MUSCLES = "muscles"
    NONE = "none"


class Target(Cited):
    id: Id
    name: Text
    counts_toward: CountsToward
    cpt_note: Text
    safety: tuple[Text, ...] = ()
    requires_training: Ids = ()
    requires_consent: Ids = ()
    patient_text: PatientText


class Requirement(Cited):
    id: Id
    name: Text
    text: Text


@dataclass(frozen=True)
class TargetData:
    targets: tuple[Target, ...]
    trainings: tuple[Requirement, ...]
    consents: tuple[Requirement, ...]

    def target(self, target_id: str) -> Target:
        for target in self.targets:
            if target.id == target_id:
                return target
        raise UnknownIdError("needling target", target_id, [t.id for t in self.targets])

    def requirement(self, requirement_id: str) -> Requirement:
        for requirement in (*self.trainings, *self.consents):
            if requirement.id == requirement_id:
                return requirement
        raise KeyError(requirement_id)


def load_targets(knowledge: Knowledge | None = None) -> TargetData:
    return _load(knowledge or load_knowledge())


@functools.cache
def _load(knowledge: Knowledge) -> TargetData:
    tables = read_cited_file(
        FILE,
        {
            "target": (Target, "id"),
            "training": (Requirement, "id"),
            "consent": (Requirement, "id"),
        },
        knowledge,
    )
    data = TargetData(tables["target"], tables["training"], tables["consent"])
    trainings = {t.id for t in data.trainings}
    consents = {c.id for c in data.consents}
    for index, target in enumerate(data.targets):
        label = record_label("target", index, target.id)
        for wanted, known, kind in (
            (target.requires_training, trainings, "training"),
            (target.requires_consent, consents, "consent"),
        ):
            for requirement in wanted:
                if requirement not in known:
                    raise KnowledgeError(FILE, label, f"unknown {kind} '{requirement}'")
    return data


@dataclass(frozen=True)
class TargetDecision:
    target: str
    allowed: bool
    reasons: tuple[str, ...]  # every reason against, for the clinician
    counts_toward_muscles: bool


def target_allowed(
    target_id: str,
    *,
    trainings: Iterable[str],
    consents: Iterable[str],
    knowledge: Knowledge | None = None,
) -> TargetDecision:
    """May this practitioner needle this target for this patient: the practitioner's recorded
    trainings and the patient's signed consents against what the target requires."""
    data = load_targets(knowledge)
    target = data.target(target_id)
    have_training, have_consent = set(trainings), set(consents)
    reasons = [
        f"{data.requirement(r).name} is not recorded for the practitioner."
        for r in target.requires_training
        if r not in have_training
    ] + [
        f"{data.requirement(c).name} is not signed by the patient."
        for c in target.requires_consent
        if c not in have_consent
    ]
    return TargetDecision(
        target.id, not reasons, tuple(reasons), target.counts_toward is CountsToward.MUSCLES
    )


def counts_toward_muscles(target_id: str, *, knowledge: Knowledge | None = None) -> bool:
    """Whether needling this target counts toward the muscles of 20560/20561."""
    return load_targets(knowledge).target(target_id).counts_toward is CountsToward.MUSCLES


__all__ = [
    "CountsToward",
    "Target",
    "TargetData",
    "TargetDecision",
    "counts_toward_muscles",
    "load_targets",
    "target_allowed",
]
