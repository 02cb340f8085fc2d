from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol

from django.db.models import QuerySet

from taut.audit.models import AuditEntry
from taut.keyset import Page, page_after, page_before


class Clinic(Protocol):
    """What the log's reads need of a clinic (the clinics app sits above the audit log)."""

    pk: int

    @property
    def zone(self) -> tzinfo: ...


# Newest first; the index (clinic, at, id) serves it, so a page reads only its own rows.
LOG_ORDER = ("-at", "-pk")
LOG_PAGE = 50


def audit_entries_for_clinic(
    *,
    clinic: Clinic,
    action: str = "",
    actor: str = "",
    object_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(clinic_id=clinic.pk)
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
    return entries.order_by(*LOG_ORDER)


def _midnight(day: date, clinic: Clinic) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clinic.zone)


def audit_log_page(
    entries: QuerySet[AuditEntry], *, older_than: str = "", newer_than: str = ""
) -> Page:
    """One page of the log: the newest entries, or those older (newer) than a cursor."""
    entries = entries.select_related("actor")
    if newer_than:
        return page_before(entries, LOG_ORDER, newer_than, LOG_PAGE)
    return page_after(entries, LOG_ORDER, older_than or None, LOG_PAGE)
