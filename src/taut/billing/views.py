"""The desk's money pages: a patient's account, invoices, payments, refunds, and the clinic's
fee schedule. Views parse, call a service, and render; the rules live in services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.billing import documents, late_fees, package_sales, services
from taut.billing.forms import (
    FeeForm,
    OnceForm,
    PackageForm,
    PaymentForm,
    ReasonForm,
    RefundForm,
    SettingsForm,
)
from taut.billing.models import EntryKind, InvoiceStatus
from taut.billing.packages import get_package_for, packages_of
from taut.billing.selectors import (
    billing_settings_for,
    fees_of,
    get_entry_for,
    get_invoice_for,
    invoice_balance,
    invoice_totals,
    issued_invoices_of,
    patient_account,
    refundable,
    sessions_to_invoice,
)
from taut.billing.takings import close_out, close_out_csv
from taut.charting.selectors import get_session_for
from taut.clinical.billing import load_billing
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.models import Location, Membership
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.common.refusal_pages import show_refusal
from taut.common.refusals import Refused
from taut.patients.selectors import get_patient_for
from taut.scheduling.models import AppointmentType
from taut.scheduling.selectors import get_appointment_for


def _patient(request: StaffRequest, patient_id: uuid.UUID) -> Any:
    return get_patient_for(membership=request.membership, public_id=patient_id)


def _to_account(patient: Any) -> HttpResponse:
    return redirect("billing:account", patient_id=patient.public_id)


def _form_errors(request: StaffRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = ""
        if field in form.fields:
            label = form.fields[field].label or field.replace("_", " ")
        for error in errors:
            messages.error(request, f"{str(label).capitalize()}: {error}" if label else error)


@staff_required(Permission.BILLING_VIEW)
def account(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, patient_id)
    ctx = AuditContext.from_request(request)
    found = patient_account(ctx=ctx, patient=patient)
    currency = billing_settings_for(request.membership.clinic).currency
    issued = [i for i in found.invoices if i.status == InvoiceStatus.ISSUED]
    payments = [e for e in found.entries if e.kind == EntryKind.PAYMENT]
    return render(
        request,
        "billing/account.html",
        {
            "patient": patient,
            "account": found,
            "currency": currency,
            "payment_form": PaymentForm(currency=currency, invoices=issued),
            "refundable": {p.pk: refundable(p) for p in payments},
            "reason_form": ReasonForm(),
            "refund_form": RefundForm(currency=currency),
            "may_charge": request.membership.may(Permission.BILLING_CHARGE),
            "may_void": request.membership.may(Permission.BILLING_VOID),
            "late_fees": late_fees.late_fees_of(patient),
            "to_invoice": sessions_to_invoice(patient),
            "once_form": OnceForm(),
            "packages": packages_of(patient),
            "package_form": _package_form(request, currency),
        },
    )


def _package_form(request: StaffRequest, currency: str, data: Any = None) -> PackageForm:
    types = list(AppointmentType.objects.for_clinic(request.membership.clinic).order_by("name"))
    # Prefixed: the payment form on the same page also has an `amount` (ids must stay unique).
    return PackageForm(data, currency=currency, types=types, prefix="package")


@require_POST
@staff_required(Permission.BILLING_CHARGE)
def package_sell(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, patient_id)
    clinic = request.membership.clinic
    form = _package_form(request, billing_settings_for(clinic).currency, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_account(patient)
    data = form.cleaned_data
    try:
        package = package_sales.package_sell(
            ctx=AuditContext.from_request(request),
            patient=patient,
            name=data["name"],
            sessions=data["sessions"],
            price_minor=data["amount"],
            expires_on=data["expires_on"],
            appointment_types=list(
                AppointmentType.objects.for_clinic(clinic).filter(pk__in=data["appointment_types"])
            ),
            idempotency_key=data["idempotency_key"],
        )
        number = package.sale_invoice.display_number
        messages.success(request, f"Package sold on invoice {number}.")
    except Refused as refused:
        show_refusal(request, refused)
    return _to_account(patient)


@require_POST
@staff_required(Permission.BILLING_CHARGE)
def package_refund(
    request: StaffRequest, patient_id: uuid.UUID, package_id: uuid.UUID
) -> HttpResponse:
    patient = _patient(request, patient_id)
    package = get_package_for(clinic=patient.clinic, public_id=package_id, patient=patient)
    try:
        package_sales.package_refund_unused(ctx=AuditContext.from_request(request), package=package)
        messages.success(request, "The unused visits were credited to the account.")
    except Refused as refused:
        show_refusal(request, refused)
    return _to_account(patient)


@require_POST
@staff_required(Permission.BILLING_CHARGE)
def payment(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, patient_id)
    clinic = request.membership.clinic
    currency = billing_settings_for(clinic).currency
    issued = issued_invoices_of(patient)
    form = PaymentForm(request.POST, currency=currency, invoices=issued)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_account(patient)
    data = form.cleaned_data
    invoice = next((i for i in issued if str(i.public_id) == data["invoice"]), None)
    try:
        services.payment_record(
            ctx=AuditContext.from_request(request),
            patient=patient,
            amount_minor=data["amount"],
            method=data["method"],
            idempotency_key=data["idempotency_key"],
            currency=data["currency"],
            invoice=invoice,
            reference=data["reference"],
        )
        messages.success(request, "Payment recorded.")
    except Refused as refused:
        show_refusal(request, refused)
    return _to_account(patient)


@require_POST
@staff_required(Permission.BILLING_CHARGE)
def refund(
    request: StaffRequest, patient_id: uuid.UUID, ledger_entry_id: uuid.UUID
) -> HttpResponse:
    patient = _patient(request, patient_id)
    entry = get_entry_for(clinic=patient.clinic, public_id=ledger_entry_id, patient=patient)
    if entry.kind != EntryKind.PAYMENT:
        raise Http404("Only a payment can be refunded.")
    form = RefundForm(request.POST, currency=entry.currency)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_account(patient)
    try:
        services.refund_record(
            ctx=AuditContext.from_request(request),
            payment=entry,
            amount_minor=form.cleaned_data["amount"],
            idempotency_key=form.cleaned_data["idempotency_key"],
            memo=form.cleaned_data["memo"],
        )
        messages.success(request, "Refund recorded.")
    except Refused as refused:
        show_refusal(request, refused)
    return _to_account(patient)


@require_POST
@staff_required(Permission.BILLING_VOID)
def reverse(
    request: StaffRequest, patient_id: uuid.UUID, ledger_entry_id: uuid.UUID
) -> HttpResponse:
    patient = _patient(request, patient_id)
    entry = get_entry_for(clinic=patient.clinic, public_id=ledger_entry_id, patient=patient)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_account(patient)
    try:
        services.entry_reverse(
            ctx=AuditContext.from_request(request),
            entry=entry,
            reason=form.cleaned_data["reason"],
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
        messages.success(request, "Entry reversed.")
    except Refused as refused:
        show_refusal(request, refused)
    return _to_account(patient)


@require_POST
@staff_required(Permission.BILLING_CHARGE)
def invoice_draft(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    patient = _patient(request, patient_id)
    session = get_session_for(membership=request.membership, patient=patient, public_id=session_id)
    form = OnceForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_account(patient)
    try:
        invoice = services.invoice_draft_from_session(
            ctx=AuditContext.from_request(request),
            session=session,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except Refused as refused:
        show_refusal(request, refused)
        return _to_account(patient)
    return redirect("billing:invoice", patient_id=patient.public_id, invoice_id=invoice.public_id)


@staff_required(Permission.BILLING_VIEW)
def invoice(request: StaffRequest, patient_id: uuid.UUID, invoice_id: uuid.UUID) -> HttpResponse:
    patient = _patient(request, patient_id)
    found = get_invoice_for(clinic=patient.clinic, public_id=invoice_id, patient=patient)
    return render(
        request,
        "billing/invoice.html",
        {
            "patient": patient,
            "invoice": found,
            "lines": list(found.lines.all()),
            "totals": invoice_totals(found),
            "balance": invoice_balance(found),
            "entries": list(found.entries.all()),
            "reason_form": ReasonForm(),
            "may_charge": request.membership.may(Permission.BILLING_CHARGE),
            "may_void": request.membership.may(Permission.BILLING_VOID),
        },
    )


@require_POST
@staff_required(Permission.BILLING_CHARGE)
def invoice_issue(
    request: StaffRequest, patient_id: uuid.UUID, invoice_id: uuid.UUID
) -> HttpResponse:
    patient = _patient(request, patient_id)
    found = get_invoice_for(clinic=patient.clinic, public_id=invoice_id, patient=patient)
    try:
        issued = services.invoice_issue(ctx=AuditContext.from_request(request), invoice=found)
        messages.success(request, f"Invoice {issued.display_number} issued.")
    except Refused as refused:
        show_refusal(request, refused)
    return redirect("billing:invoice", patient_id=patient.public_id, invoice_id=found.public_id)


@require_POST
@staff_required(Permission.BILLING_VOID)
def invoice_void(
    request: StaffRequest, patient_id: uuid.UUID, invoice_id: uuid.UUID
) -> HttpResponse:
    patient = _patient(request, patient_id)
    found = get_invoice_for(clinic=patient.clinic, public_id=invoice_id, patient=patient)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.invoice_void(
                ctx=AuditContext.from_request(request),
                invoice=found,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, "Invoice voided; a credit note reverses its charge.")
        except Refused as refused:
            show_refusal(request, refused)
    return redirect("billing:invoice", patient_id=patient.public_id, invoice_id=found.public_id)


@staff_required(Permission.BILLING_VIEW)
def invoice_pdf(
    request: StaffRequest, patient_id: uuid.UUID, invoice_id: uuid.UUID
) -> HttpResponse:
    patient = _patient(request, patient_id)
    found = get_invoice_for(clinic=patient.clinic, public_id=invoice_id, patient=patient)
    if found.is_draft:
        raise Http404("A draft has no PDF until it is issued.")
    return documents.attachment(documents.invoice_pdf(found), documents.invoice_filename(found))


@staff_required(Permission.BILLING_VIEW)
def credit_note_pdf(
    request: StaffRequest, patient_id: uuid.UUID, invoice_id: uuid.UUID
) -> HttpResponse:
    patient = _patient(request, patient_id)
    found = get_invoice_for(clinic=patient.clinic, public_id=invoice_id, patient=patient)
    if (
        found.status != InvoiceStatus.VOID
        or not found.entries.filter(kind=EntryKind.REVERSAL).exists()
    ):
        raise Http404("Only a void invoice that charged something has a credit note.")
    pdf = documents.credit_note_pdf(found)
    return documents.attachment(pdf, documents.credit_note_filename(found))


@staff_required(Permission.BILLING_VIEW)
def receipt_pdf(
    request: StaffRequest, patient_id: uuid.UUID, ledger_entry_id: uuid.UUID
) -> HttpResponse:
    patient = _patient(request, patient_id)
    entry = get_entry_for(clinic=patient.clinic, public_id=ledger_entry_id, patient=patient)
    if entry.kind != EntryKind.PAYMENT:
        raise Http404("Receipts are for payments.")
    return documents.attachment(documents.receipt_pdf(entry), documents.receipt_filename(entry))


# --- the clinic's billing setup -----------------------------------------------------------------


def _fee_form(request: StaffRequest, currency: str, data: Any = None) -> FeeForm:
    clinic = request.membership.clinic
    return FeeForm(
        data,
        currency=currency,
        types=list(AppointmentType.objects.for_clinic(clinic)),
        codes=[row.code for row in load_billing().codes],
        locations=list(Location.objects.for_clinic(clinic)),
        practitioners=[
            m.user for m in Membership.objects.for_clinic(clinic).select_related("user")
        ],
    )


@staff_required(Permission.CLINIC_MANAGE)
def setup(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    current = billing_settings_for(clinic)
    settings_form = SettingsForm(
        initial={
            "currency": current.currency,
            "tax_label": current.tax_label,
            "tax_rate": f"{current.tax_basis_points / 100:g}",
            "tax_number": current.tax_number,
        }
    )
    fee_form = _fee_form(request, current.currency)
    if request.method == "POST" and request.POST.get("action") == "settings":
        settings_form = SettingsForm(request.POST)
        if settings_form.is_valid() and _save_settings(request, settings_form.cleaned_data):
            return redirect("billing:setup")
    elif request.method == "POST":
        fee_form = _fee_form(request, current.currency, request.POST)
        if fee_form.is_valid() and _add_fee(request, fee_form.cleaned_data):
            return redirect("billing:setup")
    return render(
        request,
        "billing/setup.html",
        {
            "settings_form": settings_form,
            "fee_form": fee_form,
            "fees": fees_of(clinic),
            "currency": current.currency,
        },
        status=422 if request.method == "POST" else 200,
    )


def _save_settings(request: StaffRequest, data: dict[str, Any]) -> bool:
    try:
        services.billing_settings_save(
            ctx=AuditContext.from_request(request),
            clinic=request.membership.clinic,
            currency=data["currency"],
            tax_label=data["tax_label"],
            tax_basis_points=data["tax_rate"],
            tax_number=data["tax_number"],
        )
    except Refused as refused:
        show_refusal(request, refused)
        return False
    messages.success(request, "Billing settings saved.")
    return True


def _add_fee(request: StaffRequest, data: dict[str, Any]) -> bool:
    clinic = request.membership.clinic
    kind, _, value = data["target"].partition(":")
    try:
        services.fee_add(
            ctx=AuditContext.from_request(request),
            clinic=clinic,
            amount_minor=data["amount"],
            effective_from=data["effective_from"],
            effective_to=data["effective_to"],
            appointment_type=AppointmentType.objects.for_clinic(clinic).get(pk=value)
            if kind == "type"
            else None,
            code=value if kind == "code" else "",
            location=Location.objects.for_clinic(clinic).get(pk=data["location"])
            if data["location"]
            else None,
            practitioner=Membership.objects.for_clinic(clinic)
            .get(user_id=data["practitioner"])
            .user
            if data["practitioner"]
            else None,
        )
    except Refused as refused:
        show_refusal(request, refused)
        return False
    messages.success(request, "Fee added.")
    return True


# --- takings ------------------------------------------------------------------------------------


def _day(request: StaffRequest) -> dt.date:
    text = request.GET.get("day", "")
    try:
        return (
            dt.date.fromisoformat(text) if text else clock.today_in(request.membership.clinic.zone)
        )
    except ValueError:
        raise Http404("Give the day as YYYY-MM-DD.") from None


def _close_out(request: StaffRequest) -> Any:
    clinic = request.membership.clinic
    return close_out(
        ctx=AuditContext.from_request(request),
        clinic=clinic,
        day=_day(request),
        currency=billing_settings_for(clinic).currency,
    )


@staff_required(Permission.TAKINGS_VIEW)
def takings(request: StaffRequest) -> HttpResponse:
    report = _close_out(request)
    return render(request, "billing/takings.html", {"report": report})


@staff_required(Permission.TAKINGS_VIEW)
def takings_csv(request: StaffRequest) -> HttpResponse:
    report = _close_out(request)
    response = HttpResponse(close_out_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="takings-{report.day}.csv"'
    return response


# --- late-cancellation and missed-visit fees ----------------------------------------------------


def _late_appointment(request: StaffRequest, patient: Any, appointment_id: uuid.UUID) -> Any:
    appointment = get_appointment_for(membership=request.membership, public_id=appointment_id)
    if appointment.patient_id != patient.pk:
        raise Http404("No such appointment of this patient.")
    return appointment


@require_POST
@staff_required(Permission.BILLING_CHARGE)
def late_fee_charge(
    request: StaffRequest, patient_id: uuid.UUID, appointment_id: uuid.UUID
) -> HttpResponse:
    patient = _patient(request, patient_id)
    appointment = _late_appointment(request, patient, appointment_id)
    try:
        late_fees.late_fee_charge(ctx=AuditContext.from_request(request), appointment=appointment)
        messages.success(request, "Fee charged.")
    except Refused as refused:
        show_refusal(request, refused)
    return _to_account(patient)


@require_POST
@staff_required(Permission.BILLING_VOID)
def late_fee_waive(
    request: StaffRequest, patient_id: uuid.UUID, appointment_id: uuid.UUID
) -> HttpResponse:
    patient = _patient(request, patient_id)
    appointment = _late_appointment(request, patient, appointment_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_account(patient)
    try:
        late_fees.late_fee_waive(
            ctx=AuditContext.from_request(request),
            appointment=appointment,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Fee waived.")
    except Refused as refused:
        show_refusal(request, refused)
    return _to_account(patient)
