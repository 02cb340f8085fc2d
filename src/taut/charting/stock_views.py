"""Needle stock and practitioner credentials: the clinic's side of charting."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.charting import stock_services
from taut.charting.forms import LotForm, ProductForm, ProfileForm
from taut.charting.models import PractitionerProfile
from taut.charting.selectors import stock_for
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.models import Membership
from taut.clinics.roles import Permission, Role
from taut.common.context import AuditContext
from taut.common.forms_text import form_errors_sentence
from taut.common.refusal_pages import show_refusal
from taut.common.refusals import Refused


def _today(request: StaffRequest):  # type: ignore[no-untyped-def]
    return clock.today_in(request.membership.clinic.zone)


@staff_required(Permission.NEEDLE_STOCK)
def stock(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    return render(
        request,
        "charting/stock.html",
        {
            "products": stock_for(clinic=clinic),
            "today": _today(request),
            "product_form": ProductForm(),
            "lot_form": LotForm(clinic=clinic, today=_today(request)),
        },
    )


@require_POST
@staff_required(Permission.NEEDLE_STOCK)
def product_add(request: StaffRequest) -> HttpResponse:
    form = ProductForm(request.POST)
    if form.is_valid():
        product = form.save(commit=False)
        product.clinic = request.membership.clinic
        stock_services.needle_product_add(ctx=AuditContext.from_request(request), product=product)
        messages.success(request, f"Added {product}.")
    else:
        messages.error(request, form_errors_sentence(form))
    return redirect("charting:stock")


@require_POST
@staff_required(Permission.NEEDLE_STOCK)
def lot_add(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    form = LotForm(request.POST, clinic=clinic, today=_today(request))
    if form.is_valid():
        lot = form.save(commit=False)
        lot.clinic = clinic
        try:
            stock_services.needle_lot_add(ctx=AuditContext.from_request(request), lot=lot)
            messages.success(request, f"Lot {lot.lot_number} is in stock.")
        except Refused as refusal:
            show_refusal(request, refusal)
    else:
        messages.error(request, form_errors_sentence(form))
    return redirect("charting:stock")


@staff_required(Permission.CLINIC_MANAGE)
def practitioners(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    clinicians = (
        Membership.objects.for_clinic(clinic)
        .filter(role=Role.CLINICIAN, is_active=True)
        .select_related("user")
        .order_by("user__last_name")
    )
    profiles = {p.user_id: p for p in PractitionerProfile.objects.for_clinic(clinic)}
    rows = [
        {
            "membership": m,
            "profile": profiles.get(m.user_id),
            "form": ProfileForm(instance=profiles.get(m.user_id), prefix=str(m.user.public_id)),
        }
        for m in clinicians
    ]
    return render(request, "charting/practitioners.html", {"rows": rows})


@require_POST
@staff_required(Permission.CLINIC_MANAGE)
def practitioner_save(request: StaffRequest, user_id: str) -> HttpResponse:
    clinic = request.membership.clinic
    membership = (
        Membership.objects.for_clinic(clinic)
        .filter(user__public_id=user_id, role=Role.CLINICIAN)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404("No such clinician in this clinic.")
    profile = PractitionerProfile.objects.for_clinic(clinic).filter(user=membership.user).first()
    form = ProfileForm(request.POST, instance=profile, prefix=str(membership.user.public_id))
    if form.is_valid():
        saved = form.save(commit=False)
        saved.clinic, saved.user = clinic, membership.user
        stock_services.practitioner_profile_save(
            ctx=AuditContext.from_request(request),
            profile=saved,
            user_public_id=str(membership.user.public_id),
        )
        messages.success(request, f"Credentials of {membership.user.display_name} saved.")
    else:
        messages.error(request, form_errors_sentence(form))
    return redirect("charting:practitioners")
