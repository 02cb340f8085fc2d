"""A series of visits booked from a care plan in one step.

`series_preview` proposes each visit on the chosen weekdays and names its conflict (time off or
a holiday, outside working hours, a break, a double booking) with the nearest free time that
day; `series_book` books the visits as the desk chose (skip, or the nearest time) in one
transaction, so a refusal anywhere books nothing; the `Series` row ties them together so a
visit and all that follow it can later be moved or cancelled together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinical import scheduling as core
from taut.clinics.models import Location
from taut.scheduling.availability import free_slots_for
from taut.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingChannel,
    CarePlan,
    CarePlanStatus,
    Series,
    TimeOff,
    WeeklyBreak,
    WorkingHours,
)
from taut.scheduling.models.appointments import HOLDING
from taut.scheduling.services.booking import (
    BookingRefused,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)

MAX_VISITS = 24
SKIP = "skip"


@dataclass(frozen=True)
class SeriesSpec:
    appointment_type: AppointmentType
    practitioner: Any
    first_day: dt.date
    time: dt.time
    weekdays: list[int]
    count: int


@dataclass(frozen=True)
class ProposedVisit:
    number: int
    starts_at: dt.datetime
    location: Location
    conflict: str  # "" when the time is free
    nearest: dt.datetime | None  # the nearest free time that day, offered for a conflict


def _spec_refusals(spec: SeriesSpec) -> list[str]:
    reasons = []
    if not spec.weekdays or len(spec.weekdays) > 2 or set(spec.weekdays) - set(range(7)):
        reasons.append("Days: choose one day a week (weekly) or two (twice weekly).")
    if not 1 <= spec.count <= MAX_VISITS:
        reasons.append(f"Visits: book 1 to {MAX_VISITS} visits.")
    return reasons


def _days(spec: SeriesSpec) -> list[dt.date]:
    days: list[dt.date] = []
    day = spec.first_day
    while len(days) < spec.count:
        if day.weekday() in spec.weekdays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _location(plan: CarePlan, spec: SeriesSpec, day: dt.date) -> Location:
    hours = WorkingHours.objects.for_clinic(plan.clinic).filter(practitioner=spec.practitioner)
    on_day = hours.filter(weekday=day.weekday(), start__lte=spec.time, end__gt=spec.time).first()
    chosen = on_day or hours.first()
    if chosen is not None:
        return chosen.location
    return Location.objects.for_clinic(plan.clinic).order_by("pk")[0]  # type: ignore[no-any-return]


def _conflict(plan: CarePlan, spec: SeriesSpec, starts_at: dt.datetime, location: Location) -> str:
    clinic, who = plan.clinic, spec.practitioner
    kind = core.AppointmentType(
        kind=core.AppointmentKind(spec.appointment_type.kind),
        name=spec.appointment_type.name,
        minutes=spec.appointment_type.minutes,
        buffer_minutes=spec.appointment_type.buffer_minutes,
    )
    ends_at, blocked = starts_at + dt.timedelta(minutes=kind.minutes), starts_at + kind.blocked
    local = starts_at.astimezone(location.zone)
    local_end = ends_at.astimezone(location.zone)
    weekday, start, end = local.weekday(), local.time(), local_end.time()
    if TimeOff.objects.for_clinic(clinic).filter(
        practitioner=who, starts_at__lt=ends_at, ends_at__gt=starts_at
    ):
        return "holiday or time off"
    hours = WorkingHours.objects.for_clinic(clinic).filter(practitioner=who, weekday=weekday)
    if local.date() != local_end.date() or not hours.filter(start__lte=start, end__gte=end):
        return "outside working hours"
    if WeeklyBreak.objects.for_clinic(clinic).filter(
        practitioner=who, weekday=weekday, start__lt=end, end__gt=start
    ):
        return "during a break"
    holding = Appointment.objects.for_clinic(clinic).filter(status__in=HOLDING)
    if holding.filter(practitioner=who, starts_at__lt=blocked, blocked_until__gt=starts_at):
        return "double booking: the practitioner already has a visit then"
    if holding.filter(patient=plan.patient, starts_at__lt=ends_at, ends_at__gt=starts_at):
        return "double booking: the patient already has a visit then"
    return ""


def _nearest(plan: CarePlan, spec: SeriesSpec, aimed: dt.datetime, now: dt.datetime) -> Any:
    free = free_slots_for(
        clinic=plan.clinic,
        appointment_type=spec.appointment_type,
        day=aimed.astimezone(plan.clinic.zone).date(),
        now=now,
        practitioners=[spec.practitioner],
    )
    if not free:
        return None
    return min(free, key=lambda f: (abs(f.slot.start - aimed), f.slot.start)).slot.start


def series_preview(*, plan: CarePlan, spec: SeriesSpec, now: dt.datetime) -> list[ProposedVisit]:
    reasons = _spec_refusals(spec)
    if plan.status != CarePlanStatus.ACTIVE:
        reasons.append("A series is booked for an active care plan only.")
    if reasons:
        raise BookingRefused(reasons)
    proposed = []
    for number, day in enumerate(_days(spec), start=1):
        location = _location(plan, spec, day)
        starts_at = core.local_instant(day, spec.time, location.zone)
        conflict = "in the past" if starts_at <= now else _conflict(plan, spec, starts_at, location)
        nearest = _nearest(plan, spec, starts_at, now) if conflict else None
        proposed.append(ProposedVisit(number, starts_at, location, conflict, nearest))
    return proposed


def _audit(request: HttpRequest | None, actor: Any, series: Series, **detail: Any) -> None:
    audit_record(
        request=request,
        actor=actor,
        clinic=series.clinic,
        action=Action.CREATE if "booked" in detail else Action.UPDATE,
        object_type="series",
        object_id=str(series.public_id),
        detail={"patient": str(series.patient.public_id), **detail},
    )


def _chosen_start(visit: ProposedVisit, choice: str) -> dt.datetime | None:
    """Where the visit goes: its own time, the nearest offered, or None to skip it."""
    if not visit.conflict:
        return visit.starts_at
    if choice == SKIP:
        return None
    if visit.nearest is not None and choice == visit.nearest.isoformat():
        return visit.nearest
    when = f"{visit.starts_at.astimezone(visit.location.zone):%a %d %b}"
    raise BookingRefused([f"Visit {visit.number} ({when}): choose to skip it or the time offered."])


@transaction.atomic
def series_book(
    *,
    request: HttpRequest | None,
    actor: Any,
    plan: CarePlan,
    spec: SeriesSpec,
    choices: dict[int, str],
    now: dt.datetime,
) -> Series:
    """Book the previewed series as chosen; any refusal books none of it."""
    visits = series_preview(plan=plan, spec=spec, now=now)
    series = Series.objects.create(
        clinic=plan.clinic,
        care_plan=plan,
        patient=plan.patient,
        weekdays=sorted(spec.weekdays),
        planned=spec.count,
        created_by=actor,
        created_at=clock.now(),
    )
    for visit in visits:
        starts_at = _chosen_start(visit, choices.get(visit.number, ""))
        if starts_at is None:
            continue
        try:
            appointment = appointment_book(
                request=request,
                actor=actor,
                patient=plan.patient,
                appointment_type=spec.appointment_type,
                practitioner=spec.practitioner,
                location=visit.location,
                starts_at=starts_at,
                channel=BookingChannel.CARE_PLAN,
                now=now,
                care_plan=plan,
            )
        except BookingRefused as refusal:
            when = f"{starts_at.astimezone(visit.location.zone):%a %d %b %H:%M}"
            raise BookingRefused(
                [f"Visit {visit.number} ({when}): {r}" for r in refusal.reasons]
            ) from refusal
        series.appointments.add(appointment)
    _audit(request, actor, series, booked=series.appointments.count())
    return series


def following(appointment: Appointment) -> list[Appointment]:
    """This visit and the series' booked visits after it, in order."""
    series = appointment.series.first()
    if series is None:
        return [appointment]
    return list(
        series.appointments.filter(
            status=AppointmentStatus.BOOKED, starts_at__gte=appointment.starts_at
        ).order_by("starts_at")
    )


@transaction.atomic
def series_cancel_following(
    *,
    request: HttpRequest | None,
    actor: Any,
    appointment: Appointment,
    reason: str,
    now: dt.datetime,
) -> list[Appointment]:
    """Cancel this visit and every later one of its series, or none if one is refused."""
    cancelled = [
        appointment_cancel(request=request, actor=actor, appointment=a, reason=reason, now=now)
        for a in following(appointment)
    ]
    series = appointment.series.first()
    if series is not None:
        _audit(request, actor, series, cancelled=len(cancelled))
    return cancelled


@transaction.atomic
def series_move_following(
    *,
    request: HttpRequest | None,
    actor: Any,
    appointment: Appointment,
    starts_at: dt.datetime,
    now: dt.datetime,
) -> list[Appointment]:
    """Move this visit to `starts_at` and every later one of its series by the same shift;
    if any new time is refused, nothing moves."""
    shift = starts_at - appointment.starts_at
    moved = []
    # Later ones first when moving later (earlier ones first when moving earlier), so a visit
    # never lands on a sister visit that has not moved yet.
    for visit in sorted(
        following(appointment), key=lambda a: a.starts_at, reverse=shift > dt.timedelta(0)
    ):
        try:
            moved.append(
                appointment_reschedule(
                    request=request,
                    actor=actor,
                    appointment=visit,
                    starts_at=visit.starts_at + shift,
                    practitioner=visit.practitioner,
                    location=visit.location,
                    channel=BookingChannel.DESK,
                    now=now,
                )
            )
        except BookingRefused as refusal:
            when = f"{(visit.starts_at + shift).astimezone(visit.zone):%a %d %b %H:%M}"
            raise BookingRefused([f"{when}: {r}" for r in refusal.reasons]) from refusal
    series = appointment.series.first()
    if series is not None:
        _audit(request, actor, series, moved=len(moved), shift_minutes=shift.total_seconds() // 60)
    return moved
