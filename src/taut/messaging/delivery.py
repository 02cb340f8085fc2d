"""Hands one message to the email backend or the text-message sender."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from taut.messaging.models import Channel, OutboundMessage
from taut.messaging.sms import TextMessage, sms_backend


def deliver(message: OutboundMessage) -> None:
    if message.channel == Channel.SMS:
        sms_backend().send([TextMessage(to=message.recipient, body=message.body)])
        return
    clinic = message.clinic
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        reply_to=[clinic.email] if clinic.email else None,
    )
    if message.calendar_file:
        email.attach("appointment.ics", message.calendar_file, "text/calendar")
    email.send(fail_silently=False)
