"""Staff pages of the diary: red-flag alerts, their answers, and closing them."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.diary import services
from taut.diary.forms import CloseAlertForm
from taut.diary.models import RedFlagAlert
from taut.diary.selectors import (
    alert_event_prefill,
    alert_flags,
    alert_read_for,
    entry_answers,
    event_label,
    get_alert_for,
    red_flag_alerts_for,
    session_diary,
)


@staff_required(Permission.CLINICAL_VIEW)
def alert_list(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    alerts = red_flag_alerts_for(ctx=AuditContext.from_request(request), clinic=clinic)
    return render(request, "diary/alerts.html", {"alerts": alerts.open, "closed": alerts.closed})


def _alert_page(
    request: StaffRequest, alert: RedFlagAlert, form: CloseAlertForm, status: int = 200
) -> HttpResponse:
    diary = session_diary(session=alert.session)
    diary["entries"] = [item for item in diary["entries"] if item["row"].pk != alert.entry_id]
    context = {
        "alert": alert,
        "patient": alert.patient,
        "session": alert.session,
        "flags": alert_flags(alert),
        "answers": entry_answers(alert.entry),
        "diary": diary,
        "form": form,
        "recorded_event_label": event_label(alert.adverse_event.event)
        if alert.adverse_event
        else "",
    }
    return render(request, "diary/alert.html", context, status=status)


@staff_required(Permission.CLINICAL_VIEW)
def alert_detail(request: StaffRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = alert_read_for(ctx=AuditContext.from_request(request), public_id=alert_id)
    return _alert_page(request, alert, CloseAlertForm(initial=alert_event_prefill(alert)))


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def alert_close(request: StaffRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = get_alert_for(membership=request.membership, public_id=alert_id)
    form = CloseAlertForm(request.POST)
    if form.is_valid():
        try:
            services.alert_close(
                request=request,
                actor=request.user,
                alert=alert,
                action_taken=form.cleaned_data["action_taken"],
                adverse_event=form.adverse_event(),
            )
        except services.DiaryRefused as refusal:
            form.add_error(None, " ".join(refusal.reasons))
        else:
            recorded = " and the adverse event recorded" if form.adverse_event() else ""
            messages.success(request, f"Alert closed{recorded}. It stays in the alert history.")
            return redirect("diary:alert", alert_id=alert.public_id)
    return _alert_page(request, alert, form)
