"""May this practitioner dry-needle here today? Licence, training and scope of practice.

The rules come from jurisdictions.toml. Pure: callers pass the practitioner's credentials, the
clinic's jurisdiction code (``US-CO``) and the day. Every reason against is returned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from taut.clinical.knowledge import Knowledge, UnknownIdError, load_knowledge
from taut.clinical.practice import JurisdictionRule, Status


@dataclass(frozen=True)
class Credentials:
    profession: str
    licence_number: str
    licence_expires: dt.date | None
    training_hours: int | None
    licensed_since: dt.date | None = None


@dataclass(frozen=True)
class CredentialDecision:
    allowed: bool
    reasons: tuple[str, ...]
    rule: JurisdictionRule | None
    confirm_notice: str


def _years_between(start: dt.date, day: dt.date) -> int:
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))


def _rule_reasons(rule: JurisdictionRule, who: Credentials, day: dt.date, place: str) -> list[str]:
    reasons = []
    if rule.status is Status.NOT_PERMITTED:
        reasons.append(f"{place} does not permit dry needling by this profession.")
    if rule.training_hours and (who.training_hours or 0) < rule.training_hours:
        reasons.append(
            f"{place} requires {rule.training_hours} hours of dry-needling training; "
            f"{who.training_hours or 0} are recorded."
        )
    if rule.years_licensed:
        if who.licensed_since is None:
            reasons.append(
                f"{place} requires {rule.years_licensed} years of licensed practice; "
                "the date of first licence is not recorded."
            )
        elif _years_between(who.licensed_since, day) < rule.years_licensed:
            reasons.append(f"{place} requires {rule.years_licensed} years of licensed practice.")
    return reasons


def needling_credentials(
    who: Credentials, *, jurisdiction: str, day: dt.date, knowledge: Knowledge | None = None
) -> CredentialDecision:
    knowledge = knowledge or load_knowledge()
    notice = knowledge.confirm_notice
    reasons: list[str] = []
    if not who.licence_number.strip():
        reasons.append("No licence number is recorded.")
    if who.licence_expires is None:
        reasons.append("The licence's expiry date is not recorded.")
    elif who.licence_expires < day:
        reasons.append(f"The licence expired on {who.licence_expires.isoformat()}.")
    country, _, code = jurisdiction.partition("-")
    try:
        entry = knowledge.jurisdiction_for(country, code)
    except UnknownIdError:
        reasons.append(f"No scope-of-practice rules are recorded for {jurisdiction}.")
        return CredentialDecision(False, tuple(reasons), None, notice)
    rule = entry.rule_on(who.profession, day)
    if rule is None:
        reasons.append(f"No rule for this profession is recorded for {entry.name}.")
    else:
        reasons.extend(_rule_reasons(rule, who, day, entry.name))
    return CredentialDecision(not reasons, tuple(reasons), rule, notice)
