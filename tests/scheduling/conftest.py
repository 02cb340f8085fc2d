"""A clinic ready to book: the shipped appointment types, and clinician A working weekdays
08:00-17:00 (clinic time, America/Denver) with a lunch break."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from taut.clinics.models import Location
from taut.scheduling.models import AppointmentType
from taut.scheduling.services import setup
from tests.conftest import CLINIC_NOW, World

DENVER = dt.timezone(dt.timedelta(hours=-7))  # November: Mountain Standard Time
NOW = CLINIC_NOW.astimezone(DENVER)  # Monday 23 November 2026, 08:00
TUESDAY = dt.date(2026, 11, 24)
THANKSGIVING = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _monday_morning(clinic_clock: Any) -> None:
    """Pages read the clock: every scheduling test runs on the Monday its fixed dates expect."""


def next_working_day() -> dt.date:
    """A day after today, by the clock in force (fixed in tests/scheduling, real in the browser
    tests), on which clinician A works with no time off (Monday to Thursday, never the
    Thanksgiving day off)."""
    day = dt.datetime.now(DENVER).date() + dt.timedelta(days=1)
    while day.weekday() >= 4 or day == THANKSGIVING:
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=DENVER)


@dataclass
class Desk:
    world: World
    location: Location
    types: dict[str, AppointmentType]

    def type(self, kind: str) -> AppointmentType:
        return self.types[kind]


def make_desk(world: World) -> Desk:
    clinic = world.clinic_a
    setup.scheduling_defaults_ensure(clinic=clinic)
    location = Location.objects.for_clinic(clinic).get()
    for weekday in range(5):
        setup.working_hours_add(
            request=None,
            actor=world.owner_a,
            clinic=clinic,
            practitioner=world.clinician_a,
            location=location,
            weekday=weekday,
            start=dt.time(8),
            end=dt.time(17),
        )
        setup.weekly_break_add(
            request=None,
            actor=world.owner_a,
            clinic=clinic,
            practitioner=world.clinician_a,
            weekday=weekday,
            start=dt.time(12),
            end=dt.time(13),
        )
    setup.time_off_add(
        request=None,
        actor=world.owner_a,
        clinic=clinic,
        practitioner=world.clinician_a,
        starts_at=at(THANKSGIVING, 0),
        ends_at=at(THANKSGIVING + dt.timedelta(days=1), 0),
        reason="Thanksgiving",
    )
    types = {t.kind: t for t in AppointmentType.objects.for_clinic(clinic)}
    return Desk(world, location, types)


@pytest.fixture
def desk(world: World) -> Desk:
    return make_desk(world)


def book(desk: Desk, start: dt.datetime, kind: str = "initial_evaluation", **extra: Any) -> Any:
    from taut.scheduling.models import BookingChannel
    from taut.scheduling.services import appointment_book

    fields: dict[str, Any] = {
        "request": None,
        "actor": desk.world.frontdesk_a,
        "patient": desk.world.patient_a,
        "appointment_type": desk.type(kind),
        "practitioner": desk.world.clinician_a,
        "location": desk.location,
        "starts_at": start,
        "channel": BookingChannel.DESK,
        "now": NOW,
        **extra,
    }
    return appointment_book(**fields)


def make_plan(world: World, **fields: Any) -> Any:
    from taut.scheduling.models import CarePlan
    from taut.scheduling.services.care_plans import care_plan_create

    defaults: dict[str, Any] = {
        "goals": "Turn my head to reverse the car\nSleep through the night",
        "conditions": ["neck_shoulder_pain"],
        "planned_sessions": 4,
        "per_week": 1,
        "starts_on": NOW.date(),
    }
    plan = CarePlan(**{**defaults, **fields})
    return care_plan_create(
        request=None, actor=world.clinician_a, patient=world.patient_a, plan=plan
    )
