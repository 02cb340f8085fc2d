"""Which rooms and devices a booking holds: the chosen ones if they may be held, else a free one of
the kind its type needs. Read before the booking is written; the database's guard (migration
0005) refuses what a concurrent booking took in between."""

from __future__ import annotations

import datetime as dt

from taut.clinics.models import Clinic, Location
from taut.common.refusals import Refused
from taut.scheduling.models import Appointment, AppointmentType, Resource, ResourceKind
from taut.scheduling.models.appointments import HOLDING
from taut.scheduling.models.resources import DEVICE_KINDS


class ResourceUnavailable(Refused):
    """The room or device cannot be held; `fields` names which (room, device)."""


# What the desk reads when the database's guard refuses a resource a moment after the check.
TAKEN_MEANWHILE = {
    "appointment_room_taken": (
        "room",
        "The room was booked a moment ago by someone else; please pick another time or room.",
    ),
    "appointment_device_taken": (
        "device",
        "The device was booked a moment ago by someone else; please pick another time or device.",
    ),
}


def _busy(clinic: Clinic, column: str, starts_at: dt.datetime, until: dt.datetime) -> set[int]:
    """The resources of one column (room or device) held by a booking overlapping the time."""
    rows = (
        Appointment.objects.for_clinic(clinic)
        .filter(status__in=HOLDING, starts_at__lt=until, blocked_until__gt=starts_at)
        .exclude(**{column: None})
        .values_list(column, flat=True)
    )
    return set(rows)


def _chosen_refusal(
    chosen: Resource, *, clinic: Clinic, location: Location, kinds: tuple[str, ...], busy: set[int]
) -> str | None:
    if chosen.clinic_id != clinic.pk:
        return f"{chosen.name} is not one of this clinic's rooms or devices."
    if chosen.location_id != location.pk:
        return f"{chosen.name} is at another location, not {location.name}."
    if not chosen.active:
        return f"{chosen.name} is retired; choose another."
    if chosen.kind not in kinds:
        wanted = " or ".join(ResourceKind(k).label.lower() for k in kinds)
        return f"{chosen.name} is not a {wanted}."
    if chosen.pk in busy:
        return f"{chosen.name} is taken at that time."
    return None


def _pick(
    *,
    clinic: Clinic,
    location: Location,
    kinds: tuple[str, ...],
    chosen: Resource | None,
    preferred: Resource | None,
    needed: bool,
    busy: set[int],
    field: str,
) -> Resource | None:
    """The chosen resource if it may be held; else, when the type needs one, a free one of the
    kind at the location (the preferred one first: a moved visit keeps its room if it can)."""
    if chosen is not None:
        refusal = _chosen_refusal(chosen, clinic=clinic, location=location, kinds=kinds, busy=busy)
        if refusal:
            raise ResourceUnavailable([refusal], fields={field: refusal})
        return chosen
    if not needed:
        return None
    free = list(
        Resource.objects.for_clinic(clinic)
        .filter(location=location, kind__in=kinds, active=True)
        .exclude(pk__in=busy)
        .order_by("name")
    )
    if preferred is not None and preferred in free:
        return preferred
    if free:
        return free[0]
    what = ResourceKind(kinds[0]).label.lower()
    refusal = f"No {what} is free at {location.name} at that time."
    raise ResourceUnavailable([refusal], fields={field: refusal})


def booking_resources(
    *,
    clinic: Clinic,
    appointment_type: AppointmentType,
    location: Location,
    starts_at: dt.datetime,
    blocked_until: dt.datetime,
    room: Resource | None,
    device: Resource | None,
    moved_from: Appointment | None,
) -> tuple[Resource | None, Resource | None]:
    """The room and device a booking will hold, or ResourceUnavailable naming the field and why."""
    held_before = moved_from.device if moved_from is not None else None
    device_kinds: tuple[str, ...] = (
        (appointment_type.needs_device,)
        if appointment_type.needs_device
        else (held_before.kind,)
        if held_before is not None and device is None
        else tuple(k.value for k in DEVICE_KINDS)
    )
    held_room = _pick(
        clinic=clinic,
        location=location,
        kinds=(ResourceKind.ROOM.value,),
        chosen=room,
        preferred=moved_from.room if moved_from is not None else None,
        needed=appointment_type.needs_room or bool(moved_from and moved_from.room_id),
        busy=_busy(clinic, "room_id", starts_at, blocked_until),
        field="room",
    )
    held_device = _pick(
        clinic=clinic,
        location=location,
        kinds=device_kinds,
        chosen=device,
        preferred=held_before,
        needed=bool(appointment_type.needs_device) or held_before is not None,
        busy=_busy(clinic, "device_id", starts_at, blocked_until),
        field="device",
    )
    return held_room, held_device
