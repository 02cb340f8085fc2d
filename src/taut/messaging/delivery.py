"""Hands one message to the email backend or the text-message sender."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from taut.messaging.models import Channel, OutboundMessage, SmsOptOut
from taut.messaging.sms import TextMessage, e164, sms_backend


class OptedOut(Exception):
    """The number replied STOP after the message was queued."""


def email_of(message: OutboundMessage) -> EmailMultiAlternatives:
    """Every email Taut sends has a plain-text part: the body is the text, and an HTML
    alternative, should a caller ever add one, only goes beside it."""
    clinic = message.clinic
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        reply_to=[clinic.email] if clinic.email else None,
    )
    if message.calendar_file:
        email.attach("appointment.ics", message.calendar_file, "text/calendar")
    return email


def deliver(message: OutboundMessage) -> str:
    """Send the message; the provider's id of it ("" for email)."""
    if message.channel == Channel.SMS:
        if SmsOptOut.objects.filter(number=e164(message.recipient)).exists():
            raise OptedOut("The number replied STOP: texts to it are off until it replies START.")
        [provider_id] = sms_backend().send([TextMessage(to=message.recipient, body=message.body)])
        return provider_id
    email_of(message).send(fail_silently=False)
    return ""
