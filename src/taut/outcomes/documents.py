"""Printable outcome documents (WeasyPrint): a progress report for a referrer or insurer, and a
discharge summary. Both show the measures with their charts, the sessions and the plan."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from taut.charting.mapping import muscle_label
from taut.charting.models import LateAdverseEvent, NeedlingEntry, SessionAdverseEvent
from taut.clinical.knowledge import load_knowledge
from taut.outcomes.selectors.patient_course import PatientOutcomes

DOCUMENTS = {
    "progress": ("outcomes/pdf_progress.html", "progress-report"),
    "discharge": ("outcomes/pdf_discharge.html", "discharge-summary"),
}


def session_details(outcomes: PatientOutcomes) -> list[dict[str, Any]]:
    """Each signed session with what was needled and any adverse event, including those reported
    after signing (three bounded queries)."""
    ids = [row.session.pk for row in outcomes.sessions]
    clinic = outcomes.patient.clinic_id
    needled: dict[int, list[str]] = defaultdict(list)
    techniques = {t.id: t.name for t in load_knowledge().techniques}
    for e in (
        NeedlingEntry.objects.for_clinic(clinic)
        .filter(session_id__in=ids)
        .order_by("pk")
        .values("session_id", "muscle", "side", "technique")
    ):
        technique = techniques.get(e["technique"], e["technique"])
        label = f"{muscle_label(e['muscle'], e['side'])}, {technique}"
        needled[e["session_id"]].append(label)
    events: dict[int, list[str]] = defaultdict(list)
    labels = {a.id: a.label for a in load_knowledge().adverse_events}
    for a in (
        SessionAdverseEvent.objects.for_clinic(clinic)
        .filter(session_id__in=ids)
        .order_by("recorded_at")
        .values("session_id", "event", "severity")
    ):
        events[a["session_id"]].append(f"{labels.get(a['event'], a['event'])} ({a['severity']})")
    for a in (
        LateAdverseEvent.objects.for_clinic(clinic)
        .filter(session_id__in=ids)
        .order_by("recorded_at")
        .values("session_id", "event", "severity")
    ):
        label = labels.get(a["event"], a["event"])
        events[a["session_id"]].append(f"{label} ({a['severity']}, reported after the session)")
    return [
        {
            "number": row.number,
            "session": row.session,
            "needled": needled[row.session.pk],
            "events": events[row.session.pk],
        }
        for row in outcomes.sessions
    ]


def document_pdf(outcomes: PatientOutcomes, kind: str, *, author: Any, today: dt.date) -> bytes:
    template, _ = DOCUMENTS[kind]
    latest = outcomes.sessions[-1].session if outcomes.sessions else None
    context = {
        "patient": outcomes.patient,
        "clinic": outcomes.patient.clinic,
        "outcomes": outcomes,
        "sessions": session_details(outcomes),
        "latest": latest,
        "author": author,
        "today": today,
    }
    with timezone.override(outcomes.patient.clinic.zone):
        html = render_to_string(template, context)
    return bytes(HTML(string=html).write_pdf())


def pdf_response(
    outcomes: PatientOutcomes, kind: str, *, author: Any, today: dt.date
) -> HttpResponse:
    _, stem = DOCUMENTS[kind]
    body = document_pdf(outcomes, kind, author=author, today=today)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"{stem}-{today:%Y-%m-%d}-{outcomes.patient.family_name}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
