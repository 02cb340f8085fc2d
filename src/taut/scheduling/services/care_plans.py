"""Care plans: writing one, closing it, and booking the follow-ups it proposes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinical import scheduling as core
from taut.clinics.models import Location
from taut.patients.models import Patient
from taut.scheduling.availability import free_slots_for
from taut.scheduling.models import (
    Appointment,
    AppointmentType,
    BookingChannel,
    CarePlan,
    CarePlanStatus,
    WorkingHours,
)
from taut.scheduling.services.booking import BookingRefused, appointment_book


def _audit(
    request: HttpRequest | None, actor: Any, plan: CarePlan, action: Action, **detail: Any
) -> None:
    audit_record(
        request=request,
        actor=actor,
        clinic=plan.clinic,
        action=action,
        object_type="care_plan",
        object_id=str(plan.public_id),
        detail={"patient": str(plan.patient.public_id), **detail},
    )


@transaction.atomic
def care_plan_create(
    *, request: HttpRequest | None, actor: Any, patient: Patient, plan: CarePlan
) -> CarePlan:
    """Save a new plan; an active plan the patient already has is completed by it."""
    plan.clinic = patient.clinic
    plan.patient = patient
    plan.author = actor
    if not plan.reassess_at:
        plan.reassess_at = [plan.planned_sessions]
    current = CarePlan.objects.for_clinic(patient.clinic).filter(
        patient=patient, status=CarePlanStatus.ACTIVE
    )
    for old in current:
        old.status = CarePlanStatus.COMPLETED
        old.ended_at = clock.now()
        old.end_note = "Replaced by a new plan."
        old.save()
        _audit(request, actor, old, Action.UPDATE, status="replaced")
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as error:
        raise BookingRefused(["The patient already has an active care plan."]) from error
    _audit(request, actor, plan, Action.CREATE, planned=plan.planned_sessions)
    return plan


@transaction.atomic
def care_plan_close(
    *, request: HttpRequest | None, actor: Any, plan: CarePlan, status: CarePlanStatus, note: str
) -> CarePlan:
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != CarePlanStatus.ACTIVE:
        raise BookingRefused(["This care plan is already closed."])
    if status == CarePlanStatus.ACTIVE:
        raise BookingRefused(["Choose how the plan ends: discharged or discontinued."])
    if not note.strip():
        raise BookingRefused(["Note: say why the plan ends (for example, goals met)."])
    if "\x00" in note or len(note) > 2000:
        raise BookingRefused(["Note: keep it under 2,000 ordinary characters."])
    plan.status = status
    plan.ended_at = clock.now()
    plan.end_note = note.strip()
    plan.save()
    _audit(request, actor, plan, Action.UPDATE, status=str(status))
    return plan


@dataclass(frozen=True)
class FollowUpResult:
    aimed_at: dt.datetime
    appointment: Appointment | None
    reason: str


def _hours(plan: CarePlan, practitioner: Any) -> list[core.WorkingHours]:
    rows = WorkingHours.objects.for_clinic(plan.clinic).filter(practitioner=practitioner)
    return [core.WorkingHours(h.weekday, h.start, h.end, str(h.location_id)) for h in rows]


@transaction.atomic
def care_plan_book_follow_ups(
    *,
    request: HttpRequest | None,
    actor: Any,
    plan: CarePlan,
    practitioner: Any,
    appointment_type: AppointmentType,
    first: dt.datetime,
    sessions: int,
    now: dt.datetime,
) -> list[FollowUpResult]:
    """Book `sessions` visits after `first` on the plan's rhythm: each at the first free time on
    the proposed day, at or after the proposed time. A day with no room is reported, not moved."""
    if plan.status != CarePlanStatus.ACTIVE:
        raise BookingRefused(["Follow-ups are booked for an active care plan only."])
    try:
        proposals = core.propose_follow_ups(
            first=first,
            sessions=sessions,
            per_week=plan.per_week,
            zone=plan.clinic.zone,
            hours=_hours(plan, practitioner),
        )
    except core.SchedulingError as error:
        raise BookingRefused(
            [f"{error.field.replace('_', ' ').capitalize()}: {error.reason}."]
        ) from error
    locations = {loc.pk: loc for loc in Location.objects.for_clinic(plan.clinic)}
    results: list[FollowUpResult] = []
    for aimed in proposals:
        free = [
            f
            for f in free_slots_for(
                clinic=plan.clinic,
                appointment_type=appointment_type,
                day=aimed.astimezone(plan.clinic.zone).date(),
                now=now,
                practitioners=[practitioner],
            )
            if f.slot.start >= aimed
        ]
        if not free:
            results.append(FollowUpResult(aimed, None, "no free time that day"))
            continue
        try:
            appointment = appointment_book(
                request=request,
                actor=actor,
                patient=plan.patient,
                appointment_type=appointment_type,
                practitioner=practitioner,
                location=locations[free[0].location.pk],
                starts_at=free[0].slot.start,
                channel=BookingChannel.CARE_PLAN,
                now=now,
                care_plan=plan,
            )
        except BookingRefused as refusal:
            results.append(FollowUpResult(aimed, None, " ".join(refusal.reasons)))
        else:
            results.append(FollowUpResult(aimed, appointment, ""))
    _audit(request, actor, plan, Action.UPDATE, booked=sum(1 for r in results if r.appointment))
    return results
