from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet

from taut.audit.models import AuditEntry
from taut.clinics.models import Clinic


def audit_entries_for_clinic(
    *,
    clinic: Clinic,
    action: str = "",
    actor: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(clinic=clinic)
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor_label__icontains=actor)
    if object_id:
        entries = entries.filter(object_id=object_id)
    # Days are the clinic's days: from its midnight to the next, whatever zone is active.
    if date_from:
        entries = entries.filter(at__gte=_midnight(date_from, clinic))
    if date_to:
        entries = entries.filter(at__lt=_midnight(date_to + timedelta(days=1), clinic))
    return entries.order_by("-at", "-pk")


def _midnight(day: date, clinic: Clinic) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clinic.zone)
