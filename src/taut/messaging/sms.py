"""Text-message senders. No provider is wired in: a clinic plugs one in through settings.

A sender is any class with `send(messages) -> int`; `TAUT_SMS_BACKEND` names it. Taut ships the
console sender (prints, for development) and an in-memory one that tests read from `outbox`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class SmsBackend(Protocol):
    def send(self, messages: Sequence[TextMessage]) -> int: ...


class ConsoleSmsBackend:
    def send(self, messages: Sequence[TextMessage]) -> int:
        for message in messages:
            sys.stdout.write(f"SMS to {message.to}\n{message.body}\n{'-' * 40}\n")
        sys.stdout.flush()
        return len(messages)


outbox: list[TextMessage] = []


class LocmemSmsBackend:
    def send(self, messages: Sequence[TextMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.TAUT_SMS_BACKEND)()
    return backend
