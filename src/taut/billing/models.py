"""The money records of a clinic: its billing settings and fees, invoices and the ledger.

Amounts are integer minor units in the clinic's currency (taut.billing.money). The ledger is
append-only: the database refuses UPDATE and DELETE of its entries (migration 0002); a balance is
always a sum of entries, never a stored total.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from taut.billing.money import CURRENCY_CHOICES, format_money
from taut.clinics.models import ScopedManager


class BillingSettings(models.Model):
    clinic = models.OneToOneField("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    tax_label = models.CharField(
        max_length=20, blank=True, help_text="As printed on invoices, e.g. GST, HST or VAT."
    )
    tax_basis_points = models.PositiveIntegerField(
        default=0, help_text="The tax rate in hundredths of a percent: 500 is 5 %."
    )
    tax_number = models.CharField(
        max_length=40, blank=True, help_text="The clinic's tax registration, printed on invoices."
    )

    objects = ScopedManager()

    class Meta:
        verbose_name_plural = "billing settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tax_basis_points__lte=10_000), name="billing_tax_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"Billing settings of {self.clinic_id}"


class Fee(models.Model):
    """The price of an appointment type or of one unit of a billing code, from a date."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(max_length=10, blank=True, help_text="A billing code, e.g. 20560.")
    location = models.ForeignKey(
        "clinics.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount_minor = models.PositiveBigIntegerField()
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        indexes = [models.Index(fields=["clinic", "effective_from"], name="fee_clinic_from")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(appointment_type__isnull=False, code="")
                    | models.Q(appointment_type__isnull=True) & ~models.Q(code="")
                ),
                name="fee_prices_one_thing",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="fee_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Fee {self.code or self.appointment_type_id} from {self.effective_from}"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    VOID = "void", "Void"


class InvoiceCounter(models.Model):
    """The last invoice number a clinic issued: locked in each issue's transaction, so numbers
    run without gaps or duplicates however many desks issue at once."""

    clinic = models.OneToOneField("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    last_number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Invoice counter of {self.clinic_id} at {self.last_number}"


class Invoice(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        "charting.TreatmentSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.PositiveBigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    tax_label = models.CharField(max_length=20, blank=True)
    tax_basis_points = models.PositiveIntegerField(default=0)
    date_of_service = models.DateField()
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey(
        "clinics.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "patient", "-created_at"], name="invoice_patient"),
            models.Index(fields=["clinic", "-number"], name="invoice_number_list"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "number"],
                condition=models.Q(number__isnull=False),
                name="invoice_number_once_per_clinic",
            ),
            models.UniqueConstraint(
                fields=["clinic", "idempotency_key"], name="invoice_idempotency_once"
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=~models.Q(status="void"),
                name="invoice_one_live_per_session",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", number__isnull=True)
                | (~models.Q(status="draft") & models.Q(number__isnull=False)),
                name="invoice_numbered_once_issued",
            ),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.display_number}"

    @property
    def display_number(self) -> str:
        return f"{self.number:06d}" if self.number is not None else "draft"

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_void(self) -> bool:
        return self.status == InvoiceStatus.VOID


class InvoiceLine(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    description = models.CharField(max_length=200)
    code = models.CharField(max_length=10, blank=True)
    units = models.PositiveSmallIntegerField(default=1)
    unit_minor = models.PositiveBigIntegerField()
    amount_minor = models.PositiveBigIntegerField()
    tax_minor = models.PositiveBigIntegerField(default=0)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.description} x{self.units}"


class EntryKind(models.TextChoices):
    CHARGE = "charge", "Charge"
    PAYMENT = "payment", "Payment"
    REFUND = "refund", "Refund"
    ADJUSTMENT = "adjustment", "Adjustment"
    REVERSAL = "reversal", "Reversal"


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD_TERMINAL = "card_terminal", "Card (terminal)"
    CHEQUE = "cheque", "Cheque"
    TRANSFER = "transfer", "Bank transfer"


class LedgerEntry(models.Model):
    """One movement on a patient's account. Positive amounts raise what the patient owes
    (a charge, a refund paid out); negative amounts lower it (a payment, a credit).

    A correction is a reversal: a new entry of the opposite amount that names the entry it
    reverses; an entry is reversed at most once (the unique `reverses`)."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    method = models.CharField(max_length=16, choices=PaymentMethod.choices, blank=True)
    reference = models.CharField(max_length=80, blank=True, help_text="Cheque or transfer number.")
    memo = models.CharField(max_length=300, blank=True)
    refunds = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="refunded_by"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    idempotency_key = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["clinic", "patient", "recorded_at"], name="ledger_patient"),
            models.Index(fields=["clinic", "recorded_at"], name="ledger_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "idempotency_key"], name="ledger_idempotency_once"
            ),
            models.CheckConstraint(condition=~models.Q(amount_minor=0), name="ledger_not_zero"),
            models.CheckConstraint(
                condition=~models.Q(kind="payment") | models.Q(amount_minor__lt=0),
                name="ledger_payment_lowers_balance",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["charge", "refund"]) | models.Q(amount_minor__gt=0),
                name="ledger_charge_raises_balance",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="reversal") | models.Q(reverses__isnull=False),
                name="ledger_reversal_names_its_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_money(self.amount_minor, self.currency)}"

    @property
    def display_amount(self) -> str:
        return format_money(self.amount_minor, self.currency)


class Package(models.Model):
    """A prepaid bundle of visits sold to a patient (e.g. six dry-needling sessions).

    What is left is never stored: it is the number of sessions less the redemptions of invoices
    that are not void. Selling it issues one invoice (`sale_invoice`); a refund of the unused
    part is a credit on that invoice (`refund_entry`) and closes the package."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    sessions = models.PositiveSmallIntegerField()
    price_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    expires_on = models.DateField()
    appointment_types = models.ManyToManyField("scheduling.AppointmentType", related_name="+")
    sale_invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, related_name="package_sold"
    )
    sold_on = models.DateField()
    refund_entry = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        indexes = [models.Index(fields=["clinic", "patient", "expires_on"], name="package_patient")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sessions__gte=1), name="package_has_sessions"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("sold_on")),
                name="package_expires_after_sale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sessions} sessions)"


class PackageRedemption(models.Model):
    """One visit drawn from a package, on the invoice that would otherwise have charged it.
    Voiding that invoice gives the visit back (a redemption counts while its invoice is live)."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="redemptions")
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="redemption")
    created_at = models.DateTimeField()

    objects = ScopedManager()

    def __str__(self) -> str:
        return f"Redemption of package {self.package_id} on invoice {self.invoice_id}"
