"""Background delivery of queued messages (django-tasks, database backend).

A failure that trying later may cure (the text provider's server error, the mail server's
temporary refusal or absence) leaves the message queued and runs the task again after a pause,
up to MAX_ATTEMPTS; a refusal for good is recorded on the message with its reason."""

from __future__ import annotations

import datetime as dt
import smtplib

from django.db import transaction
from django_tasks import task

from taut import clock
from taut.messaging.delivery import OptedOut, deliver
from taut.messaging.models import OutboundMessage, Status, UndeliverableEmail
from taut.messaging.sms import SmsRefused, SmsUnavailable

MAX_ATTEMPTS = 5
RETRY_MINUTES = (1, 5, 15, 60)


def _words(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _refused_address(error: smtplib.SMTPRecipientsRefused) -> tuple[int, str]:
    code, reply = next(iter(error.recipients.values()))
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return code, f"The mail server refused the address ({code} {text})."[:500]


def _bounced(message: OutboundMessage, reason: str) -> None:
    message.status = Status.BOUNCED
    message.error = reason
    UndeliverableEmail.objects.update_or_create(
        clinic=message.clinic,
        address=message.recipient.strip().lower(),
        defaults={"reason": reason, "recorded_at": clock.now()},
    )


def _try_later(message: OutboundMessage, error: BaseException) -> None:
    message.error = _words(error)
    if message.attempts >= MAX_ATTEMPTS:
        message.status = Status.FAILED
        return
    pause = dt.timedelta(minutes=RETRY_MINUTES[min(message.attempts, len(RETRY_MINUTES)) - 1])
    deliver_message.using(run_after=clock.now() + pause).enqueue(message.pk)


def _send(message: OutboundMessage) -> None:
    try:
        message.provider_id = deliver(message)
    except OptedOut as error:
        message.status, message.error = Status.CANCELLED, str(error)
    except SmsRefused as error:
        message.status, message.error = Status.FAILED, str(error)
    except SmsUnavailable as error:
        _try_later(message, error)
    except smtplib.SMTPRecipientsRefused as error:
        code, reason = _refused_address(error)
        if code >= 500:
            _bounced(message, reason)
        else:
            _try_later(message, error)
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError) as error:
        _try_later(message, error)
    except Exception as error:  # noqa: BLE001 - any other failure is recorded, not raised
        message.status, message.error = Status.FAILED, _words(error)
    else:
        message.status, message.error = Status.SENT, ""
        message.sent_at = clock.now()


@task()
def deliver_message(message_id: int) -> str:
    """Send one queued message; a message cancelled or already sent meanwhile is left alone."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != Status.QUEUED:
            return "skipped"
        message.attempts += 1
        _send(message)
        message.save(update_fields=["attempts", "status", "error", "sent_at", "provider_id"])
        return str(message.status)
