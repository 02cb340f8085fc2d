"""Reads of prepaid packages and the drawing of one visit from a package.

A package covers a signed session when the session came from a booking of one of its
appointment types, on or before its expiry, and it has a visit left. What is left is counted
from redemptions whose invoices are live, so voiding a covered visit's invoice gives it back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.http import Http404

from taut import clock
from taut.billing.models import Invoice, InvoiceStatus, Package, PackageRedemption


def remaining(package: Package) -> int:
    """Visits left: none once refunded or its sale is void; else sessions less live draws."""
    if package.refund_entry_id is not None or package.sale_invoice.status == InvoiceStatus.VOID:
        return 0
    used = package.redemptions.exclude(invoice__status=InvoiceStatus.VOID).count()
    return max(0, package.sessions - used)


@dataclass(frozen=True)
class PackageBalance:
    package: Package
    left: int
    expired: bool

    @property
    def refunded(self) -> bool:
        return self.package.refund_entry_id is not None


def packages_of(patient: Any, *, today: dt.date | None = None) -> list[PackageBalance]:
    """The patient's packages, newest first, with what is left of each."""
    today = today or clock.today_in(patient.clinic.zone)
    found = (
        Package.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient)
        .select_related("sale_invoice")
        .prefetch_related("appointment_types")
        .annotate(
            used=Count("redemptions", filter=~Q(redemptions__invoice__status=InvoiceStatus.VOID))
        )
        .order_by("-sold_on", "-pk")
    )
    balances = []
    for package in found:
        dead = package.refund_entry_id is not None or package.sale_invoice.is_void
        left = 0 if dead else max(0, package.sessions - package.used)
        balances.append(PackageBalance(package, left, package.expires_on < today))
    return balances


def get_package_for(*, clinic: Any, public_id: uuid.UUID | str, patient: Any) -> Package:
    package = (
        Package.objects.for_clinic(clinic)
        .filter(patient=patient, public_id=public_id)
        .select_related("sale_invoice", "patient", "clinic")
        .first()
    )
    if package is None:
        raise Http404("No such package.")
    return package


def package_to_draw(*, patient: Any, appointment_type_id: int, on: dt.date) -> Package | None:
    """The live package that covers a visit of this type on this day, soonest to expire first;
    locked, so two desks cannot draw its last visit twice."""
    candidates = (
        Package.objects.for_clinic(patient.clinic_id)
        .select_for_update()
        .filter(
            patient=patient,
            appointment_types__pk=appointment_type_id,
            expires_on__gte=on,
            refund_entry__isnull=True,
            sale_invoice__status=InvoiceStatus.ISSUED,
        )
        .order_by("expires_on", "pk")
    )
    for package in candidates:
        if remaining(package) > 0:
            return package
    return None


def redeem(*, package: Package, invoice: Invoice) -> int:
    """Draw one visit for the invoice; the visits left afterwards."""
    PackageRedemption.objects.create(
        clinic_id=invoice.clinic_id, package=package, invoice=invoice, created_at=clock.now()
    )
    return remaining(package)
