"""Clinic-scoped reads for scheduling. Views reach appointments only through these."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from taut.clinical import scheduling as core
from taut.clinics.models import Clinic, Location, Membership
from taut.patients.models import Patient
from taut.scheduling.models import (
    Appointment,
    CalendarFeed,
    CarePlan,
    CarePlanStatus,
    Resource,
    WaitlistEntry,
    WaitlistStatus,
)
from taut.scheduling.models.appointments import HOLDING, AppointmentStatus


def _appointments(clinic: Clinic | int) -> Any:
    return Appointment.objects.for_clinic(clinic).select_related(
        "patient", "practitioner", "location", "appointment_type", "clinic", "room", "device"
    )


def get_appointment_for(*, membership: Membership, public_id: uuid.UUID | str) -> Appointment:
    try:
        return _appointments(membership.clinic_id).get(public_id=public_id)  # type: ignore[no-any-return]
    except Appointment.DoesNotExist as missing:
        raise Http404("No such appointment in this clinic.") from missing


def appointment_of_patient(*, patient: Patient, public_id: uuid.UUID | str) -> Appointment:
    try:
        return _appointments(patient.clinic_id).get(patient=patient, public_id=public_id)  # type: ignore[no-any-return]
    except Appointment.DoesNotExist as missing:
        raise Http404("No such appointment.") from missing


@dataclass(frozen=True)
class PatientAppointments:
    upcoming: list[Appointment]
    past: list[Appointment]

    @property
    def late_cancellations(self) -> int:
        return sum(1 for a in self.past if a.cancellation_class == "late")

    @property
    def missed(self) -> int:
        return sum(1 for a in self.past if a.status == AppointmentStatus.NO_SHOW)


def appointments_of_patient(*, patient: Patient, now: dt.datetime) -> PatientAppointments:
    rows = list(_appointments(patient.clinic_id).filter(patient=patient).order_by("starts_at"))
    upcoming = [a for a in rows if a.starts_at >= now and a.status in HOLDING]
    ahead = {a.pk for a in upcoming}
    past = [a for a in reversed(rows) if a.pk not in ahead]
    return PatientAppointments(upcoming, past)


def _day_bounds(clinic: Clinic, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = clinic.zone
    return (
        core.local_instant(day, dt.time(0), zone),
        core.local_instant(day + dt.timedelta(days=1), dt.time(0), zone),
    )


@dataclass
class Column:
    practitioner: Any
    appointments: list[Appointment] = field(default_factory=list)


def day_schedule(
    *, clinic: Clinic, day: dt.date, practitioners: list[Any], location: Location | None = None
) -> list[Column]:
    """One column per practitioner with that day's bookings (cancelled ones included, marked)."""
    start, end = _day_bounds(clinic, day)
    rows = _appointments(clinic).filter(starts_at__gte=start, starts_at__lt=end)
    if location is not None:
        rows = rows.filter(location=location)
    columns = {p.pk: Column(p) for p in practitioners}
    for appointment in rows.order_by("starts_at"):
        column = columns.get(appointment.practitioner_id)
        if column is not None:
            column.appointments.append(appointment)
    return list(columns.values())


def week_schedule(
    *, clinic: Clinic, practitioner: Any, monday: dt.date
) -> list[tuple[dt.date, list[Appointment]]]:
    start, _ = _day_bounds(clinic, monday)
    _, end = _day_bounds(clinic, monday + dt.timedelta(days=6))
    rows = list(
        _appointments(clinic)
        .filter(practitioner=practitioner, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at")
    )
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    zone = clinic.zone
    return [(d, [a for a in rows if a.starts_at.astimezone(zone).date() == d]) for d in days]


def feed_of(*, token: str) -> CalendarFeed:
    feed = CalendarFeed.objects.select_related("clinic", "practitioner").filter(token=token).first()
    if feed is None or not feed.practitioner.is_active:
        raise Http404("No such calendar.")
    return feed


def feed_appointments(*, feed: CalendarFeed, now: dt.datetime) -> list[Appointment]:
    """The practitioner's bookings from 30 days back to a year ahead."""
    return list(
        _appointments(feed.clinic_id)
        .filter(
            practitioner=feed.practitioner,
            starts_at__gte=now - dt.timedelta(days=30),
            starts_at__lt=now + dt.timedelta(days=365),
        )
        .order_by("starts_at")
    )


def care_plan_active(*, patient: Patient) -> CarePlan | None:
    return (  # type: ignore[no-any-return]
        CarePlan.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, status=CarePlanStatus.ACTIVE)
        .first()
    )


def get_care_plan_for(*, membership: Membership, public_id: uuid.UUID | str) -> CarePlan:
    try:
        return (
            CarePlan.objects.for_clinic(membership.clinic_id)
            .select_related("patient")
            .get(  # type: ignore[no-any-return]
                public_id=public_id
            )
        )
    except CarePlan.DoesNotExist as missing:
        raise Http404("No such care plan in this clinic.") from missing


@dataclass(frozen=True)
class PlanProgress:
    plan: CarePlan
    sessions_done: int
    upcoming: list[Appointment]

    @property
    def remaining(self) -> int:
        return max(self.plan.planned_sessions - self.sessions_done, 0)

    @property
    def next_reassessment(self) -> int | None:
        return next((p for p in sorted(self.plan.reassess_at) if p > self.sessions_done), None)

    @property
    def reassessment_due(self) -> bool:
        return self.sessions_done in self.plan.reassess_at

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.sessions_done / max(self.plan.planned_sessions, 1)))


def plan_progress(*, plan: CarePlan, now: dt.datetime) -> PlanProgress:
    from taut.charting.models import SessionStatus, TreatmentSession

    done = (
        TreatmentSession.objects.for_clinic(plan.clinic_id)
        .filter(
            patient=plan.patient, status=SessionStatus.SIGNED, date_of_service__gte=plan.starts_on
        )
        .count()
    )
    upcoming = list(
        _appointments(plan.clinic_id)
        .filter(patient=plan.patient, status__in=HOLDING, starts_at__gte=now)
        .order_by("starts_at")
    )
    return PlanProgress(plan, done, upcoming)


def care_plans_of(*, patient: Patient) -> list[CarePlan]:
    return list(CarePlan.objects.for_clinic(patient.clinic_id).filter(patient=patient))


def online_booking_just_made(*, clinic: Clinic, public_id: object) -> Appointment | None:
    """The booking a visitor's browser session just made at this clinic, for its confirmation."""
    if not public_id:
        return None
    try:
        wanted = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return _appointments(clinic).filter(public_id=wanted).first()


def resources_of(*, clinic: Clinic, active_only: bool = True) -> list[Resource]:
    rows = Resource.objects.for_clinic(clinic).select_related("location")
    return list(rows.filter(active=True) if active_only else rows)


def get_resource_for(*, membership: Membership, public_id: uuid.UUID | str) -> Resource:
    try:
        return Resource.objects.for_clinic(membership.clinic_id).get(public_id=public_id)  # type: ignore[no-any-return]
    except (Resource.DoesNotExist, ValueError, ValidationError) as missing:
        raise Http404("No such room or device in this clinic.") from missing


def calendar_appointments(
    *,
    clinic: Clinic,
    start: dt.datetime,
    end: dt.datetime,
    practitioner: Any | None = None,
    resource: Resource | None = None,
) -> list[Appointment]:
    """The bookings a calendar column shows: those that hold time, and missed ones (marked);
    cancellations stay on the list view."""
    rows = (
        _appointments(clinic)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .exclude(status=AppointmentStatus.CANCELLED)
    )
    if practitioner is not None:
        rows = rows.filter(practitioner=practitioner)
    if resource is not None:
        rows = rows.filter(Q(room=resource) | Q(device=resource))
    return list(rows.order_by("starts_at"))


def waitlist_waiting(*, clinic: Clinic, patient: Patient | None = None) -> Any:
    """Who waits (in the clinic, or one patient's entries), in the order they joined."""
    entries = WaitlistEntry.objects.for_clinic(clinic).filter(status=WaitlistStatus.WAITING)
    if patient is not None:
        entries = entries.filter(patient=patient)
    return entries.select_related("patient", "appointment_type", "practitioner")
