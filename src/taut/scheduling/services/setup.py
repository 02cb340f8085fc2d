"""Setting a clinic up for booking: its appointment types, hours, time off and policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinical import scheduling as core
from taut.clinics.models import Clinic, Location, Membership
from taut.clinics.roles import Role
from taut.scheduling.models import (
    AppointmentType,
    BookingPolicy,
    CalendarFeed,
    TimeOff,
    WeeklyBreak,
    WorkingHours,
)
from taut.scheduling.services.booking import BookingRefused


def _audit(
    request: HttpRequest | None, actor: Any, clinic: Clinic, what: str, **detail: Any
) -> None:
    audit_record(
        request=request,
        actor=actor,
        clinic=clinic,
        action=Action.UPDATE,
        object_type="scheduling_setup",
        object_id=what,
        detail=detail,
    )


@transaction.atomic
def scheduling_defaults_ensure(*, clinic: Clinic) -> None:
    """Give a clinic the shipped appointment types and a booking policy, once."""
    BookingPolicy.objects.get_or_create(clinic=clinic)
    if AppointmentType.objects.for_clinic(clinic).exists():
        return
    for order, shipped in enumerate(core.DEFAULT_TYPES):
        AppointmentType.objects.create(
            clinic=clinic,
            kind=shipped.kind,
            name=shipped.name,
            minutes=shipped.minutes,
            buffer_minutes=shipped.buffer_minutes,
            requires_established=shipped.requires_established,
            requires_consent=shipped.requires_consent,
            order=order,
        )


def _check_type(appointment_type: AppointmentType) -> None:
    try:
        core.AppointmentType(
            kind=core.AppointmentKind(appointment_type.kind),
            name=appointment_type.name,
            minutes=appointment_type.minutes,
            buffer_minutes=appointment_type.buffer_minutes,
        )
    except core.SchedulingError as error:
        raise BookingRefused(
            [f"{error.field.replace('_', ' ').capitalize()}: {error.reason}."]
        ) from error


@transaction.atomic
def appointment_type_save(
    *, request: HttpRequest | None, actor: Any, appointment_type: AppointmentType
) -> AppointmentType:
    _check_type(appointment_type)
    appointment_type.save()
    _audit(
        request,
        actor,
        appointment_type.clinic,
        f"type:{appointment_type.pk}",
        name=appointment_type.name,
    )
    return appointment_type


def _is_practitioner(clinic: Clinic, user: Any) -> bool:
    return Membership.objects.filter(clinic=clinic, user=user, role=Role.CLINICIAN).exists()


@transaction.atomic
def working_hours_add(
    *,
    request: HttpRequest | None,
    actor: Any,
    clinic: Clinic,
    practitioner: Any,
    location: Location,
    weekday: int,
    start: dt.time,
    end: dt.time,
) -> WorkingHours:
    if not _is_practitioner(clinic, practitioner):
        raise BookingRefused(["Working hours are kept for the clinic's clinicians only."])
    if location.clinic_id != clinic.pk:
        raise BookingRefused(["That location is not one of this clinic's."])
    if not start < end:
        raise BookingRefused(["End: the hours must end after they start."])
    same_day = WorkingHours.objects.for_clinic(clinic).filter(
        practitioner=practitioner, weekday=weekday
    )
    if any(h.start < end and start < h.end for h in same_day):
        raise BookingRefused(["Start: these hours overlap hours already set for that day."])
    hours = WorkingHours.objects.create(
        clinic=clinic,
        practitioner=practitioner,
        location=location,
        weekday=weekday,
        start=start,
        end=end,
    )
    _audit(request, actor, clinic, f"hours:{hours.pk}", practitioner=str(practitioner.public_id))
    return hours


@transaction.atomic
def weekly_break_add(
    *,
    request: HttpRequest | None,
    actor: Any,
    clinic: Clinic,
    practitioner: Any,
    weekday: int,
    start: dt.time,
    end: dt.time,
) -> WeeklyBreak:
    if not _is_practitioner(clinic, practitioner):
        raise BookingRefused(["Breaks are kept for the clinic's clinicians only."])
    if not start < end:
        raise BookingRefused(["End: the break must end after it starts."])
    pause = WeeklyBreak.objects.create(
        clinic=clinic, practitioner=practitioner, weekday=weekday, start=start, end=end
    )
    _audit(request, actor, clinic, f"break:{pause.pk}", practitioner=str(practitioner.public_id))
    return pause


@transaction.atomic
def time_off_add(
    *,
    request: HttpRequest | None,
    actor: Any,
    clinic: Clinic,
    practitioner: Any,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str = "",
) -> TimeOff:
    if not _is_practitioner(clinic, practitioner):
        raise BookingRefused(["Time off is kept for the clinic's clinicians only."])
    if not starts_at < ends_at:
        raise BookingRefused(["Ends at: time off must end after it starts."])
    off = TimeOff.objects.create(
        clinic=clinic,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
    )
    _audit(request, actor, clinic, f"time_off:{off.pk}", practitioner=str(practitioner.public_id))
    return off


SetupRow = WorkingHours | WeeklyBreak | TimeOff


@transaction.atomic
def setup_row_remove(*, request: HttpRequest | None, actor: Any, row: SetupRow) -> None:
    """Remove working hours, a break or time off (set-up, not clinical records: deleted, audited).
    Bookings already made stay as they are."""
    kind = {WorkingHours: "hours", WeeklyBreak: "break", TimeOff: "time_off"}[type(row)]
    _audit(request, actor, row.clinic, f"{kind}:{row.pk}", removed=str(row))
    row.delete()


@transaction.atomic
def booking_policy_save(
    *, request: HttpRequest | None, actor: Any, policy: BookingPolicy
) -> BookingPolicy:
    policy.full_clean()
    policy.save()
    _audit(request, actor, policy.clinic, "policy", notice=policy.cancellation_notice_hours)
    return policy


@transaction.atomic
def calendar_feed_renew(*, request: HttpRequest | None, actor: Any, clinic: Clinic) -> CalendarFeed:
    """A new secret address for the user's calendar feed; the old address stops working."""
    CalendarFeed.objects.for_clinic(clinic).filter(practitioner=actor).delete()
    feed = CalendarFeed.objects.create(clinic=clinic, practitioner=actor)
    _audit(request, actor, clinic, f"feed:{actor.public_id}", renewed=True)
    return feed
