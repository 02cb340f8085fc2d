"""The dashboard's tables as plain rows: the same data for the page and its CSV downloads.

Each table is one selector call (one aggregate query); `dashboard_tables` gathers them once per
request. `csv_bytes` writes one table, guarding against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from taut.clinics.models import Clinic
from taut.outcomes.selectors import clinic_dashboard
from taut.outcomes.selectors.clinic_dashboard import DashboardFilter, RateRow


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _rate_rows(rows: list[RateRow]) -> list[tuple[Any, ...]]:
    out = []
    for r in rows:
        published = "; ".join(
            f"{', '.join(c.source)} {c.published_per_1000:.1f}"
            + (" (clinic above)" if c.above_published else "")
            for c in r.comparisons
        )
        out.append(
            (
                r.label,
                r.severity,
                r.estimate.events,
                r.estimate.trials,
                f"{r.estimate.rate_per_1000:.1f}",
                f"{r.estimate.low_per_1000:.1f}",
                f"{r.estimate.high_per_1000:.1f}",
                published,
                "yes" if r.above_published else "no",
            )
        )
    return out


RATE_HEADER = (
    "event",
    "severity",
    "treatments with the event",
    "treatments",
    "per 1,000",
    "95% CI low",
    "95% CI high",
    "published per 1,000",
    "clinic interval above a published rate",
)
OUTCOME_HEADER = (
    "instrument",
    "courses",
    "mean baseline",
    "mean latest",
    "mean improvement",
    "responders",
    "responders %",
    "plateaus",
    "worse by the MCID",
)


def _outcome(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["abbreviation"],
        row["courses"],
        row["mean_baseline"],
        row["mean_latest"],
        row["mean_change"],
        row["responders"],
        row["responder_share"],
        row["plateaus"],
        row["worsening"],
    )


def dashboard_tables(
    clinic: Clinic,
    filters: DashboardFilter,
    *,
    keys: tuple[str, ...] | None = None,
    summary: dict[str, int] | None = None,
) -> dict[str, Table]:
    """The wanted tables (all by default), each built by one aggregate query or two."""
    counts = summary if summary is not None else clinic_dashboard.summary(clinic, filters)
    cache: dict[str, Any] = {}

    def rates() -> dict[str, list[RateRow]]:
        if "rates" not in cache:
            cache["rates"] = clinic_dashboard.adverse_event_rates(
                clinic, filters, treatments=counts["sessions"]
            )
        return cache["rates"]  # type: ignore[no-any-return]

    def outcomes(grouping: str) -> list[dict[str, Any]]:
        if "outcomes" not in cache:  # one query for the three outcome tables
            cache["outcomes"] = clinic_dashboard.outcome_tables(clinic, filters)
        return cache["outcomes"][grouping]  # type: ignore[no-any-return]

    builders: dict[str, Callable[[], Table]] = {
        "summary": lambda: Table(
            "summary",
            "Sessions and patients",
            ("signed sessions", "patients", "first sessions"),
            [(counts["sessions"], counts["patients"], counts["first_sessions"])],
        ),
        "clinicians": lambda: Table(
            "clinicians",
            "Sessions by practitioner",
            ("practitioner", "sessions", "patients"),
            [
                (r["clinician"], r["sessions"], r["patients"])
                for r in clinic_dashboard.sessions_by_clinician(clinic, filters)
            ],
        ),
        "muscles": lambda: Table(
            "muscles",
            "Muscles needled",
            ("muscle", "entries", "sessions", "needles"),
            [
                (r["label"], r["entries"], r["sessions"], r["needles"])
                for r in clinic_dashboard.muscles_used(clinic, filters)
            ],
        ),
        "techniques": lambda: Table(
            "techniques",
            "Techniques used",
            ("technique", "entries", "sessions", "needles"),
            [
                (r["label"], r["entries"], r["sessions"], r["needles"])
                for r in clinic_dashboard.techniques_used(clinic, filters)
            ],
        ),
        "responders": lambda: Table(
            "responders",
            "Responders and plateaus by instrument",
            (*OUTCOME_HEADER, "MCID", "MCID population", "MCID source"),
            [
                (*_outcome(r), r["mcid"], r["mcid_population"], r["mcid_source"])
                for r in outcomes("instrument")
            ],
        ),
        "conditions": lambda: Table(
            "conditions",
            "Outcomes by condition",
            ("condition", *OUTCOME_HEADER),
            [(r["label"], *_outcome(r)) for r in outcomes("condition")],
        ),
        "outcome_techniques": lambda: Table(
            "outcome_techniques",
            "Outcomes by technique",
            ("technique", *OUTCOME_HEADER),
            [(r["label"], *_outcome(r)) for r in outcomes("technique")],
        ),
        "events": lambda: Table(
            "events",
            "Adverse events by type, per 1,000 treatments",
            RATE_HEADER,
            _rate_rows(rates()["by_type"]),
        ),
        "severity": lambda: Table(
            "severity",
            "Adverse events by severity, per 1,000 treatments",
            RATE_HEADER,
            _rate_rows(rates()["by_severity"]),
        ),
    }
    return {key: build() for key, build in builders.items() if keys is None or key in keys}


TABLE_KEYS = (
    "summary",
    "clinicians",
    "muscles",
    "techniques",
    "responders",
    "conditions",
    "outcome_techniques",
    "events",
    "severity",
)


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def _safe(cell: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return "" if cell is None else cell
