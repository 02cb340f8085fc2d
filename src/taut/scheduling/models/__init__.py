"""Scheduling records: what can be booked, when practitioners work, bookings and care plans."""

from taut.scheduling.models.appointments import Appointment, AppointmentStatus, BookingChannel
from taut.scheduling.models.availability import (
    AppointmentType,
    BookingPolicy,
    CalendarFeed,
    TimeOff,
    WeeklyBreak,
    WorkingHours,
)
from taut.scheduling.models.care_plans import CarePlan, CarePlanStatus
from taut.scheduling.models.resources import Resource, ResourceKind

__all__ = [
    "Appointment",
    "AppointmentStatus",
    "AppointmentType",
    "BookingChannel",
    "BookingPolicy",
    "CalendarFeed",
    "CarePlan",
    "CarePlanStatus",
    "Resource",
    "ResourceKind",
    "TimeOff",
    "WeeklyBreak",
    "WorkingHours",
]
