"""Needle stock and practitioner credentials: the clinic's side of charting."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.charting.forms import LotForm, ProductForm, ProfileForm
from taut.charting.models import PractitionerProfile
from taut.charting.selectors import stock_for
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.models import Membership
from taut.clinics.roles import Permission, Role
from taut.common.forms_text import form_errors_sentence


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
        with transaction.atomic():
            product = form.save(commit=False)
            product.clinic = request.membership.clinic
            product.save()
            audit_record(
                request=request,
                actor=request.user,
                clinic=product.clinic,
                action=Action.CREATE,
                object_type="needle_product",
                object_id=str(product.pk),
            )
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
        try:
            with transaction.atomic():
                lot = form.save(commit=False)
                lot.clinic = clinic
                lot.save()
                audit_record(
                    request=request,
                    actor=request.user,
                    clinic=clinic,
                    action=Action.CREATE,
                    object_type="needle_lot",
                    object_id=lot.lot_number,
                )
            messages.success(request, f"Lot {lot.lot_number} is in stock.")
        except IntegrityError:
            messages.error(request, "That lot of that product is already in stock.")
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
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.clinic, saved.user = clinic, membership.user
            saved.save()
            audit_record(
                request=request,
                actor=request.user,
                clinic=clinic,
                action=Action.UPDATE,
                object_type="practitioner_profile",
                object_id=str(membership.user.public_id),
            )
        messages.success(request, f"Credentials of {membership.user.display_name} saved.")
    else:
        messages.error(request, form_errors_sentence(form))
    return redirect("charting:practitioners")
