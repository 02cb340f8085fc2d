"""Text-message senders, chosen by `TAUT_SMS_BACKEND`: "twilio" in production, "console" (prints)
for development, "locmem" (tests read `outbox`), or the dotted path of a class of your own.

A sender's `send(messages)` returns the provider's id of each message ("" where it has none). It
raises `SmsRefused` when the provider will never take the message (an invalid number: the task
records it as failed, with the reason) and `SmsUnavailable` when trying later may work (the
provider's server error, no connection: the task tries again).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class SmsRefused(Exception):
    """The provider refused the message for good; the text says why, in words staff can read."""


class SmsUnavailable(Exception):
    """The provider could not take the message now; the task tries again later."""


class SmsBackend(Protocol):
    def send(self, messages: Sequence[TextMessage]) -> list[str]: ...


def e164(phone: str) -> str:
    """A phone number as providers want it: +, country code, number. A number written without a
    country code is taken to be in TAUT_SMS_COUNTRY_CODE's country (default 1, North America)."""
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+"):
        return f"+{digits}"
    if phone.strip().startswith("00"):
        return f"+{digits[2:]}"
    country = settings.TAUT_SMS_COUNTRY_CODE
    if country == "1" and len(digits) == 11 and digits.startswith("1"):
        return f"+{digits}"
    return f"+{country}{digits.lstrip('0')}"


class ConsoleSmsBackend:
    def send(self, messages: Sequence[TextMessage]) -> list[str]:
        for message in messages:
            sys.stdout.write(f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return ["" for _ in messages]


outbox: list[TextMessage] = []


class LocmemSmsBackend:
    def send(self, messages: Sequence[TextMessage]) -> list[str]:
        outbox.extend(messages)
        return ["" for _ in messages]


def status_callback_url() -> str:
    return settings.TAUT_BASE_URL + reverse("messaging:twilio_status")


class TwilioSmsBackend:
    """Twilio's Messages API through its official library (which speaks HTTP with `requests`)."""

    def __init__(self) -> None:
        from twilio.rest import Client

        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)

    def _sender(self) -> dict[str, Any]:
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            return {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
        return {"from_": settings.TWILIO_FROM}

    def _send_one(self, message: TextMessage) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        try:
            sent = self.client.messages.create(
                to=e164(message.to),
                body=message.body,
                status_callback=status_callback_url(),
                **self._sender(),
            )
        except TwilioRestException as error:
            words = f"Twilio answered {error.status}, error {error.code}: {error.msg}"
            if error.status >= 500 or error.status == 429:
                raise SmsUnavailable(words) from error
            raise SmsRefused(words) from error
        except (requests.RequestException, TwilioException) as error:
            raise SmsUnavailable(f"Twilio could not be reached: {error}") from error
        return str(sent.sid)

    def send(self, messages: Sequence[TextMessage]) -> list[str]:
        return [self._send_one(message) for message in messages]


ALIASES = {
    "twilio": "taut.messaging.sms.TwilioSmsBackend",
    "console": "taut.messaging.sms.ConsoleSmsBackend",
    "locmem": "taut.messaging.sms.LocmemSmsBackend",
}


def sms_backend() -> SmsBackend:
    name = settings.TAUT_SMS_BACKEND
    backend: SmsBackend = import_string(ALIASES.get(name, name))()
    return backend
