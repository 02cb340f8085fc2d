"""Rooms, devices and extra clinicians for the resource tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from taut.clinics.models import Membership
from taut.clinics.roles import Role
from taut.scheduling.models import Resource, ResourceKind
from taut.scheduling.services import setup
from tests.conftest import make_user
from tests.scheduling.conftest import Desk


def add_resource(desk: Desk, name: str, kind: ResourceKind = ResourceKind.ROOM) -> Resource:
    return Resource.objects.create(
        clinic=desk.world.clinic_a, location=desk.location, name=name, kind=kind
    )


def add_clinician(desk: Desk, name: str) -> Any:
    """Another clinician of clinic A, working weekdays 08:00-17:00 at its location."""
    user = make_user(get_user_model(), name, first_name=name.title(), last_name="Extra")
    Membership.objects.create(clinic=desk.world.clinic_a, user=user, role=Role.CLINICIAN)
    for weekday in range(5):
        setup.working_hours_add(
            request=None,
            actor=desk.world.owner_a,
            clinic=desk.world.clinic_a,
            practitioner=user,
            location=desk.location,
            weekday=weekday,
            start=dt.time(8),
            end=dt.time(17),
        )
    return user


def needs(desk: Desk, kind: str, *, room: bool = False, device: str = "") -> Any:
    appointment_type = desk.type(kind)
    appointment_type.needs_room = room
    appointment_type.needs_device = device
    appointment_type.save()
    return appointment_type
