"""The owner dashboard as its page and its CSV downloads read it; each read is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Clinic
from taut.common.context import AuditContext
from taut.outcomes.selectors import clinic_dashboard
from taut.outcomes.selectors.clinic_dashboard import DashboardFilter
from taut.outcomes.tables import TABLE_KEYS, Table, dashboard_tables

# The page draws these two as a chart and a comparison, not as tables.
_DRAWN_ELSEWHERE = ("events", "severity")


@dataclass(frozen=True)
class DashboardPage:
    summary: dict[str, int]
    tables: dict[str, Table]
    rates: Any


def _audit(
    ctx: AuditContext,
    clinic: Clinic,
    action: Action,
    what: str,
    table: str,
    filters: DashboardFilter,
) -> None:
    audit_record(
        ctx=ctx,
        clinic=clinic,
        action=action,
        object_type=what,
        object_id=table,
        detail=filters.describe(),
    )


def dashboard_page_for(
    *, ctx: AuditContext, clinic: Clinic, filters: DashboardFilter
) -> DashboardPage:
    _audit(ctx, clinic, Action.VIEW, "outcomes_dashboard", "", filters)
    summary = clinic_dashboard.summary(clinic, filters)
    tables = dashboard_tables(
        clinic,
        filters,
        keys=tuple(key for key in TABLE_KEYS if key not in _DRAWN_ELSEWHERE),
        summary=summary,
    )
    rates = clinic_dashboard.adverse_event_rates(clinic, filters, treatments=summary["sessions"])
    return DashboardPage(summary=summary, tables=tables, rates=rates)


def dashboard_table_for(
    *, ctx: AuditContext, clinic: Clinic, filters: DashboardFilter, table: str
) -> Table:
    """One of the dashboard's tables, for download (an audited export)."""
    _audit(ctx, clinic, Action.EXPORT, "outcomes_dashboard_csv", table, filters)
    return dashboard_tables(clinic, filters, keys=(table,))[table]
