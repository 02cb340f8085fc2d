"""Outcome pages: a patient's course, the clinic dashboard, its CSV tables and the PDFs. Thin."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render

from taut import clock
from taut.audit.models import Action
from taut.clinical.course import EPISODE_GAP_DAYS, TIMING_NOTE
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.outcomes.documents import pdf_response
from taut.outcomes.forms import DashboardFilterForm
from taut.outcomes.selectors import patient_course
from taut.outcomes.selectors.dashboard_page import dashboard_page_for, dashboard_table_for
from taut.outcomes.tables import TABLE_KEYS, csv_bytes
from taut.patients.selectors import patient_read_for
from taut.replica import reads_from_replica
from taut.scheduling.selectors import care_plan_active


def _plan_numbers(patient: Any) -> patient_course.PlanNumbers | None:
    """The active care plan's numbers for the course rules; None falls back to the defaults."""
    plan = care_plan_active(patient=patient)
    if plan is None:
        return None
    return patient_course.PlanNumbers(
        planned_sessions=plan.planned_sessions,
        reassess_at=tuple(plan.reassess_at) or (plan.planned_sessions,),
    )


@staff_required(Permission.CLINICAL_VIEW)
def patient_page(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = patient_read_for(
        ctx=AuditContext.from_request(request), public_id=patient_id, reading="outcomes"
    )
    outcomes = patient_course.patient_outcomes(patient=patient, plan=_plan_numbers(patient))
    return render(
        request,
        "outcomes/patient.html",
        {"patient": patient, "outcomes": outcomes, "timing_note": TIMING_NOTE},
    )


def _document(request: StaffRequest, patient_id: uuid.UUID, kind: str) -> HttpResponse:
    patient = patient_read_for(
        ctx=AuditContext.from_request(request),
        public_id=patient_id,
        reading=f"outcomes_{kind}_pdf",
        action=Action.EXPORT,
    )
    outcomes = patient_course.patient_outcomes(patient=patient, plan=_plan_numbers(patient))
    today = clock.today_in(patient.clinic.zone)
    return pdf_response(outcomes, kind, author=request.user, today=today)


@staff_required(Permission.CLINICAL_VIEW)
def progress_pdf(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    return _document(request, patient_id, "progress")


@staff_required(Permission.CLINICAL_VIEW)
def discharge_pdf(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    return _document(request, patient_id, "discharge")


def _filter_form(request: StaffRequest) -> DashboardFilterForm:
    clinic = request.membership.clinic
    return DashboardFilterForm(
        request.GET or None, clinic=clinic, today=clock.today_in(clinic.zone)
    )


@staff_required(Permission.DASHBOARD_VIEW)
@reads_from_replica
def dashboard(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "outcomes/dashboard.html", {"form": form}, status=400)
    filters = form.filters()
    page = dashboard_page_for(
        ctx=AuditContext.from_request(request), clinic=clinic, filters=filters
    )
    return render(
        request,
        "outcomes/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "summary": page.summary,
            "tables": page.tables,
            "rates": page.rates,
            "query": request.GET.urlencode(),
            "rule_note": patient_course.RULE_NOTE,
            "episode_gap_days": EPISODE_GAP_DAYS,
        },
    )


@staff_required(Permission.DASHBOARD_VIEW)
@reads_from_replica
def dashboard_csv(request: StaffRequest, table: str) -> HttpResponse:
    if table not in TABLE_KEYS:
        raise Http404("No such dashboard table.")
    clinic = request.membership.clinic
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse("Invalid filters: " + form.errors.as_text(), status=400)
    filters = form.filters()
    chosen = dashboard_table_for(
        ctx=AuditContext.from_request(request), clinic=clinic, filters=filters, table=table
    )
    response = HttpResponse(csv_bytes(chosen), content_type="text/csv; charset=utf-8")
    name = f"{clinic.slug}-{table}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
