"""Late-cancellation and missed-visit fees, as the booking policy set them on the appointment.

Scheduling decides whether a fee applies (its policy, stored on the appointment as `fee`, in the
clinic's currency); billing charges it once per appointment, or waives it with a reason. A waiver
after the charge is a reversal of it, so the ledger shows both, with who and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.billing.ledger import append
from taut.billing.models import EntryKind, LedgerEntry
from taut.billing.money import check_amount, to_minor
from taut.billing.selectors import billing_settings_for
from taut.common.context import AuditContext
from taut.common.refusals import Invalid, Refused
from taut.scheduling.models import Appointment
from taut.scheduling.models.appointments import LATE_CLASSES


def _charge_key(appointment: Appointment) -> str:
    return f"late-fee:{appointment.public_id}"


def _memo(appointment: Appointment) -> str:
    what = (
        "Missed-visit fee"
        if appointment.cancellation_class == "no_show"
        else "Late-cancellation fee"
    )
    day = appointment.starts_at.astimezone(appointment.zone)
    return f"{what}: {appointment.appointment_type.name}, {day:%d %b %Y %H:%M}"


def _charge_of(appointment: Appointment) -> LedgerEntry | None:
    return (
        LedgerEntry.objects.for_clinic(appointment.clinic_id)
        .filter(idempotency_key=_charge_key(appointment))
        .first()
    )


@dataclass(frozen=True)
class LateFee:
    appointment: Appointment
    amount_minor: int
    state: str  # "due", "charged" or "waived"


def late_fees_of(patient: Any) -> list[LateFee]:
    currency = billing_settings_for(patient.clinic).currency
    appointments = (
        Appointment.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, cancellation_class__in=LATE_CLASSES, fee__gt=0)
        .select_related("appointment_type", "location", "clinic")
    )
    fees = []
    for appointment in appointments:
        charge = _charge_of(appointment)
        state = "due"
        if charge is not None:
            state = "waived" if LedgerEntry.objects.filter(reverses=charge).exists() else "charged"
        fees.append(LateFee(appointment, to_minor(appointment.fee, currency), state))
    return fees


def _due_amount(appointment: Appointment) -> int:
    if appointment.cancellation_class not in LATE_CLASSES or not appointment.fee:
        raise Refused("No late fee applies to this appointment under the clinic's policy.")
    amount = to_minor(appointment.fee, billing_settings_for(appointment.clinic).currency)
    check_amount(amount, field="fee")
    return amount


@transaction.atomic
def late_fee_charge(*, ctx: AuditContext, appointment: Appointment) -> LedgerEntry:
    """Charge the policy's fee to the patient; charging twice is a no-op."""
    amount = _due_amount(appointment)
    entry, created = append(
        clinic=appointment.clinic,
        patient=appointment.patient,
        kind=EntryKind.CHARGE,
        amount_minor=amount,
        currency=billing_settings_for(appointment.clinic).currency,
        key=_charge_key(appointment),
        memo=_memo(appointment),
        recorded_by=ctx.actor,
        practitioner_id=appointment.practitioner_id,
    )
    if created:
        audit_record(
            ctx=ctx,
            clinic=appointment.clinic,
            action=Action.CREATE,
            object_type="late_fee",
            object_id=str(appointment.public_id),
            detail={"amount_minor": amount},
        )
    return entry


@transaction.atomic
def late_fee_waive(*, ctx: AuditContext, appointment: Appointment, reason: str) -> LedgerEntry:
    """Waive the fee with a reason: the charge (made now if it was not yet) is reversed."""
    reason = reason.strip()
    if not reason:
        raise Invalid("Say why the fee is waived.", fields={"reason": "required"})
    charge = late_fee_charge(ctx=ctx, appointment=appointment)
    reversal, created = append(
        clinic=charge.clinic,
        patient=charge.patient,
        kind=EntryKind.REVERSAL,
        amount_minor=-charge.amount_minor,
        currency=charge.currency,
        key=f"waive:{appointment.public_id}",
        reverses=charge,
        memo=f"Fee waived: {reason}"[:300],
        recorded_by=ctx.actor,
        practitioner_id=charge.practitioner_id,
    )
    if created:
        audit_record(
            ctx=ctx,
            clinic=appointment.clinic,
            action=Action.UPDATE,
            object_type="late_fee",
            object_id=str(appointment.public_id),
            detail={"waived": reason[:100]},
        )
    return reversal
