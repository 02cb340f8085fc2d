"""The patient's waitlist: join it for an earlier time, see their entries, leave."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.audit.services import audit_patient_read
from taut.portal.access import patient_required
from taut.scheduling.models import WaitlistEntry
from taut.scheduling.selectors import waitlist_waiting
from taut.scheduling.services.waitlist import WaitlistRefused, waitlist_leave
from taut.scheduling.waitlist_forms import WaitlistForm, waitlist_initial
from taut.scheduling.waitlist_views import joined_from_form


@patient_required
def portal_waitlist(request: HttpRequest) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    form = WaitlistForm(
        request.POST or None,
        clinic=patient.clinic,
        online=True,
        initial=waitlist_initial(clock.today_in(patient.clinic.zone)),
    )
    if request.method == "POST" and joined_from_form(request, patient, form):
        messages.success(request, "You are on the waitlist. We will write when a time frees.")
        return redirect("portal:waitlist")
    audit_patient_read(request=request, patient=patient, object_type="waitlist")
    entries = waitlist_waiting(clinic=patient.clinic, patient=patient)
    return render(
        request,
        "portal/waitlist.html",
        {"form": form, "entries": entries},
        status=422 if form.errors else 200,
    )


@require_POST
@patient_required
def portal_waitlist_leave(request: HttpRequest, waitlist_id: uuid.UUID) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    entry = (
        WaitlistEntry.objects.for_clinic(patient.clinic)
        .filter(patient=patient, public_id=waitlist_id)
        .first()
    )
    if entry is None:
        raise Http404("No such waitlist entry.")
    try:
        waitlist_leave(request=request, actor=request.user, entry=entry)
    except WaitlistRefused as refusal:
        for reason in refusal.reasons:
            messages.error(request, reason)
    else:
        messages.success(request, "You have left the waitlist.")
    return redirect("portal:waitlist")
