"""Care plans: write one for a patient, follow its progress, book its follow-ups, close it."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.audit.services import audit_patient_read
from taut.clinical import scheduling as core
from taut.clinical.knowledge import load_knowledge
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.patients.selectors import get_patient_for
from taut.scheduling.availability import practitioner_of, practitioners_of
from taut.scheduling.forms import DATE_INPUT, TIME_INPUT, CarePlanForm
from taut.scheduling.models import AppointmentType, CarePlanStatus
from taut.scheduling.selectors import get_care_plan_for, plan_progress
from taut.scheduling.series_views import series_form
from taut.scheduling.services import BookingRefused
from taut.scheduling.services.care_plans import (
    care_plan_book_follow_ups,
    care_plan_close,
    care_plan_create,
)
from taut.scheduling.slots import show_refusal


@staff_required(Permission.CLINICAL_EDIT)
def plan_new(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    today = clock.today_in(patient.clinic.zone)
    form = CarePlanForm(request.POST or None, initial={"starts_on": today, "planned_sessions": 4})
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        plan.reassess_at = form.cleaned_data["reassess_at"]
        try:
            plan = care_plan_create(request=request, actor=request.user, patient=patient, plan=plan)
        except BookingRefused as refusal:
            for reason in refusal.reasons:
                form.add_error(None, reason)
        else:
            messages.success(request, "Care plan saved.")
            return redirect("scheduling:plan", plan_id=plan.public_id)
    audit_patient_read(request=request, patient=patient, object_type="care_plan")
    return render(
        request,
        "scheduling/plan_new.html",
        {"patient": patient, "form": form},
        status=422 if form.errors else 200,
    )


class FollowUpForm(forms.Form):
    practitioner = forms.ChoiceField(label="With")
    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label="Visit"
    )
    first_day = forms.DateField(label="Counting from the visit on", widget=DATE_INPUT)
    time = forms.TimeField(label="Preferred time", widget=TIME_INPUT)
    sessions = forms.IntegerField(
        label="How many follow-ups", min_value=1, max_value=core.MAX_SESSIONS
    )


def _follow_up_form(request: StaffRequest, data: object = None, **initial: object) -> FollowUpForm:
    clinic = request.membership.clinic
    form = FollowUpForm(data, initial=initial)  # type: ignore[arg-type]
    form.fields["practitioner"].choices = [  # type: ignore[attr-defined]
        (str(p.public_id), p.get_full_name() or p.username) for p in practitioners_of(clinic)
    ]
    form.fields["appointment_type"].queryset = AppointmentType.objects.for_clinic(  # type: ignore[attr-defined]
        clinic
    ).filter(is_active=True)
    return form


@staff_required(Permission.CLINICAL_VIEW)
def plan_detail(request: StaffRequest, plan_id: uuid.UUID) -> HttpResponse:
    plan = get_care_plan_for(membership=request.membership, public_id=plan_id)
    audit_patient_read(request=request, patient=plan.patient, object_type="care_plan")
    progress = plan_progress(plan=plan, now=clock.now())
    knowledge = load_knowledge()
    today = clock.today_in(plan.clinic.zone)
    default_type = (
        AppointmentType.objects.for_clinic(plan.clinic).filter(kind="dry_needling").first()
    )
    return render(
        request,
        "scheduling/plan.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "progress": progress,
            "conditions": [knowledge.condition(c).name for c in plan.conditions],
            "follow_up_form": _follow_up_form(
                request,
                first_day=today,
                time=dt.time(9),
                sessions=max(progress.remaining, 1),
                practitioner=str(request.membership.user.public_id),
                appointment_type=default_type,
            ),
            "series_form": series_form(
                request,
                first_day=today + dt.timedelta(days=1),
                time=dt.time(9),
                count=max(progress.remaining, 1),
                weekdays=[(today + dt.timedelta(days=1)).weekday()],
                practitioner=str(request.membership.user.public_id),
                appointment_type=default_type,
            ),
            "statuses": [CarePlanStatus.COMPLETED, CarePlanStatus.DISCONTINUED],
        },
    )


@require_POST
@staff_required(Permission.SCHEDULE_BOOK)
def plan_book_follow_ups(request: StaffRequest, plan_id: uuid.UUID) -> HttpResponse:
    plan = get_care_plan_for(membership=request.membership, public_id=plan_id)
    form = _follow_up_form(request, request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else "Form"
            messages.error(request, f"{label}: {' '.join(str(e) for e in errors)}")
        return redirect("scheduling:plan", plan_id=plan.public_id)
    practitioner = practitioner_of(plan.clinic, form.cleaned_data["practitioner"])
    first = core.local_instant(
        form.cleaned_data["first_day"], form.cleaned_data["time"], plan.clinic.zone
    )
    try:
        results = care_plan_book_follow_ups(
            request=request,
            actor=request.user,
            plan=plan,
            practitioner=practitioner,
            appointment_type=form.cleaned_data["appointment_type"],
            first=first,
            sessions=form.cleaned_data["sessions"],
            now=clock.now(),
        )
    except BookingRefused as refusal:
        show_refusal(request, refusal)
    else:
        booked = [r for r in results if r.appointment]
        messages.success(request, f"Booked {len(booked)} of {len(results)} follow-ups.")
        zone = plan.clinic.zone
        for missed in (r for r in results if not r.appointment):
            messages.warning(
                request,
                f"Not booked for {missed.aimed_at.astimezone(zone):%a %d %b}: {missed.reason}.",
            )
    return redirect("scheduling:plan", plan_id=plan.public_id)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def plan_close(request: StaffRequest, plan_id: uuid.UUID) -> HttpResponse:
    plan = get_care_plan_for(membership=request.membership, public_id=plan_id)
    choice = request.POST.get("status", "")
    status = CarePlanStatus(choice) if choice in CarePlanStatus.values else CarePlanStatus.ACTIVE
    try:
        care_plan_close(
            request=request,
            actor=request.user,
            plan=plan,
            status=status,
            note=request.POST.get("note", ""),
        )
    except BookingRefused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, f"Care plan closed: {status.label.lower()}.")
    return redirect("scheduling:plan", plan_id=plan.public_id)
