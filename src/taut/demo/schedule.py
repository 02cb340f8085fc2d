"""The demo clinic's schedule: hours for both clinicians, a week of bookings, and a care plan."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from taut import clock
from taut.clinics.models import Clinic, Location
from taut.messaging.models import OutboundMessage, Status
from taut.patients.models import Patient
from taut.scheduling.availability import free_slots_for
from taut.scheduling.models import (
    AppointmentType,
    BookingChannel,
    CarePlan,
    Resource,
    ResourceKind,
)
from taut.scheduling.services import BookingRefused, appointment_book
from taut.scheduling.services.care_plans import care_plan_create
from taut.scheduling.services.resources import resource_save
from taut.scheduling.services.setup import (
    appointment_type_save,
    scheduling_defaults_ensure,
    weekly_break_add,
    working_hours_add,
)

# (clinician username, location index, weekdays, start, end)
HOURS = [
    ("clinician", 0, (0, 1, 2, 3, 4), dt.time(8), dt.time(17)),
    ("clinician2", 1, (0, 2, 4), dt.time(9), dt.time(18)),
    ("clinician2", 0, (1, 3), dt.time(9), dt.time(15)),
]


def _seed_rooms(clinic: Clinic, owner: Any, locations: list[Location]) -> None:
    """Two treatment rooms at each location (as many as clinicians, so no demo booking is
    refused for want of one) and an e-stim unit at the first; evaluations need a room."""
    for location in locations:
        for name in ("Room 1", "Room 2"):
            resource = Resource(clinic=clinic, location=location, name=name, kind=ResourceKind.ROOM)
            resource_save(request=None, actor=owner, resource=resource)
    unit = Resource(
        clinic=clinic, location=locations[0], name="E-stim unit 1", kind=ResourceKind.ESTIM_UNIT
    )
    resource_save(request=None, actor=owner, resource=unit)
    for evaluation in AppointmentType.objects.for_clinic(clinic).filter(kind="initial_evaluation"):
        evaluation.needs_room = True
        appointment_type_save(request=None, actor=owner, appointment_type=evaluation)


def seed_schedule(
    *,
    clinic: Clinic,
    rng: random.Random,
    owner: Any,
    desk: Any,
    clinicians: dict[str, Any],
    patients: list[Patient],
    portal_patient: Patient,
    established: Patient,
) -> int:
    scheduling_defaults_ensure(clinic=clinic)
    locations = list(Location.objects.for_clinic(clinic).order_by("pk"))
    for username, where, weekdays, start, end in HOURS:
        for weekday in weekdays:
            working_hours_add(
                request=None,
                actor=owner,
                clinic=clinic,
                practitioner=clinicians[username],
                location=locations[where],
                weekday=weekday,
                start=start,
                end=end,
            )
            weekly_break_add(
                request=None,
                actor=owner,
                clinic=clinic,
                practitioner=clinicians[username],
                weekday=weekday,
                start=dt.time(12),
                end=dt.time(13),
            )
    _seed_rooms(clinic, owner, locations)
    types = {t.kind: t for t in AppointmentType.objects.for_clinic(clinic)}
    now = clock.now()
    booked = 0
    today = now.astimezone(clinic.zone).date()
    for offset in range(0, 8):
        day = today + dt.timedelta(days=offset)
        for clinician in clinicians.values():
            for patient in rng.sample(patients, 3):
                booked += _book_first_free(
                    desk, patient, types["initial_evaluation"], clinician, day, now, rng
                )
    booked += _book_first_free(
        desk,
        portal_patient,
        types["initial_evaluation"],
        clinicians["clinician"],
        today + dt.timedelta(days=2),
        now,
        rng,
    )
    plan = care_plan_create(
        request=None,
        actor=clinicians["clinician"],
        patient=established,
        plan=CarePlan(
            goals="Turn the head fully to check blind spots when driving\nSleep without neck pain",
            conditions=["neck_shoulder_pain"],
            planned_sessions=4,
            per_week=1,
            reassess_at=[2, 4],
            starts_on=today - dt.timedelta(days=7),
        ),
    )
    for weeks in (1, 2, 3):
        booked += _book_first_free(
            desk,
            established,
            types["dry_needling"],
            clinicians["clinician"],
            today + dt.timedelta(days=7 * weeks),
            now,
            rng,
            plan=plan,
        )
    # The demo's history is made in one go, so messages that would have gone out already (booking
    # confirmations, diary prompts of past sessions) count as sent; future reminders stay queued.
    sent_by = clock.now()
    OutboundMessage.objects.for_clinic(clinic).filter(
        status=Status.QUEUED, send_after__lte=sent_by
    ).update(status=Status.SENT, sent_at=sent_by)
    return booked


def _book_first_free(
    desk: Any,
    patient: Patient,
    appointment_type: AppointmentType,
    clinician: Any,
    day: dt.date,
    now: dt.datetime,
    rng: random.Random,
    plan: CarePlan | None = None,
) -> int:
    free = free_slots_for(
        clinic=patient.clinic,
        appointment_type=appointment_type,
        day=day,
        now=now,
        practitioners=[clinician],
    )
    if not free:
        return 0
    chosen = free[rng.randrange(len(free))]
    try:
        appointment_book(
            request=None,
            actor=desk,
            patient=patient,
            appointment_type=appointment_type,
            practitioner=clinician,
            location=chosen.location,
            starts_at=chosen.slot.start,
            channel=BookingChannel.CARE_PLAN if plan else BookingChannel.DESK,
            now=now,
            care_plan=plan,
        )
    except BookingRefused:
        return 0
    return 1
