"""Booking, moving, cancelling and attending appointments."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.charting.classify import session_classify
from taut.charting.models import SessionStatus, TreatmentSession
from taut.charting.services import session_start
from taut.clinical import scheduling as core
from taut.clinics.models import Location, Membership
from taut.common.refusals import Refused
from taut.consent.models import ConsentKind
from taut.consent.selectors import consent_standing
from taut.patients.models import Patient
from taut.scheduling import notices
from taut.scheduling.availability import core_policy, core_type, policy_for, slot_is_free
from taut.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingChannel,
    CarePlan,
    Resource,
)
from taut.scheduling.models.appointments import HOLDING
from taut.scheduling.resources import TAKEN_MEANWHILE, ResourceUnavailable, booking_resources
from taut.scheduling.selectors import care_plan_active
from taut.scheduling.tasks import offer_freed_time

EVALUATIONS = (
    core.AppointmentKind.INITIAL_EVALUATION,
    core.AppointmentKind.COMBINED,
    core.AppointmentKind.FOLLOW_UP,
)


class BookingRefused(Refused):
    """The booking (or change) may not be made; `reasons` says every why, in plain words."""


def _audit(
    request: HttpRequest | None, actor: Any, appointment: Appointment, action: Action, **detail: Any
) -> None:
    audit_record(
        request=request,
        actor=actor,
        clinic=appointment.clinic,
        action=action,
        object_type="appointment",
        object_id=str(appointment.public_id),
        detail={"patient": str(appointment.patient.public_id), **detail},
    )


def patient_is_established(patient: Patient) -> bool:
    """Has the patient been seen here: an attended evaluation or a signed treatment note?"""
    attended = Appointment.objects.for_clinic(patient.clinic_id).filter(
        patient=patient,
        status=AppointmentStatus.COMPLETED,
        appointment_type__kind__in=[k.value for k in EVALUATIONS],
    )
    signed = TreatmentSession.objects.for_clinic(patient.clinic_id).filter(
        patient=patient, status=SessionStatus.SIGNED
    )
    return attended.exists() or signed.exists()


def _patient_clash(patient: Patient, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    return (
        Appointment.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, status__in=HOLDING, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exists()
    )


def _refusals(
    *,
    patient: Patient,
    appointment_type: AppointmentType,
    practitioner: Any,
    location: Location,
    starts_at: dt.datetime,
    now: dt.datetime,
    min_notice_minutes: int,
) -> list[str]:
    clinic = patient.clinic
    if patient.archived_at is not None:
        return ["This patient's record is archived; restore it before booking."]
    if not Membership.objects.filter(clinic=clinic, user=practitioner).exists():
        return ["The practitioner does not work at this clinic."]
    free = slot_is_free(
        clinic=clinic,
        appointment_type=appointment_type,
        practitioner=practitioner,
        location=location,
        starts_at=starts_at,
        now=now,
        min_notice_minutes=min_notice_minutes,
    )
    reasons = list(
        core.booking_refusals(
            appointment_type=core_type(appointment_type),
            patient_established=patient_is_established(patient),
            consent_current=consent_standing(patient=patient, kind=ConsentKind.GENERAL).valid,
            slot_is_free=free,
        )
    )
    ends_at = starts_at + dt.timedelta(minutes=appointment_type.minutes)
    if _patient_clash(patient, starts_at, ends_at):
        reasons.append("The patient already has an appointment at that time.")
    return reasons


@transaction.atomic
def appointment_book(
    *,
    request: HttpRequest | None,
    actor: Any,
    patient: Patient,
    appointment_type: AppointmentType,
    practitioner: Any,
    location: Location,
    starts_at: dt.datetime,
    channel: BookingChannel,
    now: dt.datetime,
    note: str = "",
    care_plan: CarePlan | None = None,
    rescheduled_from: Appointment | None = None,
    room: Resource | None = None,
    device: Resource | None = None,
    minutes: int | None = None,
) -> Appointment:
    """Book a visit. The type's room and device needs are met with the chosen `room`/`device`
    or free ones at the location; `minutes` lengthens or shortens this one visit (the
    calendar's resize) within what its kind allows."""
    clinic = patient.clinic
    appointment_type = _with_length(appointment_type, minutes)
    policy = policy_for(clinic)
    notice = policy.min_notice_minutes if channel == BookingChannel.ONLINE else 0
    reasons = _refusals(
        patient=patient,
        appointment_type=appointment_type,
        practitioner=practitioner,
        location=location,
        starts_at=starts_at,
        now=now,
        min_notice_minutes=notice,
    )
    if reasons:
        raise BookingRefused(reasons)
    kind = core_type(appointment_type)
    try:
        room, device = booking_resources(
            clinic=clinic,
            appointment_type=appointment_type,
            location=location,
            starts_at=starts_at,
            blocked_until=starts_at + kind.blocked,
            room=room,
            device=device,
            moved_from=rescheduled_from,
        )
    except ResourceUnavailable as refusal:
        raise BookingRefused(refusal.reasons, fields=refusal.fields) from refusal
    try:
        with transaction.atomic():  # a savepoint, so the guard's refusal leaves nothing behind
            appointment = Appointment.objects.create(
                clinic=clinic,
                patient=patient,
                practitioner=practitioner,
                location=location,
                appointment_type=appointment_type,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=kind.minutes),
                blocked_until=starts_at + kind.blocked,
                channel=channel,
                booked_by=actor,
                note=note,
                care_plan=care_plan,
                rescheduled_from=rescheduled_from,
                room=room,
                device=device,
            )
    except IntegrityError as error:
        if "appointment_no_double_booking" in str(error):
            raise BookingRefused(
                ["The chosen time was booked a moment ago by someone else; please pick another."]
            ) from error
        for guard, (field, reason) in TAKEN_MEANWHILE.items():
            if guard in str(error):
                raise BookingRefused([reason], fields={field: reason}) from error
        raise
    _audit(request, actor, appointment, Action.CREATE, channel=channel, start=starts_at.isoformat())
    notices.notify_booked(appointment, now=now, reminder_hours=policy.reminder_hours)
    return appointment


def _with_length(appointment_type: AppointmentType, minutes: int | None) -> AppointmentType:
    """The type as this one visit is booked: its own length unless `minutes` says otherwise."""
    if minutes is None or minutes == appointment_type.minutes:
        return appointment_type
    resized = copy.copy(appointment_type)  # never saved: the type itself keeps its length
    resized.minutes = minutes
    try:
        core_type(resized)
    except core.SchedulingError as error:
        raise BookingRefused([f"Length: {error.reason}."], fields={"end": error.reason}) from error
    return resized


def _must_be_booked(appointment: Appointment, doing: str) -> None:
    if appointment.status != AppointmentStatus.BOOKED:
        status = appointment.get_status_display().lower()
        raise BookingRefused([f"Only a booked appointment can be {doing}; this one is {status}."])


@transaction.atomic
def appointment_cancel(
    *,
    request: HttpRequest | None,
    actor: Any,
    appointment: Appointment,
    reason: str,
    now: dt.datetime,
    waive_fee: bool = False,
) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _must_be_booked(appointment, "cancelled")
    if not reason.strip():
        raise BookingRefused(["Say why the appointment is cancelled."])
    if "\x00" in reason or len(reason) > 300:
        raise BookingRefused(["Reason: keep it under 300 ordinary characters."])
    policy = core_policy(policy_for(appointment.clinic))
    outcome = core.classify_cancellation(
        appointment_start=appointment.starts_at,
        cancelled_at=now,
        arrived=False,
        as_of=now,
        policy=policy,
    )
    fee = None if waive_fee else policy.fee_for(outcome)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = actor
    appointment.cancellation_reason = reason.strip()
    appointment.cancellation_class = str(outcome or "")
    appointment.fee = fee
    appointment.save()
    _audit(request, actor, appointment, Action.UPDATE, status="cancelled", classed=str(outcome))
    fee_note = f"A late-cancellation fee of {fee} applies under the clinic's policy." if fee else ""
    notices.notify_cancelled(appointment, fee_note=fee_note)
    offer_freed_time.enqueue(appointment.pk)  # commits with the cancellation
    return appointment


@transaction.atomic
def appointment_reschedule(
    *,
    request: HttpRequest | None,
    actor: Any,
    appointment: Appointment,
    starts_at: dt.datetime,
    practitioner: Any,
    location: Location,
    channel: BookingChannel,
    now: dt.datetime,
    room: Resource | None = None,
    device: Resource | None = None,
    minutes: int | None = None,
) -> Appointment:
    """Move a booking: the old one is cancelled (no fee: the patient is still coming) and a new
    one booked, linked to it, keeping its room and device when they are free at the new time.
    If the new time is refused, nothing changes."""
    old = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _must_be_booked(old, "moved")
    old.status = AppointmentStatus.CANCELLED
    old.cancelled_at = now
    old.cancelled_by = actor
    old.cancellation_reason = "Rescheduled"
    old.save()
    notices.withdraw_reminders(old)
    new = appointment_book(
        request=request,
        actor=actor,
        patient=old.patient,
        appointment_type=old.appointment_type,
        practitioner=practitioner,
        location=location,
        starts_at=starts_at,
        channel=channel,
        now=now,
        note=old.note,
        care_plan=old.care_plan,
        rescheduled_from=old,
        room=room,
        device=device,
        minutes=minutes,
    )
    _audit(request, actor, old, Action.UPDATE, status="rescheduled", to=str(new.public_id))
    for series in old.series.all():
        series.appointments.add(new)
    offer_freed_time.enqueue(old.pk)
    return new


@transaction.atomic
def appointment_mark_arrived(
    *, request: HttpRequest | None, actor: Any, appointment: Appointment
) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _must_be_booked(appointment, "marked as arrived")
    appointment.status = AppointmentStatus.ARRIVED
    appointment.save(update_fields=["status"])
    _audit(request, actor, appointment, Action.UPDATE, status="arrived")
    return appointment


@transaction.atomic
def appointment_mark_no_show(
    *, request: HttpRequest | None, actor: Any, appointment: Appointment, now: dt.datetime
) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _must_be_booked(appointment, "recorded as missed")
    policy = core_policy(policy_for(appointment.clinic))
    outcome = core.classify_cancellation(
        appointment_start=appointment.starts_at,
        cancelled_at=None,
        arrived=False,
        as_of=now,
        policy=policy,
    )
    if outcome != core.CancellationClass.NO_SHOW:
        raise BookingRefused(["A visit can be recorded as missed only once its start has passed."])
    appointment.status = AppointmentStatus.NO_SHOW
    appointment.cancellation_class = str(outcome)
    appointment.fee = policy.fee_for(outcome)
    appointment.save(update_fields=["status", "cancellation_class", "fee"])
    notices.withdraw_reminders(appointment)
    _audit(request, actor, appointment, Action.UPDATE, status="no_show")
    return appointment


@transaction.atomic
def appointment_start_session(
    *, request: HttpRequest | None, membership: Membership, appointment: Appointment, today: dt.date
) -> TreatmentSession:
    """Open the treatment note for this visit (the screening and consent gate applies)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.session_id is not None:
        assert appointment.session is not None  # noqa: S101
        return appointment.session
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED):
        raise BookingRefused(["This appointment was cancelled or missed; book a new one."])
    session = session_start(
        request=request, membership=membership, patient=appointment.patient, today=today
    )
    # Where the visit happened and what the course treats feed the dashboard's groups.
    plan = appointment.care_plan or care_plan_active(patient=appointment.patient)
    session = session_classify(
        request=request,
        actor=membership.user,
        session=session,
        condition=plan.conditions[0] if plan is not None and plan.conditions else None,
        location=appointment.location,
    )
    appointment.session = session
    appointment.status = AppointmentStatus.COMPLETED
    appointment.save(update_fields=["session", "status"])
    _audit(request, membership.user, appointment, Action.UPDATE, status="attended")
    return appointment.session
