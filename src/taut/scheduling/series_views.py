"""Book a series from a care plan (preview, a choice per conflict, confirm) and change a visit
with all that follow it."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.audit.services import audit_patient_read
from taut.clinical import scheduling as core
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.scheduling.availability import practitioner_of, practitioners_of
from taut.scheduling.forms import DATE_INPUT, TIME_INPUT
from taut.scheduling.models import AppointmentType
from taut.scheduling.models.availability import WEEKDAYS
from taut.scheduling.selectors import get_appointment_for, get_care_plan_for
from taut.scheduling.services import BookingRefused
from taut.scheduling.services.series import (
    MAX_VISITS,
    SeriesSpec,
    series_book,
    series_cancel_following,
    series_move_following,
    series_preview,
)
from taut.scheduling.slots import show_refusal


class SeriesForm(forms.Form):
    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label="Visit"
    )
    practitioner = forms.ChoiceField(label="With")
    weekdays = forms.TypedMultipleChoiceField(
        label="Days (one for weekly, two for twice weekly)",
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    count = forms.IntegerField(label="Visits", min_value=1, max_value=MAX_VISITS)
    first_day = forms.DateField(label="Starting on", widget=DATE_INPUT)
    time = forms.TimeField(label="Time", widget=TIME_INPUT)

    def clean_weekdays(self) -> list[int]:
        days: list[int] = self.cleaned_data["weekdays"]
        if len(days) > 2:
            raise forms.ValidationError("choose one day (weekly) or two (twice weekly).")
        return days


def series_form(request: StaffRequest, data: Any = None, **initial: Any) -> SeriesForm:
    clinic = request.membership.clinic
    form = SeriesForm(data, initial=initial, auto_id="series_%s")  # beside the follow-up form
    form.fields["practitioner"].choices = [  # type: ignore[attr-defined]
        (str(p.public_id), p.get_full_name() or p.username) for p in practitioners_of(clinic)
    ]
    form.fields["appointment_type"].queryset = AppointmentType.objects.for_clinic(  # type: ignore[attr-defined]
        clinic
    ).filter(is_active=True)
    return form


def _spec(request: StaffRequest, form: SeriesForm) -> SeriesSpec:
    data = form.cleaned_data
    practitioner = practitioner_of(request.membership.clinic, data["practitioner"])
    return SeriesSpec(
        appointment_type=data["appointment_type"],
        practitioner=practitioner,
        first_day=data["first_day"],
        time=data["time"],
        weekdays=data["weekdays"],
        count=data["count"],
    )


def _form_errors(request: StaffRequest, form: SeriesForm) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else "Form"
        messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")


@require_POST
@staff_required(Permission.SCHEDULE_BOOK)
def plan_series(request: StaffRequest, plan_id: uuid.UUID) -> HttpResponse:
    """Preview the series (each visit and its conflict) or, with `confirm`, book it."""
    plan = get_care_plan_for(membership=request.membership, public_id=plan_id)
    form = series_form(request, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("scheduling:plan", plan_id=plan.public_id)
    spec = _spec(request, form)
    try:
        if request.POST.get("confirm") == "yes":
            choices = {
                int(key.removeprefix("choice-")): str(value)
                for key, value in request.POST.items()
                if key.startswith("choice-") and key.removeprefix("choice-").isdigit()
            }
            series = series_book(
                request=request,
                actor=request.user,
                plan=plan,
                spec=spec,
                choices=choices,
                now=clock.now(),
            )
            messages.success(request, f"Booked {series.appointments.count()} visits in a series.")
            return redirect("scheduling:plan", plan_id=plan.public_id)
        visits = series_preview(plan=plan, spec=spec, now=clock.now())
    except BookingRefused as refusal:
        show_refusal(request, refusal)
        return redirect("scheduling:plan", plan_id=plan.public_id)
    audit_patient_read(request=request, patient=plan.patient, object_type="care_plan")
    return render(
        request,
        "scheduling/series_preview.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "form": form,
            "visits": visits,
            "zone": plan.clinic.zone,
        },
    )


class FollowingMoveForm(forms.Form):
    day = forms.DateField(label="New day for this visit", widget=DATE_INPUT)
    time = forms.TimeField(label="New time", widget=TIME_INPUT)


@require_POST
@staff_required(Permission.SCHEDULE_BOOK)
def series_following_move(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = get_appointment_for(membership=request.membership, public_id=appointment_id)
    form = FollowingMoveForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label}: {' '.join(str(e) for e in errors)}"
            )
        return redirect("scheduling:appointment", appointment_id=appointment.public_id)
    starts_at = core.local_instant(
        form.cleaned_data["day"], form.cleaned_data["time"], appointment.zone
    )
    try:
        moved = series_move_following(
            request=request,
            actor=request.user,
            appointment=appointment,
            starts_at=starts_at,
            now=clock.now(),
        )
    except BookingRefused as refusal:
        show_refusal(request, refusal)
        return redirect("scheduling:appointment", appointment_id=appointment.public_id)
    messages.success(request, f"Moved {len(moved)} visits. Each patient message says the new time.")
    return redirect("scheduling:appointment", appointment_id=moved[0].public_id)


@require_POST
@staff_required(Permission.SCHEDULE_BOOK)
def series_following_cancel(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = get_appointment_for(membership=request.membership, public_id=appointment_id)
    reason = request.POST.get("reason", "")
    try:
        cancelled = series_cancel_following(
            request=request,
            actor=request.user,
            appointment=appointment,
            reason=reason,
            now=clock.now(),
        )
    except BookingRefused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, f"Cancelled {len(cancelled)} visits.")
    return redirect("scheduling:appointment", appointment_id=appointment.public_id)
