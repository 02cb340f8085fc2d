"""iCalendar (RFC 5545) text for bookings: one file per appointment and a practitioner's feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings

from taut.common.times import local_text
from taut.scheduling.models import Appointment, AppointmentStatus

# Every time is written in UTC (RFC 5545 3.3.5, form 2): it needs no VTIMEZONE, and calendar
# apps show it in their reader's zone. The patient's file says the clinic's local time in words.
_STAMP = "%Y%m%dT%H%M%SZ"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    start = 0
    while start < len(encoded):
        end = min(start + (75 if not parts else 74), len(encoded))
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:  # not inside a character
            end -= 1
        parts.append(encoded[start:end].decode())
        start = end
    return "\r\n ".join(parts)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime(_STAMP)


def _event(
    appointment: Appointment, *, summary: str, description: str, now: dt.datetime
) -> list[str]:
    cancelled = appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
    location = appointment.location
    where = ", ".join(
        part for part in (location.name, location.address.replace("\n", ", ")) if part
    )
    return [
        "BEGIN:VEVENT",
        f"UID:{appointment.public_id}@taut",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(appointment.starts_at)}",
        f"DTEND:{_utc(appointment.ends_at)}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(description)}",
        f"LOCATION:{_escape(where)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
    ]


def _calendar(name: str, events: Iterable[list[str]]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Taut//Clinic scheduling//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for event in events:
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def patient_calendar_file(appointment: Appointment, *, now: dt.datetime) -> str:
    clinic = appointment.clinic
    summary = f"{appointment.appointment_type.name} at {clinic.name}"
    when = local_text(appointment.starts_at, appointment.zone, r"l j F Y, H:i T")
    description = (
        f"{when}, with {appointment.practitioner.get_full_name()}. "
        f"To change or cancel: {settings.TAUT_BASE_URL}/portal/appointments/ "
        f"or call {clinic.phone or 'the clinic'}."
    )
    return _calendar(
        clinic.name, [_event(appointment, summary=summary, description=description, now=now)]
    )


def initials(patient: object) -> str:
    given = getattr(patient, "given_name", "") or "?"
    family = getattr(patient, "family_name", "") or "?"
    return f"{given[0]}. {family[0]}."


def practitioner_feed(name: str, appointments: Iterable[Appointment], *, now: dt.datetime) -> str:
    """The feed carries the patient's initials only: calendar apps sync it to other devices."""
    events = [
        _event(
            a,
            summary=f"{a.appointment_type.name}: {initials(a.patient)}",
            description="Open Taut for the patient's record.",
            now=now,
        )
        for a in appointments
    ]
    return _calendar(name, events)
