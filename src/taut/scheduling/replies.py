"""Scheduling's answer to a "C" text reply: confirm the patient's next visit."""

from __future__ import annotations

from taut.common.context import AuditContext
from taut.messaging.models import Kind
from taut.messaging.replies import InboundText, on_confirm_reply
from taut.messaging.sms_text import SmsBody, sms_body
from taut.scheduling.notices import sms_fields
from taut.scheduling.services.confirm import appointment_confirm, next_visit_of


@on_confirm_reply
def confirm_next_visit(text: InboundText) -> SmsBody | None:
    appointment = next_visit_of(text.patients, now=text.now)
    if appointment is None:
        return None  # nothing ahead to confirm: the desk reads the reply
    appointment_confirm(
        ctx=AuditContext.system(), appointment=appointment, now=text.now, channel="sms"
    )
    return sms_body(
        clinic=appointment.clinic, kind=Kind.TEXT_CONFIRMED, fields=sms_fields(appointment)
    )
