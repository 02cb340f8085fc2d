"""Which fee applies: pure rules over fee rows, no database.

A fee names what it prices (an appointment type, or a billing code such as CPT 20560), and may be
narrowed to one location and/or one practitioner, between effective dates. For a date of service
the most specific fee in effect wins: practitioner and location > practitioner > location > the
clinic-wide fee; among equally specific fees the one that took effect last wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FeeRow:
    amount_minor: int
    effective_from: date
    effective_to: date | None = None
    appointment_type_id: int | None = None
    code: str = ""
    location_id: int | None = None
    practitioner_id: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class Service:
    """What was delivered, where, by whom, when: exactly one of appointment type or code."""

    on: date
    appointment_type_id: int | None = None
    code: str = ""
    location_id: int | None = None
    practitioner_id: int | None = None


def _prices(fee: FeeRow, service: Service) -> bool:
    if service.code:
        return fee.code == service.code
    return fee.appointment_type_id is not None and (
        fee.appointment_type_id == service.appointment_type_id
    )


def _applies(fee: FeeRow, service: Service) -> bool:
    in_effect = fee.effective_from <= service.on and (
        fee.effective_to is None or service.on <= fee.effective_to
    )
    return (
        in_effect
        and _prices(fee, service)
        and fee.location_id in (None, service.location_id)
        and fee.practitioner_id in (None, service.practitioner_id)
    )


def _specificity(fee: FeeRow) -> tuple[bool, bool, date]:
    return (fee.practitioner_id is not None, fee.location_id is not None, fee.effective_from)


def resolve_fee(fees: Iterable[FeeRow], service: Service) -> FeeRow | None:
    """The fee for this service, or None when the clinic has set none that applies."""
    candidates = [fee for fee in fees if _applies(fee, service)]
    return max(candidates, key=_specificity, default=None)
