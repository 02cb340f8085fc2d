"""The treatment gate: the one place that decides whether a needling session may start.

    decision = treatment_gate(
        as_of=now, screening=screening_view, consent=consent_view, planned_techniques=["deep"]
    )
    decision.allowed, [reason.code for reason in decision.reasons]

The Django layer maps its records into the small value objects below (ScreeningRecordView,
ConsentView); the gate reads nothing else and has no clock. It returns every reason that stands in
the way, not only the first, so the clinician can clear them all in one pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from taut.clinical.consent_rules import ConsentStatus, needs_own_consent
from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinical.screening import Screening
from taut.clinical.wording import plural


class GateCode(StrEnum):
    NO_SCREENING = "no_screening"
    SCREENING_STALE = "screening_stale"
    INTAKE_CHANGED = "intake_changed"
    CONTRAINDICATED = "contraindicated"
    PRECAUTIONS_UNACKNOWLEDGED = "precautions_unacknowledged"
    TECHNIQUE_REFUSED = "technique_refused"
    NO_CONSENT = "no_consent"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    CONSENT_OUTDATED = "consent_outdated"
    TECHNIQUE_NOT_CONSENTED = "technique_not_consented"


@dataclass(frozen=True)
class ScreeningRecordView:
    """The latest screening of the patient, as the gate needs it."""

    screened_on: dt.date  # the screening's as_of
    intake_version: int  # the intake version it was based on
    latest_intake_version: int  # the patient's latest intake version
    contraindicated: tuple[str, ...] = ()  # codes of contraindicated findings
    precautions: tuple[str, ...] = ()  # codes of precaution findings (unanswered:* included)
    acknowledged: frozenset[str] = frozenset()  # precaution codes the clinician acknowledged
    refused_techniques: tuple[str, ...] = ()  # technique ids refused by limit findings
    labels: tuple[tuple[str, str], ...] = ()  # (code, readable condition) for the messages

    def label(self, code: str) -> str:
        return dict(self.labels).get(code, code)

    @classmethod
    def of(
        cls,
        screening: Screening,
        *,
        intake_version: int,
        latest_intake_version: int,
        acknowledged: Iterable[str] = (),
    ) -> ScreeningRecordView:
        return cls(
            screened_on=screening.as_of,
            intake_version=intake_version,
            latest_intake_version=latest_intake_version,
            contraindicated=tuple(f.code for f in screening.contraindications),
            precautions=tuple(f.code for f in screening.precautions),
            acknowledged=frozenset(acknowledged),
            refused_techniques=screening.refused_techniques,
            labels=tuple((f.code, f.condition) for f in screening.findings),
        )

    @property
    def unacknowledged(self) -> tuple[str, ...]:
        return tuple(code for code in self.precautions if code not in self.acknowledged)


@dataclass(frozen=True)
class ConsentView:
    """The patient's current consent record."""

    status: ConsentStatus
    document_version: int  # the version of the consent document the patient signed
    required_version: int  # the oldest document version accepted without consenting again
    covers_electrical: bool = False  # a separate consent to electrical needling was given


@dataclass(frozen=True)
class GatePolicy:
    max_screening_age_days: int = 90
    electrical_needs_own_consent: bool = True


@dataclass(frozen=True)
class GateReason:
    code: GateCode
    message: str


@dataclass(frozen=True)
class GateDecision:
    allowed: bool
    reasons: tuple[GateReason, ...]

    @property
    def codes(self) -> tuple[GateCode, ...]:
        return tuple(reason.code for reason in self.reasons)


def treatment_gate(
    *,
    as_of: dt.datetime | dt.date,
    screening: ScreeningRecordView | None,
    consent: ConsentView | None,
    planned_techniques: Iterable[str],
    policy: GatePolicy = GatePolicy(),  # frozen, so a shared default is safe
) -> GateDecision:
    """May the session start? Every reason against it, in a stable order."""
    today = _day(as_of)
    planned = tuple(dict.fromkeys(planned_techniques))
    reasons = (
        *_screening_reasons(screening, today, planned, policy),
        *_consent_reasons(consent, planned, policy),
    )
    return GateDecision(allowed=not reasons, reasons=reasons)


def _day(as_of: dt.datetime | dt.date) -> dt.date:
    if not isinstance(as_of, dt.datetime):
        return as_of
    if as_of.tzinfo is None:
        raise ValueError("as_of must be an aware datetime (or a date in the clinic's time zone)")
    return as_of.date()


def _screening_reasons(
    screening: ScreeningRecordView | None,
    today: dt.date,
    planned: tuple[str, ...],
    policy: GatePolicy,
) -> list[GateReason]:
    if screening is None:
        return [GateReason(GateCode.NO_SCREENING, "No screening is recorded for this patient.")]
    reasons = _staleness(screening, today, policy)
    if screening.contraindicated:
        names = "; ".join(screening.label(code) for code in screening.contraindicated)
        message = f"Contraindicated: {_sentence(names)} No needling."
        reasons.append(GateReason(GateCode.CONTRAINDICATED, message))
    if screening.unacknowledged:
        names = "; ".join(screening.label(code) for code in screening.unacknowledged)
        message = (
            f"Precautions not acknowledged: {_sentence(names)} Acknowledge each before needling."
        )
        reasons.append(GateReason(GateCode.PRECAUTIONS_UNACKNOWLEDGED, message))
    refused = [technique for technique in planned if technique in screening.refused_techniques]
    if refused:
        names = ", ".join(_technique_name(technique) for technique in refused)
        message = f"The screening refuses the planned {plural(len(refused), 'technique')}: {names}."
        reasons.append(GateReason(GateCode.TECHNIQUE_REFUSED, message))
    return reasons


def _technique_name(technique: str) -> str:
    try:
        return load_knowledge().technique(technique).name
    except UnknownIdError:  # a technique the data no longer has: say it in words
        return technique.replace("_", " ")


def _staleness(
    screening: ScreeningRecordView, today: dt.date, policy: GatePolicy
) -> list[GateReason]:
    reasons = []
    age = (today - screening.screened_on).days
    screened = screening.screened_on.isoformat()
    if age < 0:
        message = f"The screening is dated {screened}, after this session ({today}); screen again."
        reasons.append(GateReason(GateCode.SCREENING_STALE, message))
    elif age > policy.max_screening_age_days:
        limit = policy.max_screening_age_days
        message = f"The screening of {screened} is {age} days old (limit {limit}); screen again."
        reasons.append(GateReason(GateCode.SCREENING_STALE, message))
    if screening.intake_version < screening.latest_intake_version:
        message = (
            f"The intake changed (version {screening.latest_intake_version}) after the screening "
            f"(based on version {screening.intake_version}); screen again."
        )
        reasons.append(GateReason(GateCode.INTAKE_CHANGED, message))
    return reasons


def _consent_reasons(
    consent: ConsentView | None, planned: tuple[str, ...], policy: GatePolicy
) -> list[GateReason]:
    if consent is None:
        return [GateReason(GateCode.NO_CONSENT, "No signed consent is on file.")]
    if consent.status is ConsentStatus.WITHDRAWN:
        return [GateReason(GateCode.CONSENT_WITHDRAWN, "The patient withdrew consent.")]
    reasons = []
    if consent.status is ConsentStatus.SUPERSEDED:
        message = (
            "The consent document changed in a way that requires the patient to consent again."
        )
        reasons.append(GateReason(GateCode.CONSENT_OUTDATED, message))
    elif consent.document_version < consent.required_version:
        message = (
            f"The consent was signed for document version {consent.document_version}; "
            f"version {consent.required_version} or later is required: consent again."
        )
        reasons.append(GateReason(GateCode.CONSENT_OUTDATED, message))
    if (
        any(
            needs_own_consent(t, separate_electrical=policy.electrical_needs_own_consent)
            for t in planned
        )
        and not consent.covers_electrical
    ):
        message = (
            "Electrical needling is planned but the patient has not consented to it separately."
        )
        reasons.append(GateReason(GateCode.TECHNIQUE_NOT_CONSENTED, message))
    return reasons


def _sentence(text: str) -> str:
    """The text ended with a full stop, unless it already ends a sentence (a question's text)."""
    return text if text.endswith((".", "?", "!")) else f"{text}."
