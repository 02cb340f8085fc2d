"""The desk's money forms. Amounts are typed in major units and parsed by taut.billing.money;
every form that writes carries a one-time key, made fresh each time the form is drawn."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from taut.billing.ledger import KEY_LENGTH
from taut.billing.models import PaymentMethod
from taut.billing.money import CURRENCY_CHOICES, parse_amount
from taut.common.refusals import Invalid


def _choose(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{field!r} has no choices")
    field.choices = choices


class OnceForm(forms.Form):
    """A form whose submission happens once: a double click posts the same key twice."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=KEY_LENGTH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class AmountMixin:
    clinic_currency: str
    cleaned_data: dict[str, Any]

    def clean_amount(self) -> int:
        try:
            return parse_amount(self.cleaned_data["amount"], self.clinic_currency)
        except Invalid as invalid:
            raise forms.ValidationError(invalid.message) from None


class PaymentForm(AmountMixin, OnceForm):
    amount = forms.CharField(max_length=30, help_text="What the patient paid, e.g. 45.00.")
    method = forms.ChoiceField(choices=PaymentMethod.choices)
    invoice = forms.ChoiceField(required=False, label="For invoice")
    reference = forms.CharField(
        max_length=80, required=False, help_text="A cheque or transfer number, if any."
    )
    currency = forms.CharField(widget=forms.HiddenInput, max_length=3)

    def __init__(self, *args: Any, currency: str, invoices: list[Any], **kwargs: Any) -> None:
        self.clinic_currency = currency
        kwargs.setdefault("initial", {})["currency"] = currency
        super().__init__(*args, **kwargs)
        _choose(
            self.fields["invoice"],
            [("", "No invoice (on account)")]
            + [(str(i.public_id), f"Invoice {i.display_number}") for i in invoices],
        )

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"]
        if code != self.clinic_currency:
            raise forms.ValidationError(
                f"This clinic takes {self.clinic_currency}; the form said {code}."
            )
        return str(code)


class RefundForm(AmountMixin, OnceForm):
    amount = forms.CharField(max_length=30, help_text="What to pay back, e.g. 20.00.")
    memo = forms.CharField(max_length=300, required=False, label="Why")

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        self.clinic_currency = currency
        super().__init__(*args, **kwargs)


class ReasonForm(OnceForm):
    reason = forms.CharField(max_length=300, help_text="Kept with the record for good.")


class SettingsForm(forms.Form):
    currency = forms.ChoiceField(choices=CURRENCY_CHOICES)
    tax_label = forms.CharField(max_length=20, required=False, help_text="e.g. GST, HST, VAT.")
    tax_rate = forms.CharField(
        max_length=8, required=False, label="Tax rate (%)", help_text="0 where no tax applies."
    )
    tax_number = forms.CharField(max_length=40, required=False)

    def clean_tax_rate(self) -> int:
        text = (self.cleaned_data.get("tax_rate") or "0").strip()
        try:
            rate = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError("Enter the rate as a number, such as 5 or 13.") from None
        if not rate.is_finite() or not 0 <= rate <= 100 or rate != rate.quantize(Decimal("0.01")):
            raise forms.ValidationError("Enter a rate from 0 to 100 with at most two decimals.")
        return int(rate * 100)


class FeeForm(AmountMixin, forms.Form):
    target = forms.ChoiceField(label="Fee for", help_text="An appointment type or a billing code.")
    amount = forms.CharField(max_length=30, help_text="Per visit, or per unit of a code.")
    location = forms.ChoiceField(required=False, help_text="Leave empty for every location.")
    practitioner = forms.ChoiceField(required=False, help_text="Leave empty for everyone.")
    effective_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    effective_to = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Optional."
    )

    def __init__(
        self,
        *args: Any,
        currency: str,
        types: list[Any],
        codes: list[str],
        locations: list[Any],
        practitioners: list[Any],
        **kwargs: Any,
    ) -> None:
        self.clinic_currency = currency
        super().__init__(*args, **kwargs)
        _choose(
            self.fields["target"],
            [(f"type:{t.pk}", t.name) for t in types] + [(f"code:{c}", f"Code {c}") for c in codes],
        )
        _choose(
            self.fields["location"],
            [("", "Any location")] + [(str(loc.pk), loc.name) for loc in locations],
        )
        _choose(
            self.fields["practitioner"],
            [("", "Any practitioner")]
            + [(str(p.pk), p.get_full_name() or p.get_username()) for p in practitioners],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", "The fee cannot end before it starts.")
        return data


class PackageForm(AmountMixin, OnceForm):
    name = forms.CharField(max_length=100, help_text="As the patient will see it.")
    sessions = forms.IntegerField(min_value=1, max_value=100, label="Visits")
    amount = forms.CharField(max_length=30, label="Price", help_text="Before tax, e.g. 540.00.")
    expires_on = forms.DateField(label="Expires on", widget=forms.DateInput(attrs={"type": "date"}))
    appointment_types = forms.MultipleChoiceField(
        label="Covers", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, currency: str, types: list[Any], **kwargs: Any) -> None:
        self.clinic_currency = currency
        super().__init__(*args, **kwargs)
        _choose(self.fields["appointment_types"], [(str(t.pk), t.name) for t in types])
