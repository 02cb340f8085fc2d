from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from taut.clinics import services
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.forms import (
    ClinicForm,
    ClinicSwitchForm,
    LocationForm,
    LocationZoneForm,
    LogoForm,
    StaffForm,
    location_zone_field,
)
from taut.clinics.middleware import SESSION_KEY
from taut.clinics.models import ClinicLogo, Membership
from taut.clinics.roles import Permission
from taut.clinics.selectors import (
    get_location_for,
    get_staff_member_for,
    locations_for_clinic,
    memberships_for_user,
)
from taut.common.forms_text import form_errors_sentence
from taut.common.lockout import locked_usernames


@staff_required(Permission.CLINIC_MANAGE)
def clinic_settings(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    form = ClinicForm(request.POST or None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        services.clinic_update(
            request=request, actor=request.user, clinic=clinic, data=form.cleaned_data
        )
        messages.success(request, "Clinic settings saved.")
        return redirect("clinics:settings")
    if request.method == "POST":
        clinic.refresh_from_db()
    staff = list(
        Membership.objects.for_clinic(clinic)
        .select_related("user")
        .order_by("-is_active", "role", "user__last_name")
    )
    return render(
        request,
        "clinics/settings.html",
        {
            "form": form,
            "locations": locations_for_clinic(clinic=clinic),
            "location_form": LocationForm(),
            "zone_choices": location_zone_field().choices,
            "staff": staff,
            "locked": locked_usernames(m.user.get_username() for m in staff),
            "staff_form": StaffForm(),
            "logo_form": LogoForm(),
        },
    )


@require_POST
@staff_required(Permission.CLINIC_MANAGE)
def logo_upload(request: StaffRequest) -> HttpResponse:
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        services.clinic_logo_set(
            request=request,
            actor=request.user,
            clinic=request.membership.clinic,
            logo=form.cleaned_data["logo"],
        )
        messages.success(request, "Logo saved: it now appears on the portal and on every PDF.")
    else:
        messages.error(request, form_errors_sentence(form))
    return redirect("clinics:settings")


@require_POST
@staff_required(Permission.CLINIC_MANAGE)
def logo_remove(request: StaffRequest) -> HttpResponse:
    services.clinic_logo_remove(
        request=request, actor=request.user, clinic=request.membership.clinic
    )
    messages.success(request, "Logo removed.")
    return redirect("clinics:settings")


@require_GET
def logo_image(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    """The clinic's logo for its public pages and portal: the re-encoded PNG, never the upload."""
    logo = get_object_or_404(ClinicLogo.objects.select_related("clinic"), clinic__slug=clinic_slug)
    response = HttpResponse(bytes(logo.png), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = 'inline; filename="logo.png"'
    return response


@require_POST
@staff_required(Permission.CLINIC_MANAGE)
def location_add(request: StaffRequest) -> HttpResponse:
    form = LocationForm(request.POST)
    if form.is_valid():
        try:
            services.location_create(
                request=request,
                actor=request.user,
                clinic=request.membership.clinic,
                data=form.cleaned_data,
            )
            messages.success(request, "Location added.")
        except services.ClinicError as refusal:
            messages.error(request, str(refusal))
    else:
        messages.error(request, form_errors_sentence(form))
    return redirect("clinics:settings")


@require_POST
@staff_required(Permission.CLINIC_MANAGE)
def location_time_zone(request: StaffRequest, location_id: str) -> HttpResponse:
    location = get_location_for(membership=request.membership, public_id=location_id)
    form = LocationZoneForm(request.POST)
    if form.is_valid():
        services.location_time_zone_set(
            request=request,
            actor=request.user,
            location=location,
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(request, f"Time zone of {location.name} saved.")
    else:
        messages.error(request, form_errors_sentence(form))
    return redirect("clinics:settings")


@require_POST
@staff_required(Permission.CLINIC_MANAGE)
def staff_add(request: StaffRequest) -> HttpResponse:
    form = StaffForm(request.POST)
    if form.is_valid():
        try:
            services.staff_add(
                request=request,
                actor=request.user,
                clinic=request.membership.clinic,
                data=form.cleaned_data,
            )
            messages.success(
                request, "Staff member added; they were sent a link to set a password."
            )
        except services.ClinicError as refusal:
            messages.error(request, str(refusal))
    else:
        messages.error(request, form_errors_sentence(form))
    return redirect("clinics:settings")


@require_POST
@staff_required(Permission.CLINIC_MANAGE)
def staff_remove(request: StaffRequest, user_id: str) -> HttpResponse:
    membership = (
        Membership.objects.for_clinic(request.membership.clinic)
        .filter(user__public_id=user_id)
        .select_related("user", "clinic")
        .first()
    )
    if membership is None:
        raise Http404("No such staff member in this clinic.")
    try:
        services.membership_deactivate(request=request, actor=request.user, membership=membership)
        messages.success(request, f"{membership.user.get_username()} no longer has access.")
    except services.ClinicError as refusal:
        messages.error(request, str(refusal))
    return redirect("clinics:settings")


@require_POST
@staff_required(Permission.CLINIC_MANAGE)
def staff_unlock(request: StaffRequest, user_id: str) -> HttpResponse:
    membership = get_staff_member_for(membership=request.membership, user_public_id=user_id)
    services.staff_unlock(request=request, actor=request.user, membership=membership)
    messages.success(request, f"{membership.user.get_username()} can sign in again.")
    return redirect("clinics:settings")


@require_POST
@staff_required(Permission.CLINIC_MANAGE)
def staff_two_factor_reset(request: StaffRequest, user_id: str) -> HttpResponse:
    membership = get_staff_member_for(membership=request.membership, user_public_id=user_id)
    try:
        services.two_factor_reset(request=request, actor=request.user, membership=membership)
        messages.success(
            request,
            f"{membership.user.get_username()}'s authenticator was removed; they set up a new "
            "one at their next sign-in if the clinic requires it.",
        )
    except services.ClinicError as refusal:
        messages.error(request, str(refusal))
    return redirect("clinics:settings")


@require_POST
def clinic_switch(request: HttpRequest) -> HttpResponse:
    form = ClinicSwitchForm(request.POST)
    if not request.user.is_authenticated or not form.is_valid():
        raise Http404("No such clinic.")
    allowed = {m.clinic_id for m in memberships_for_user(user=request.user)}
    if form.cleaned_data["clinic"] not in allowed:
        raise Http404("No such clinic.")
    request.session[SESSION_KEY] = form.cleaned_data["clinic"]
    return redirect("home")
