"""A patient moves their own visit in the portal, inside the clinic's policy.

The same appointment type, a free time from the same slot search, at least the online booking
notice ahead. Moving inside the cancellation notice period counts as a late change: the late fee
(if the clinic charges one) is recorded on the visit given up, and shown before the patient
confirms (`move_terms`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinical import scheduling as core
from taut.clinics.models import Location
from taut.scheduling.availability import core_policy, policy_for
from taut.scheduling.models import Appointment, AppointmentStatus, BookingChannel
from taut.scheduling.services.booking import BookingRefused, appointment_reschedule


@dataclass(frozen=True)
class MoveTerms:
    """What moving this visit now costs, under the clinic's cancellation policy."""

    notice_hours: int
    late: bool
    fee: Decimal | None


def move_terms(*, appointment: Appointment, now: dt.datetime) -> MoveTerms:
    policy = core_policy(policy_for(appointment.clinic))
    outcome = core.classify_cancellation(
        appointment_start=appointment.starts_at,
        cancelled_at=now,
        arrived=False,
        as_of=now,
        policy=policy,
    )
    late = outcome == core.CancellationClass.LATE
    return MoveTerms(policy.notice_hours, late, policy.fee_for(outcome) if late else None)


def _move_refusals(old: Appointment, starts_at: dt.datetime, now: dt.datetime) -> list[str]:
    policy = policy_for(old.clinic)
    if not policy.online_booking:
        return ["This clinic does not take changes online; please call to move your visit."]
    if old.starts_at <= now:
        return ["This visit has already started; please call the clinic."]
    if starts_at > now + dt.timedelta(days=policy.days_ahead):
        return [f"Choose a time within the next {policy.days_ahead} days."]
    return []


@transaction.atomic
def appointment_move_by_patient(
    *,
    request: HttpRequest | None,
    actor: Any,
    appointment: Appointment,
    starts_at: dt.datetime,
    practitioner: Any,
    location: Location,
    now: dt.datetime,
) -> Appointment:
    """Move the patient's visit to a free time of the same type; a late move keeps its fee."""
    old = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if old.status != AppointmentStatus.BOOKED:
        raise BookingRefused(["Only a booked appointment can be moved."])
    reasons = _move_refusals(old, starts_at, now)
    if reasons:
        raise BookingRefused(reasons)
    terms = move_terms(appointment=old, now=now)
    new = appointment_reschedule(
        request=request,
        actor=actor,
        appointment=old,
        starts_at=starts_at,
        practitioner=practitioner,
        location=location,
        channel=BookingChannel.ONLINE,
        now=now,
    )
    if terms.late:
        Appointment.objects.filter(pk=old.pk).update(
            cancellation_class=str(core.CancellationClass.LATE), fee=terms.fee
        )
    audit_record(
        request=request,
        actor=actor,
        clinic=old.clinic,
        action=Action.UPDATE,
        object_type="appointment",
        object_id=str(old.public_id),
        detail={
            "patient": str(old.patient.public_id),
            "status": "moved_by_patient",
            "to": str(new.public_id),
            "late": terms.late,
            "fee": str(terms.fee) if terms.fee is not None else "",
        },
    )
    return new
