"""Techniques, screening rules and intake questions, conditions, aftercare and jurisdictions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

from taut.clinical.records import Cited, Frozen, Id, Ids, PatientText, Text, _as_tuple

ICD10_PATTERN = r"^[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?$"


class Note(Cited):
    text: Text


# --- techniques ---------------------------------------------------------------------------------

# The technique that passes current through the needles. It is the one technique with rules of its
# own: a separate consent where the clinic asks for one, refused with an implanted electrical
# device, its own aftercare. An integrity check asserts that techniques.toml holds it.
ELECTRICAL = "electrical"


def is_electrical(technique: str) -> bool:
    """Does this technique id pass current through the needles?"""
    return technique == ELECTRICAL


class Parameter(Cited):
    id: Id
    label: Text
    unit: Text
    min: float | None = None
    max: float | None = None
    typical: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Parameter:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is greater than max {self.max}")
        return self


class Depth(Cited):
    min_mm: float | None = None
    max_mm: float | None = None
    to_bone: bool = False
    note: Text


class Technique(Cited):
    id: Id
    name: Text
    description: Text  # for clinicians: the definition with its research detail
    patient_text: PatientText  # what the consent tells the patient
    depth: Depth
    local_twitch: bool
    parameters: tuple[Parameter, ...] = ()
    notes: tuple[Note, ...] = ()


class NeedleExample(Cited):
    gauge_mm: float = Field(gt=0)
    length_mm: float = Field(gt=0)
    context: Text


class PracticeRule(Cited):
    id: Id
    text: Text


# --- screening rules ----------------------------------------------------------------------------


class Level(StrEnum):
    """contraindicated blocks all needling; precaution needs the clinician's written
    acknowledgement; limit refuses the regions, sites or techniques of the rule's scope."""

    CONTRAINDICATED = "contraindicated"
    PRECAUTION = "precaution"
    LIMIT = "limit"


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    NONEMPTY = "nonempty"


class FactCondition(Frozen):
    fact: Id
    op: Op
    value: bool | int | str | None = None

    @model_validator(mode="after")
    def _value_matches_op(self) -> FactCondition:
        if (self.op is Op.NONEMPTY) != (self.value is None):
            raise ValueError("'nonempty' takes no value; every other op needs one")
        if self.op in {Op.LT, Op.LE, Op.GT, Op.GE} and (
            isinstance(self.value, bool) or not isinstance(self.value, int)
        ):
            raise ValueError(f"'{self.op}' compares with a number, not {self.value!r}")
        return self

    def describe(self) -> str:
        symbols = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
        if self.op is Op.NONEMPTY:
            return f"{self.fact} is not empty"
        value = str(self.value).lower() if isinstance(self.value, bool) else self.value
        return f"{self.fact} {symbols[self.op.value]} {value}"


class Expansion(StrEnum):
    MARKED = "marked"  # only the drawing regions the fact lists
    LIMB = "limb"  # every region of each arm or leg the fact touches, on that side


class Scope(Frozen):
    all: bool = False
    regions: Ids = ()  # base region ids, refused on both sides
    sites: Ids = ()  # point sites of the [[site]] table
    region_fact: Id | None = None  # a region_list fact whose regions the rule covers
    expand: Expansion = Expansion.MARKED
    techniques: Ids = ()
    muscle_flag: Id | None = None  # muscles carrying this flag in muscles.toml

    @model_validator(mode="after")
    def _all_or_named(self) -> Scope:
        named = (
            self.regions or self.sites or self.region_fact or self.techniques or self.muscle_flag
        )
        if self.all == bool(named):
            raise ValueError("a scope is either all = true or names regions/sites/techniques")
        if self.expand is Expansion.LIMB and self.region_fact is None:
            raise ValueError("expand = 'limb' needs a region_fact")
        return self


class Rule(Cited):
    code: Id
    condition: Text
    level: Level
    when: tuple[FactCondition, ...] = ()  # all must hold; empty means always
    scope: Scope
    questions: Ids = ()
    message: Text
    action: Text

    @model_validator(mode="after")
    def _contraindication_blocks_all(self) -> Rule:
        if self.level is Level.CONTRAINDICATED and not self.scope.all:
            raise ValueError("a contraindicated rule blocks all needling: scope.all = true")
        if self.level is Level.LIMIT and self.scope.all:
            raise ValueError("a limit names what it refuses; use contraindicated for all")
        return self


class Site(Cited):
    id: Id
    name: Text
    regions: Ids = Field(min_length=1)
    whole_region: bool  # true: refuse the whole region; false: refuse the point, warn the region


class UnencodedRow(Cited):
    """A row of the brief that has no rule, kept so that its absence is a recorded decision."""

    code: Id
    condition: Text
    reason: Text


class QuestionType(StrEnum):
    BOOL = "bool"
    INT = "int"
    REGION_LIST = "region_list"
    CHOICE = "choice"


class AskedBy(StrEnum):
    PATIENT = "patient"
    CLINICIAN = "clinician"


class Question(Frozen):
    id: Id  # the intake fact id it establishes
    text: Text
    type: QuestionType
    asked_by: AskedBy = AskedBy.PATIENT
    show_if: FactCondition | None = None
    min: int | None = None
    max: int | None = None
    choices: Ids = ()
    help: str = ""

    @model_validator(mode="after")
    def _type_fields(self) -> Question:
        if (self.type is QuestionType.CHOICE) != bool(self.choices):
            raise ValueError("choices belong to (and are required by) type 'choice'")
        if self.type is not QuestionType.INT and (self.min is not None or self.max is not None):
            raise ValueError("min/max belong to type 'int'")
        return self


# --- conditions, aftercare, jurisdictions -------------------------------------------------------


class Condition(Cited):
    id: Id
    name: Text
    muscles: Ids = ()
    regions: Ids = ()
    instruments: Ids = Field(min_length=1)
    techniques: Ids = ()
    # ICD-10-CM codes a diagnosis of this condition may carry, most usual first (the codes are
    # checked against the shipped code set by tests/clinical/test_icd10.py).
    icd10: Annotated[
        tuple[Annotated[str, StringConstraints(pattern=ICD10_PATTERN)], ...],
        BeforeValidator(_as_tuple),
    ] = ()
    note: str = ""


class AppliesWhen(StrEnum):
    ALWAYS = "always"
    FIRST_SESSION = "first_session"
    HEAD_NECK = "head_neck"
    THORAX = "thorax"
    SPINAL = "spinal"
    ELECTRICAL = "electrical"
    DROWSINESS_OR_FAINTING = "drowsiness_or_fainting"
    ANTICOAGULANT = "anticoagulant"


class AftercareKind(StrEnum):
    ADVICE = "advice"
    RED_FLAG = "red_flag"


class Urgency(StrEnum):
    EMERGENCY = "emergency"  # call emergency services
    URGENT = "urgent"  # same-day medical assessment
    CONTACT_CLINIC = "contact_clinic"


class AftercareItem(Cited):
    id: Id
    kind: AftercareKind
    applies_when: tuple[AppliesWhen, ...] = Field(min_length=1)
    text: PatientText
    urgency: Urgency | None = None
    action: PatientText | Literal[""] = ""

    @model_validator(mode="after")
    def _red_flags_say_what_to_do(self) -> AftercareItem:
        is_flag = self.kind is AftercareKind.RED_FLAG
        if is_flag != (self.urgency is not None) or is_flag != bool(self.action):
            raise ValueError("a red flag needs urgency and action; advice has neither")
        return self


class Status(StrEnum):
    PERMITTED = "permitted"
    NOT_PERMITTED = "not_permitted"
    SILENT = "silent"


class JurisdictionRule(Cited):
    profession: Id
    status: Status
    training_hours: int | None = None
    in_person_hours: int | None = None
    supervised_sessions: int | None = None
    years_licensed: int | None = None
    written_consent: bool | None = None
    report_adverse_events_days: int | None = None
    requirement: str = ""
    effective_from: dt.date | None = None  # None: in force before any date we know of
    effective_to: dt.date | None = None
    date_basis: Text  # how the dates were set (enacted, or the source's snapshot date)

    def in_force_on(self, day: dt.date) -> bool:
        starts = self.effective_from is None or self.effective_from <= day
        return starts and (self.effective_to is None or day < self.effective_to)


class Jurisdiction(Frozen):
    id: Id
    name: Text
    country: Text
    code: Text
    default: bool = False  # applies to the country's jurisdictions without their own entry
    rules: tuple[JurisdictionRule, ...] = Field(min_length=1)

    def rule_on(self, profession: str, day: dt.date) -> JurisdictionRule | None:
        for rule in self.rules:
            if rule.profession == profession and rule.in_force_on(day):
                return rule
        return None


class Profession(Cited):
    id: Id
    name: Text
