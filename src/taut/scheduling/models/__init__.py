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
from taut.scheduling.models.series import Series
from taut.scheduling.models.waitlist import (
    OfferStatus,
    PartOfDay,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)

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
    "OfferStatus",
    "PartOfDay",
    "Series",
    "TimeOff",
    "WaitlistEntry",
    "WaitlistOffer",
    "WaitlistStatus",
    "WeeklyBreak",
    "WorkingHours",
]
