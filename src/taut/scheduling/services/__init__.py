"""Writes for scheduling; each runs in one transaction and leaves an audit entry."""

from taut.scheduling.services.booking import (
    BookingRefused,
    appointment_book,
    appointment_cancel,
    appointment_mark_arrived,
    appointment_mark_no_show,
    appointment_reschedule,
    appointment_start_session,
    patient_is_established,
)

__all__ = [
    "BookingRefused",
    "appointment_book",
    "appointment_cancel",
    "appointment_mark_arrived",
    "appointment_mark_no_show",
    "appointment_reschedule",
    "appointment_start_session",
    "patient_is_established",
]
