"""The desk's waitlist: who waits for what, and putting a patient on it."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from taut import clock
from taut.audit.services import audit_patient_read
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.patients.selectors import get_patient_for
from taut.scheduling.selectors import waitlist_waiting
from taut.scheduling.services.waitlist import WaitlistRefused, waitlist_join
from taut.scheduling.waitlist_forms import WaitlistForm, waitlist_initial


def joined_from_form(request: HttpRequest, patient: Any, form: WaitlistForm) -> bool:
    """Put the patient on the waitlist from a valid form (the desk's or the portal's); a refusal
    lands on the form."""
    if not form.is_valid():
        return False
    try:
        waitlist_join(
            request=request, actor=request.user, patient=patient, wish=form.wish(), now=clock.now()
        )
    except WaitlistRefused as refusal:
        for reason in refusal.reasons:
            form.add_error(None, reason)
        return False
    return True


@staff_required(Permission.SCHEDULE_BOOK)
def waitlist_list(request: StaffRequest) -> HttpResponse:
    entries = waitlist_waiting(clinic=request.membership.clinic)
    return render(request, "scheduling/waitlist.html", {"entries": entries})


@staff_required(Permission.SCHEDULE_BOOK)
def waitlist_add(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    form = WaitlistForm(
        request.POST or None,
        clinic=patient.clinic,
        online=False,
        initial=waitlist_initial(clock.today_in(patient.clinic.zone)),
    )
    if request.method == "POST" and joined_from_form(request, patient, form):
        messages.success(request, "On the waitlist.")
        return redirect("scheduling:waitlist")
    audit_patient_read(request=request, patient=patient, object_type="waitlist")
    return render(
        request,
        "scheduling/waitlist_add.html",
        {"form": form, "patient": patient},
        status=422 if form.errors else 200,
    )
