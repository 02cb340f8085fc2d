"""The public contact form: a question from someone who is not (or not yet) a patient.

Spam is kept out without a third-party CAPTCHA: a field people never see (a bot that fills it
is thanked and nothing is stored), the time the form was shown, signed into it (faster than a
person types is refused), few links, a length limit, and a few requests an hour per address."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core import signing
from django.db import transaction

from taut.clinics.models import Clinic
from taut.common.context import AuditContext
from taut.common.refusals import Refused
from taut.messaging.desk_requests import desk_request_record
from taut.messaging.models import Channel, DeskRequest, Kind, RequestKind
from taut.messaging.services import message_queue

MIN_FILL_SECONDS = 3
MAX_FORM_AGE = dt.timedelta(days=1)
MAX_LINKS = 2
CONTACT_PER_HOUR = 5
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_SALT = "taut.messaging.contact"


def form_started(now: dt.datetime) -> str:
    return signing.dumps(now.timestamp(), salt=_SALT)


class ContactForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=120)
    email = forms.EmailField(label="Email", max_length=254, required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    message = forms.CharField(
        label="Your question",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Please do not write about an emergency here: call 911 or the clinic.",
    )
    # The honeypot: hidden from people (and screen readers); bots fill every field they find.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, now: dt.datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        if not self.is_bound:
            self.initial["started"] = form_started(now)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"].strip()
        if len(LINK.findall(message)) > MAX_LINKS:
            raise forms.ValidationError(f"Please include at most {MAX_LINKS} links.")
        return message

    def clean_started(self) -> str:
        started: str = self.cleaned_data["started"]
        try:
            shown = dt.datetime.fromtimestamp(signing.loads(started, salt=_SALT), dt.UTC)
        except (signing.BadSignature, TypeError, ValueError, OverflowError):
            raise forms.ValidationError("The form was damaged; please send it again.") from None
        if self.now - shown > MAX_FORM_AGE:
            raise forms.ValidationError("The form is more than a day old; please send it again.")
        if self.now - shown < dt.timedelta(seconds=MIN_FILL_SECONDS):
            raise forms.ValidationError(
                "The form was sent faster than a person can fill it in; please send it again."
            )
        return started

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error("email", "Give an email address or a phone number so we can answer.")
        return data


class TooManyRequests(Refused):
    """Too many questions from one address in an hour."""

    status = 429


def _recent_from(address: str | None, now: dt.datetime) -> int:
    return DeskRequest.objects.filter(
        kind=RequestKind.CONTACT,
        sender_address=address,
        created_at__gte=now - dt.timedelta(hours=1),
    ).count()


@transaction.atomic
def contact_request_submit(
    *, ctx: AuditContext, clinic: Clinic, data: dict[str, Any], now: dt.datetime
) -> DeskRequest:
    # Counted across clinics: one address writing to every clinic of an installation is a script.
    if ctx.client_address and _recent_from(ctx.client_address, now) >= CONTACT_PER_HOUR:
        raise TooManyRequests(
            "Too many questions from this address in the last hour; please try again later, "
            "or call the clinic."
        )
    request = desk_request_record(
        ctx=ctx,
        clinic=clinic,
        kind=RequestKind.CONTACT,
        now=now,
        name=data["name"],
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        body=data["message"],
    )
    if request.email:
        message_queue(
            clinic=clinic,
            kind=Kind.CONTACT_RECEIVED,
            channel=Channel.EMAIL,
            recipient=request.email,
            subject=f"{clinic.name} received your question",
            body=acknowledgement(clinic),
            now=now,
        )
    return request


def acknowledgement(clinic: Clinic) -> str:
    """The same words on the page and by email; the question itself is not repeated."""
    phone = f" on {clinic.phone}" if clinic.phone else ""
    return (
        f"Thank you for writing to {clinic.name}. We have received your question and will "
        f"answer it by email or phone, usually within two working days. If it is urgent, "
        f"please call us{phone}; in an emergency call 911."
    )
