"""Reads that turn a clinic's scheduling records into the core's inputs, and free slots out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from taut.clinical import scheduling as core
from taut.clinics.models import Clinic, Location, Membership
from taut.clinics.roles import Role
from taut.scheduling.models import (
    Appointment,
    AppointmentType,
    BookingPolicy,
    TimeOff,
    WeeklyBreak,
    WorkingHours,
)
from taut.scheduling.models.appointments import HOLDING


def core_type(appointment_type: AppointmentType) -> core.AppointmentType:
    return core.AppointmentType(
        kind=core.AppointmentKind(appointment_type.kind),
        name=appointment_type.name,
        minutes=appointment_type.minutes,
        buffer_minutes=appointment_type.buffer_minutes,
        requires_established=appointment_type.requires_established,
        requires_consent=appointment_type.requires_consent,
    )


def policy_for(clinic: Clinic) -> BookingPolicy:
    policy = BookingPolicy.objects.filter(clinic=clinic).first()
    return policy if policy is not None else BookingPolicy(clinic=clinic)


def core_policy(policy: BookingPolicy) -> core.CancellationPolicy:
    return core.CancellationPolicy(
        notice_hours=policy.cancellation_notice_hours, late_fee=policy.late_fee
    )


def practitioners_of(clinic: Clinic) -> list[Any]:
    """The clinic's clinicians: the people patients are booked with."""
    memberships = (
        Membership.objects.filter(clinic=clinic, role=Role.CLINICIAN, user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    return [m.user for m in memberships]


def practitioner_of(clinic: Clinic, public_id: object) -> Any | None:
    """One of the clinic's clinicians by public id, or None."""
    wanted = str(public_id)
    return next((p for p in practitioners_of(clinic) if str(p.public_id) == wanted), None)


@dataclass(frozen=True)
class PractitionerSlot:
    practitioner: Any
    location: Location
    slot: core.Slot


@dataclass
class _DayInputs:
    """One practitioner's records that bear on one day: hours as stored (each is local to its
    location's zone), the rest as the core's inputs."""

    hours: list[WorkingHours] = field(default_factory=list)
    breaks: list[core.Break] = field(default_factory=list)
    time_off: list[core.TimeOff] = field(default_factory=list)
    busy: list[core.Busy] = field(default_factory=list)


def _day_inputs(clinic: Clinic, practitioners: list[Any], day: dt.date) -> dict[int, _DayInputs]:
    """Every practitioner's inputs for the day in four queries, whatever their number."""
    inputs = {p.pk: _DayInputs() for p in practitioners}
    # A day longer than any zone's reaches: the locations' own zones may differ from the clinic's.
    zone = clinic.zone
    day_start = core.local_instant(day - dt.timedelta(days=1), dt.time(0), zone)
    day_end = core.local_instant(day + dt.timedelta(days=2), dt.time(0), zone)
    theirs = {"practitioner_id__in": list(inputs)}
    for h in WorkingHours.objects.for_clinic(clinic).filter(**theirs):
        inputs[h.practitioner_id].hours.append(h)
    for b in WeeklyBreak.objects.for_clinic(clinic).filter(**theirs):
        inputs[b.practitioner_id].breaks.append(core.Break(b.weekday, b.start, b.end))
    time_off = TimeOff.objects.for_clinic(clinic).filter(
        starts_at__lt=day_end, ends_at__gt=day_start, **theirs
    )
    for t in time_off:
        inputs[t.practitioner_id].time_off.append(core.TimeOff(t.starts_at, t.ends_at, t.reason))
    busy = Appointment.objects.for_clinic(clinic).filter(
        status__in=HOLDING, starts_at__lt=day_end, blocked_until__gt=day_start, **theirs
    )
    for a in busy:
        inputs[a.practitioner_id].busy.append(core.Busy(a.starts_at, a.blocked_until))
    return inputs


def _hours_by_zone(
    hours: list[WorkingHours], locations: dict[str, Location]
) -> dict[str, list[core.WorkingHours]]:
    """Working hours are local to their location: the engine reads each group in its own zone."""
    grouped: dict[str, list[core.WorkingHours]] = {}
    for h in hours:
        zone = locations[str(h.location_id)].zone.key
        grouped.setdefault(zone, []).append(
            core.WorkingHours(h.weekday, h.start, h.end, str(h.location_id))
        )
    return grouped


def free_slots_for(
    *,
    clinic: Clinic,
    appointment_type: AppointmentType,
    day: dt.date,
    now: dt.datetime,
    practitioners: list[Any],
    min_notice_minutes: int = 0,
) -> list[PractitionerSlot]:
    locations = {
        str(loc.pk): loc for loc in Location.objects.for_clinic(clinic).select_related("clinic")
    }
    inputs = _day_inputs(clinic, practitioners, day)
    found: list[PractitionerSlot] = []
    for practitioner in practitioners:
        theirs = inputs[practitioner.pk]
        for zone, zone_hours in _hours_by_zone(theirs.hours, locations).items():
            slots = core.free_slots(
                day=day,
                zone=ZoneInfo(zone),
                appointment=core_type(appointment_type),
                hours=zone_hours,
                breaks=theirs.breaks,
                time_off=theirs.time_off,
                busy=theirs.busy,
                now=now,
                min_notice_minutes=min_notice_minutes,
            )
            found += [PractitionerSlot(practitioner, locations[s.location], s) for s in slots]
    found.sort(key=lambda f: (f.slot.start, f.practitioner.get_full_name()))
    return found


def slot_is_free(
    *,
    clinic: Clinic,
    appointment_type: AppointmentType,
    practitioner: Any,
    location: Location,
    starts_at: dt.datetime,
    now: dt.datetime,
    min_notice_minutes: int = 0,
) -> bool:
    """Is `starts_at` one of the practitioner's free starts at `location`?"""
    local_day = starts_at.astimezone(location.zone).date()
    return any(
        f.slot.start == starts_at and f.location.pk == location.pk
        for f in free_slots_for(
            clinic=clinic,
            appointment_type=appointment_type,
            day=local_day,
            now=now,
            practitioners=[practitioner],
            min_notice_minutes=min_notice_minutes,
        )
    )


def appointment_types_for(clinic: Clinic, *, online: bool = False) -> list[AppointmentType]:
    types = AppointmentType.objects.for_clinic(clinic).filter(is_active=True)
    if online:
        types = types.filter(bookable_online=True)
    return list(types)
