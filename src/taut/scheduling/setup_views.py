"""The owner's schedule set-up (types, hours, breaks, time off, rooms and devices, policy) and
calendar feeds."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from taut import clock
from taut.clinical import scheduling as core
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.scheduling.availability import policy_for, practitioners_of
from taut.scheduling.calendar import practitioner_feed
from taut.scheduling.forms import (
    AppointmentTypeForm,
    BreakForm,
    PolicyForm,
    ResourceForm,
    TimeOffForm,
    WorkingHoursForm,
)
from taut.scheduling.models import (
    AppointmentType,
    CalendarFeed,
    TimeOff,
    WeeklyBreak,
    WorkingHours,
)
from taut.scheduling.selectors import (
    feed_appointments,
    feed_of,
    get_resource_for,
    resources_of,
)
from taut.scheduling.services import BookingRefused, setup
from taut.scheduling.services.resources import resource_save
from taut.scheduling.slots import show_refusal


def _forms(request: StaffRequest, **bound: Any) -> dict[str, Any]:
    clinic = request.membership.clinic
    practitioners = practitioners_of(clinic)
    return {
        "hours_form": bound.get("hours_form")
        or WorkingHoursForm(clinic=clinic, practitioners=practitioners),
        "break_form": bound.get("break_form") or BreakForm(practitioners=practitioners),
        "time_off_form": bound.get("time_off_form") or TimeOffForm(practitioners=practitioners),
        "policy_form": bound.get("policy_form") or PolicyForm(instance=policy_for(clinic)),
        "resource_form": bound.get("resource_form") or ResourceForm(clinic=clinic),
    }


def _page(request: StaffRequest, status: int = 200, **bound: Any) -> HttpResponse:
    clinic = request.membership.clinic
    setup.scheduling_defaults_ensure(clinic=clinic)
    today = clock.now().astimezone(clinic.zone)
    context = {
        "types": AppointmentType.objects.for_clinic(clinic),
        "hours": WorkingHours.objects.for_clinic(clinic).select_related("practitioner", "location"),
        "breaks": WeeklyBreak.objects.for_clinic(clinic).select_related("practitioner"),
        "time_off": TimeOff.objects.for_clinic(clinic)
        .filter(ends_at__gte=today)
        .select_related("practitioner"),
        "resources": resources_of(clinic=clinic, active_only=False),
        **_forms(request, **bound),
    }
    return render(request, "scheduling/setup.html", context, status=status)


@staff_required(Permission.SCHEDULE_SETUP)
def setup_page(request: StaffRequest) -> HttpResponse:
    return _page(request)


@require_POST
@staff_required(Permission.SCHEDULE_SETUP)
def hours_add(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    form = WorkingHoursForm(request.POST, clinic=clinic, practitioners=practitioners_of(clinic))
    if not form.is_valid():
        return _page(request, status=422, hours_form=form)
    try:
        setup.working_hours_add(
            request=request,
            actor=request.user,
            clinic=clinic,
            practitioner=form.chosen(),
            location=form.cleaned_data["location"],
            weekday=form.cleaned_data["weekday"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )
    except BookingRefused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, "Working hours added.")
    return redirect("scheduling:setup")


@require_POST
@staff_required(Permission.SCHEDULE_SETUP)
def break_add(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    form = BreakForm(request.POST, practitioners=practitioners_of(clinic))
    if not form.is_valid():
        return _page(request, status=422, break_form=form)
    try:
        setup.weekly_break_add(
            request=request,
            actor=request.user,
            clinic=clinic,
            practitioner=form.chosen(),
            weekday=form.cleaned_data["weekday"],
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )
    except BookingRefused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, "Break added.")
    return redirect("scheduling:setup")


@require_POST
@staff_required(Permission.SCHEDULE_SETUP)
def time_off_add(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    form = TimeOffForm(request.POST, practitioners=practitioners_of(clinic))
    if not form.is_valid():
        return _page(request, status=422, time_off_form=form)
    zone = clinic.zone
    try:
        setup.time_off_add(
            request=request,
            actor=request.user,
            clinic=clinic,
            practitioner=form.chosen(),
            starts_at=core.local_instant(form.cleaned_data["first_day"], dt.time(0), zone),
            ends_at=core.local_instant(
                form.cleaned_data["last_day"] + dt.timedelta(days=1), dt.time(0), zone
            ),
            reason=form.cleaned_data["reason"],
        )
    except BookingRefused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, "Time off added; no one can book into it online or at the desk.")
    return redirect("scheduling:setup")


def _remove(request: StaffRequest, model: Any, pk: int, done: str) -> HttpResponse:
    row = model.objects.for_clinic(request.membership.clinic).filter(pk=pk).first()
    if row is None:
        raise Http404("No such entry in this clinic's set-up.")
    setup.setup_row_remove(request=request, actor=request.user, row=row)
    messages.success(request, done)
    return redirect("scheduling:setup")


@require_POST
@staff_required(Permission.SCHEDULE_SETUP)
def hours_remove(request: StaffRequest, hours_id: int) -> HttpResponse:
    return _remove(request, WorkingHours, hours_id, "Working hours removed; bookings stay.")


@require_POST
@staff_required(Permission.SCHEDULE_SETUP)
def break_remove(request: StaffRequest, break_id: int) -> HttpResponse:
    return _remove(request, WeeklyBreak, break_id, "Break removed.")


@require_POST
@staff_required(Permission.SCHEDULE_SETUP)
def time_off_remove(request: StaffRequest, time_off_id: int) -> HttpResponse:
    return _remove(request, TimeOff, time_off_id, "Time off removed.")


@staff_required(Permission.SCHEDULE_SETUP)
def type_edit(request: StaffRequest, type_id: int) -> HttpResponse:
    clinic = request.membership.clinic
    appointment_type = AppointmentType.objects.for_clinic(clinic).filter(pk=type_id).first()
    if appointment_type is None:
        raise Http404("No such appointment type in this clinic.")
    form = AppointmentTypeForm(request.POST or None, instance=appointment_type)
    if request.method == "POST" and form.is_valid():
        try:
            setup.appointment_type_save(
                request=request, actor=request.user, appointment_type=form.save(commit=False)
            )
        except BookingRefused as refusal:
            for reason in refusal.reasons:
                form.add_error(None, reason)
        else:
            messages.success(request, f"“{appointment_type.name}” saved.")
            return redirect("scheduling:setup")
    return render(
        request,
        "scheduling/type_edit.html",
        {"form": form, "appointment_type": appointment_type},
        status=422 if form.errors else 200,
    )


@require_POST
@staff_required(Permission.SCHEDULE_SETUP)
def resource_add(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    form = ResourceForm(request.POST, clinic=clinic)
    if form.is_valid():
        resource = form.save(commit=False)
        resource.clinic = clinic
        try:
            resource_save(request=request, actor=request.user, resource=resource)
        except BookingRefused as refusal:
            for field, reason in refusal.fields.items():
                form.add_error(field if field in form.fields else None, reason)
        else:
            messages.success(request, f"“{resource.name}” added.")
            return redirect("scheduling:setup")
    return _page(request, status=422, resource_form=form)


@staff_required(Permission.SCHEDULE_SETUP)
def resource_edit(request: StaffRequest, resource_id: uuid.UUID) -> HttpResponse:
    """Rename or move a room or device, or retire it (its past and booked visits keep it)."""
    clinic = request.membership.clinic
    resource = get_resource_for(membership=request.membership, public_id=resource_id)
    form = ResourceForm(request.POST or None, instance=resource, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        try:
            resource_save(request=request, actor=request.user, resource=form.save(commit=False))
        except BookingRefused as refusal:
            for field, reason in refusal.fields.items():
                form.add_error(field if field in form.fields else None, reason)
        else:
            messages.success(request, f"“{resource.name}” saved.")
            return redirect("scheduling:setup")
    return render(
        request,
        "scheduling/resource_edit.html",
        {"form": form, "resource": resource},
        status=422 if form.errors else 200,
    )


@require_POST
@staff_required(Permission.SCHEDULE_SETUP)
def policy_edit(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    setup.scheduling_defaults_ensure(clinic=clinic)
    form = PolicyForm(request.POST, instance=policy_for(clinic))
    if not form.is_valid():
        return _page(request, status=422, policy_form=form)
    setup.booking_policy_save(request=request, actor=request.user, policy=form.save(commit=False))
    messages.success(request, "Booking policy saved.")
    return redirect("scheduling:setup")


@staff_required(Permission.SCHEDULE_BOOK)
def my_calendar(request: StaffRequest) -> HttpResponse:
    """The signed-in clinician's calendar feed address, made or renewed on request."""
    clinic = request.membership.clinic
    if request.method == "POST":
        setup.calendar_feed_renew(request=request, actor=request.user, clinic=clinic)
        messages.success(request, "A new calendar address is ready; the old one no longer works.")
        return redirect("scheduling:my_calendar")
    feed = CalendarFeed.objects.for_clinic(clinic).filter(practitioner=request.user).first()
    return render(request, "scheduling/my_calendar.html", {"feed": feed})


@require_GET
def calendar_feed(request: Any, token: str) -> HttpResponse:
    """Read by calendar apps, which cannot sign in: the secret address is the credential."""
    feed = feed_of(token=token)
    now = clock.now()
    name = f"{feed.clinic.name}: {feed.practitioner.get_full_name() or feed.practitioner.username}"
    body = practitioner_feed(name, feed_appointments(feed=feed, now=now), now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
