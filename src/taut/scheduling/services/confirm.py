"""The patient confirms they are coming to their next visit (a "C" text reply)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.common.context import AuditContext
from taut.patients.models import Patient
from taut.scheduling.models import Appointment, AppointmentStatus


def next_visit_of(patients: Iterable[Patient], *, now: dt.datetime) -> Appointment | None:
    """The earliest booked visit still ahead of any of these patients (clinic by clinic)."""
    found = [
        Appointment.objects.for_clinic(p.clinic_id)
        .filter(patient=p, status=AppointmentStatus.BOOKED, starts_at__gt=now)
        .select_related("clinic", "location", "patient")
        .first()
        for p in patients
    ]
    visits = [a for a in found if a is not None]
    return min(visits, key=lambda a: a.starts_at) if visits else None


@transaction.atomic
def appointment_confirm(
    *, ctx: AuditContext, appointment: Appointment, now: dt.datetime, channel: str
) -> Appointment:
    """Record the patient's confirmation; confirming twice keeps the first time."""
    Appointment.objects.filter(pk=appointment.pk, confirmed_at__isnull=True).update(
        confirmed_at=now
    )
    appointment.refresh_from_db(fields=["confirmed_at"])
    audit_record(
        ctx=ctx,
        clinic=appointment.clinic,
        action=Action.UPDATE,
        object_type="appointment",
        object_id=str(appointment.public_id),
        detail={"patient": str(appointment.patient.public_id), "confirmed": channel},
    )
    return appointment
