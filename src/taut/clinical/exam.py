"""Objective examination reference data (knowledge/exam.toml) and the rules over it.

    flags = vital_flags({"systolic_bp": 186, "diastolic_bp": 95})
    flags[0].level            # Level.DEFER: the ACC/AHA crisis range, before needling
    trigger_point_call({"taut_band", "hypersensitive_spot", "referred_pain"}).meets_criteria
    rom_percent_of_norm("shoulder_flexion", 135)    # 75.0

Every limit, norm, grade, test and criterion carries its source and evidence grade.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from pydantic import Field, model_validator

from taut.clinical.cited_file import read_cited_file
from taut.clinical.knowledge import Knowledge, UnknownIdError, load_knowledge
from taut.clinical.records import Cited, Id, KnowledgeError, Text, record_label

FILE = "exam.toml"


class Op(StrEnum):
    GT = "gt"
    GE = "ge"


class Level(StrEnum):
    DEFER = "defer"  # do not needle today
    CAUTION = "caution"
    NOTE = "note"


LEVEL_ORDER = {Level.DEFER: 0, Level.CAUTION: 1, Level.NOTE: 2}


class Region(StrEnum):
    CERVICAL = "cervical"
    SHOULDER = "shoulder"
    LUMBAR = "lumbar"
    HIP = "hip"
    SACROILIAC = "sacroiliac"


class Role(StrEnum):
    ESSENTIAL = "essential"
    ACTIVE_MARKER = "active_marker"
    CONFIRMATORY = "confirmatory"


class Vital(Cited):
    id: Id
    name: Text
    unit: Text
    low: float
    high: float
    note: str = ""


class VitalLimit(Cited):
    id: Id
    vital: Id
    op: Op
    value: float
    level: Level
    text: Text

    def exceeded_by(self, reading: float) -> bool:
        return reading > self.value if self.op is Op.GT else reading >= self.value


class RomNorm(Cited):
    id: Id
    joint: Text
    movement: Text
    degrees: float = Field(gt=0)
    sd: float | None = Field(default=None, gt=0)
    note: str = ""


class MmtGrade(Cited):
    grade: int = Field(ge=0, le=5)
    label: Text
    definition: Text


class SpecialTest(Cited):
    id: Id
    name: Text
    region: Region
    detects: Text
    positive: Text
    accuracy: Text


class TrpCriterion(Cited):
    id: Id
    name: Text
    role: Role
    text: Text


class Root(Cited):
    id: Id
    root: Text
    key_sensory_point: Text
    key_muscle: Text
    reflex: str = ""

    @model_validator(mode="after")
    def _id_is_the_root(self) -> Root:
        if self.id != self.root.lower():
            raise ValueError(f"id '{self.id}' should be the root '{self.root}' in lower case")
        return self


@dataclass(frozen=True)
class ExamData:
    vitals: tuple[Vital, ...]
    vital_limits: tuple[VitalLimit, ...]
    rom_norms: tuple[RomNorm, ...]
    mmt_grades: tuple[MmtGrade, ...]
    special_tests: tuple[SpecialTest, ...]
    trp_criteria: tuple[TrpCriterion, ...]
    roots: tuple[Root, ...]

    def rom_norm(self, norm_id: str) -> RomNorm:
        for norm in self.rom_norms:
            if norm.id == norm_id:
                return norm
        raise UnknownIdError("range-of-motion norm", norm_id, [n.id for n in self.rom_norms])

    def tests_for(self, region: Region | str) -> tuple[SpecialTest, ...]:
        return tuple(test for test in self.special_tests if test.region == region)

    def joints(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(norm.joint for norm in self.rom_norms))


def load_exam(knowledge: Knowledge | None = None) -> ExamData:
    return _load(knowledge or load_knowledge())


@functools.cache
def _load(knowledge: Knowledge) -> ExamData:
    tables = read_cited_file(
        FILE,
        {
            "vital": (Vital, "id"),
            "vital_limit": (VitalLimit, "id"),
            "rom_norm": (RomNorm, "id"),
            "mmt_grade": (MmtGrade, "grade"),
            "special_test": (SpecialTest, "id"),
            "trp_criterion": (TrpCriterion, "id"),
            "root": (Root, "id"),
        },
        knowledge,
    )
    data = ExamData(
        tables["vital"],
        tables["vital_limit"],
        tables["rom_norm"],
        tables["mmt_grade"],
        tables["special_test"],
        tables["trp_criterion"],
        tables["root"],
    )
    check_exam(data)
    return data


def check_exam(data: ExamData) -> None:
    """What one record cannot check: limits name known vitals; grades run 0-5 once each."""
    vitals = {vital.id for vital in data.vitals}
    for index, limit in enumerate(data.vital_limits):
        if limit.vital not in vitals:
            label = record_label("vital_limit", index, limit.id)
            raise KnowledgeError(FILE, label, f"unknown vital '{limit.vital}'")
    if sorted(grade.grade for grade in data.mmt_grades) != list(range(6)):
        raise KnowledgeError(FILE, "[[mmt_grade]]", "grades must be 0 to 5, each once")
    if not any(c.role is Role.ESSENTIAL for c in data.trp_criteria):
        raise KnowledgeError(FILE, "[[trp_criterion]]", "no essential criterion")


# --- rules -----------------------------------------------------------------------------------


class VitalReadingError(ValueError):
    """A reading outside what the form accepts, or of an unknown vital."""


@dataclass(frozen=True)
class VitalFlag:
    vital: str
    reading: float
    level: Level
    limit: VitalLimit


def vital_flags(
    readings: Mapping[str, float], *, knowledge: Knowledge | None = None
) -> list[VitalFlag]:
    """The worst limit each reading passes, worst level first (empty: nothing to flag)."""
    data = load_exam(knowledge)
    vitals = {vital.id: vital for vital in data.vitals}
    flags: list[VitalFlag] = []
    for vital_id, reading in readings.items():
        vital = vitals.get(vital_id)
        if vital is None:
            raise VitalReadingError(f"unknown vital '{vital_id}' (known: {', '.join(vitals)})")
        if not vital.low <= reading <= vital.high:
            raise VitalReadingError(
                f"{vital.name}: {reading:g} {vital.unit} is outside {vital.low:g}-{vital.high:g}"
            )
        passed = [
            limit
            for limit in data.vital_limits
            if limit.vital == vital_id and limit.exceeded_by(reading)
        ]
        if passed:
            worst = min(passed, key=lambda limit: LEVEL_ORDER[limit.level])
            flags.append(VitalFlag(vital_id, reading, worst.level, worst))
    return sorted(flags, key=lambda flag: LEVEL_ORDER[flag.level])


def needling_deferred(flags: Iterable[VitalFlag]) -> bool:
    return any(flag.level is Level.DEFER for flag in flags)


def rom_percent_of_norm(
    norm_id: str, measured_degrees: float, *, knowledge: Knowledge | None = None
) -> float:
    """The measured range as a percentage of the cited norm, to one decimal."""
    if measured_degrees < 0:
        raise ValueError("a range of motion cannot be negative")
    norm = load_exam(knowledge).rom_norm(norm_id)
    return round(measured_degrees / norm.degrees * 100, 1)


@dataclass(frozen=True)
class TriggerPointCall:
    meets_criteria: bool  # every essential criterion of the Delphi consensus was found
    active: bool  # and the patient recognised the symptom
    missing: tuple[str, ...]  # essential criteria not found, by name


def trigger_point_call(
    findings: Iterable[str], *, knowledge: Knowledge | None = None
) -> TriggerPointCall:
    """Palpation findings (criterion ids) -> whether they make a trigger point, and an active one.

    All essential criteria are required: the consensus abstract names the cluster of three as
    essential; a looser two-of-three reading was not verified."""
    criteria = load_exam(knowledge).trp_criteria
    found = set(findings)
    unknown = found - {criterion.id for criterion in criteria}
    if unknown:
        raise UnknownIdError(
            "trigger-point criterion", sorted(unknown)[0], [c.id for c in criteria]
        )
    essential = [c for c in criteria if c.role is Role.ESSENTIAL]
    missing = tuple(c.name for c in essential if c.id not in found)
    markers = {c.id for c in criteria if c.role is Role.ACTIVE_MARKER}
    meets = not missing
    return TriggerPointCall(meets, meets and bool(found & markers), missing)


__all__ = [
    "ExamData",
    "Level",
    "Region",
    "TriggerPointCall",
    "VitalFlag",
    "VitalReadingError",
    "load_exam",
    "needling_deferred",
    "rom_percent_of_norm",
    "trigger_point_call",
    "vital_flags",
]
