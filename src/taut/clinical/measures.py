"""Outcome instruments and adverse-event reference data."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from taut.clinical.records import Cited, Direction, Frozen, Id, Ids, PatientText, Text


class InstrumentKind(StrEnum):
    QUESTIONNAIRE = "questionnaire"
    RATING = "rating"  # one number the patient gives (NPRS, VAS, GROC)
    MEASUREMENT = "measurement"  # taken by the clinician (PPT, ROM)


class Method(StrEnum):
    SUM = "sum"
    PERCENT_OF_ANSWERED = "percent_of_answered"  # sum / (item max x answered) x 100
    DASH = "dash"  # ((sum / answered) - 1) x 25
    MEAN = "mean"
    SINGLE = "single"
    MEAN_OF_READINGS = "mean_of_readings"


class Scoring(Cited):
    method: Method
    max_missing: int = Field(ge=0)
    note: Text


class McidUnit(StrEnum):
    POINTS = "points"  # on the instrument's own scale
    PERCENT_CHANGE = "percent_change"  # relative to the baseline score


class Context(StrEnum):
    WITHIN_PERSON = "within_person"
    BETWEEN_GROUPS = "between_groups"


class Mcid(Cited):
    """A minimal clinically important change, as a magnitude of improvement."""

    value: float = Field(gt=0)
    value_max: float | None = None
    unit: McidUnit = McidUnit.POINTS
    context: Context = Context.WITHIN_PERSON
    population: Text
    # The conditions.toml ids whose patients match the population the MCID was measured in;
    # empty when it matches none of them (then it is only ever a fallback).
    conditions: Ids = ()
    note: str = ""


class Band(Cited):
    label: Text
    min: float
    max: float


class Threshold(Cited):
    label: Text
    value: float
    note: str = ""


class Item(Frozen):
    label: Text
    values: tuple[int, ...] = Field(min_length=2)  # the points each response scores


class Instrument(Cited):
    id: Id
    name: Text
    abbreviation: Text
    kind: InstrumentKind
    unit: Text
    min: float
    max: float
    direction: Direction
    item_count: int | None = Field(default=None, ge=1)
    min_items: int | None = Field(default=None, ge=1)
    max_items: int | None = Field(default=None, ge=1)
    response_min: float | None = None
    response_max: float | None = None
    response_values: tuple[int, ...] = ()
    items: tuple[Item, ...] = ()
    scoring: Scoring
    mcids: tuple[Mcid, ...] = ()
    bands: tuple[Band, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        if self.min >= self.max:
            raise ValueError(f"min {self.min} must be below max {self.max}")
        codings = [
            self.response_min is not None or self.response_max is not None,
            bool(self.response_values),
            bool(self.items),
        ]
        if sum(codings) > 1:
            raise ValueError("give one response coding: a range, response_values or items")
        if self.items and self.item_count != len(self.items):
            raise ValueError(f"item_count {self.item_count} but {len(self.items)} items listed")
        if self.kind is InstrumentKind.QUESTIONNAIRE and not any(codings):
            raise ValueError("a questionnaire needs its item response coding")
        return self

    def item_values(self, index: int) -> tuple[int, ...] | None:
        """Allowed coded responses of item ``index`` (0-based) when they are a fixed set."""
        if self.items:
            return self.items[index].values
        return self.response_values or None


class Severity(StrEnum):
    MILD = "mild"
    SIGNIFICANT = "significant"
    SERIOUS = "serious"


class SeverityDefinition(Cited):
    id: Severity
    definition: Text


class SeverityScheme(Cited):
    id: Id
    classes: Text
    note: str = ""


class ConsentGroup(StrEnum):
    """Where a consent's plain-language summary lists an event."""

    COMMON = "common"
    SERIOUS = "serious"


class AdverseEvent(Cited):
    id: Id
    label: Text
    typical_severity: Severity
    aggregate: bool = False  # a "rate of any ..." bucket for reference rates, not a loggable event
    description: str = ""  # for clinicians
    patient_text: PatientText | None = None  # the event as a patient reads it
    consent_summary: ConsentGroup | None = None

    @model_validator(mode="after")
    def _summary_in_patient_words(self) -> AdverseEvent:
        if self.consent_summary is not None and self.patient_text is None:
            raise ValueError("an event in the consent summary needs its patient_text")
        return self


class Denominator(StrEnum):
    TREATMENTS = "treatments"
    CONSULTATIONS = "consultations"
    PATIENTS = "patients"


class ReferenceRate(Cited):
    id: Id
    event: Id
    numerator: int = Field(ge=0)
    denominator: int = Field(gt=0)
    per: Denominator
    reported: Text  # what the paper itself gave, e.g. "4.65%" or "6 events"
    numerator_computed: bool  # true when we derived the count from a reported percentage
    approximate: bool = False
    note: str = ""  # for clinicians: how the figure was read or derived
    patient_text: PatientText | None = None  # what a patient should know beside the figure

    @model_validator(mode="after")
    def _count_fits(self) -> ReferenceRate:
        if self.numerator > self.denominator:
            raise ValueError("numerator exceeds denominator")
        return self

    @property
    def rate(self) -> float:
        return self.numerator / self.denominator


class QuotedFigure(Cited):
    id: Id
    event: Id
    claim: Text
    closest_published: Text
    verdict: Text  # for clinicians, with the brief's evidence marks
    patient_text: PatientText  # the verdict in words a patient reads beside the claim
