"""The day's close-out: money taken at the desk, by payment method and practitioner.

Takings are sums of ledger entries that moved money (payments, refunds, and reversals of either),
recorded between local midnights: those of the location of the visit paid for (its own zone, or
the clinic's), and the clinic's for money taken on account. A clinic whose locations lie in two
zones thus closes each location's day at its own midnight. A payment's practitioner is its
invoice's; money taken on account has none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.billing.models import LedgerEntry, PaymentMethod
from taut.billing.money import major
from taut.clinics.models import Location, local_zone
from taut.common.context import AuditContext

NO_PRACTITIONER = "Not linked to a visit"


@dataclass(frozen=True)
class TakingsRow:
    method: str
    practitioner: str
    amount_minor: int


@dataclass(frozen=True)
class CloseOut:
    day: dt.date
    currency: str
    rows: list[TakingsRow]

    @property
    def total(self) -> int:
        return sum(row.amount_minor for row in self.rows)

    def by_method(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for row in self.rows:
            totals[row.method] = totals.get(row.method, 0) + row.amount_minor
        return totals


def day_bounds(day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _local_day(clinic: Any, day: dt.date) -> Q:
    """Entries recorded on `day` where they were taken: per location zone, else the clinic's."""
    start, end = day_bounds(day, clinic.zone)
    in_day = Q(invoice__location__isnull=True, recorded_at__gte=start, recorded_at__lt=end)
    for location in Location.objects.for_clinic(clinic):
        start, end = day_bounds(day, local_zone(clinic, location))
        in_day |= Q(invoice__location=location, recorded_at__gte=start, recorded_at__lt=end)
    return in_day


def close_out(*, ctx: AuditContext, clinic: Any, day: dt.date, currency: str) -> CloseOut:
    grouped = (
        LedgerEntry.objects.for_clinic(clinic)
        .filter(_local_day(clinic, day))
        .exclude(method="")
        .values("method", "practitioner_id")
        .annotate(total=Sum("amount_minor"))
        .order_by("method", "practitioner_id")
    )
    rows = list(grouped)
    names = _names({r["practitioner_id"] for r in rows if r["practitioner_id"]})
    methods = dict(PaymentMethod.choices)
    audit_record(
        ctx=ctx,
        clinic=clinic,
        action=Action.VIEW,
        object_type="takings",
        object_id=day.isoformat(),
    )
    return CloseOut(
        day=day,
        currency=currency,
        rows=[
            TakingsRow(
                method=str(methods.get(r["method"], r["method"])),
                practitioner=names.get(r["practitioner_id"], NO_PRACTITIONER),
                amount_minor=-int(r["total"]),
            )
            for r in rows
            if r["total"]
        ],
    )


def _names(ids: set[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=ids)
    return {u.pk: u.get_full_name() or u.get_username() for u in users}


def _cell(text: str) -> str:
    """Text a spreadsheet would not run as a formula."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def close_out_csv(report: CloseOut) -> str:
    """Amounts as plain decimals (45.50) in the currency column's units, for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["day", "payment method", "practitioner", "amount", "currency"])
    day, code = report.day.isoformat(), report.currency
    for row in report.rows:
        amount = major(row.amount_minor, code)
        writer.writerow([day, row.method, _cell(row.practitioner), amount, code])
    writer.writerow([day, "total", "", major(report.total, code), code])
    return out.getvalue()
