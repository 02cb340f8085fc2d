"""A patient's text reply, as the provider's inbound webhook hands it over.

STOP (and Twilio's other opt-out words) turns texts to the number off, START turns them back on;
R asks the front desk for a call back; C confirms the patient's next visit through the handlers
scheduling registers (messaging does not import scheduling); anything else lands in the staff
inbox for a person to read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Clinic
from taut.common.context import AuditContext
from taut.messaging.desk_requests import desk_request_record
from taut.messaging.models import Channel, Kind, OutboundMessage, RequestKind, SmsOptOut
from taut.messaging.selectors import patients_with_number
from taut.messaging.sms_text import SmsBody, SmsFields, sms_body
from taut.patients.models import Patient

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})


@dataclass(frozen=True)
class InboundText:
    number: str  # E.164, as the provider gives it
    body: str
    patients: tuple[Patient, ...]  # the active patients with this number, in any clinic
    now: dt.datetime


ConfirmHandler = Callable[[InboundText], SmsBody | None]
_confirm_handlers: list[ConfirmHandler] = []


def on_confirm_reply(handler: ConfirmHandler) -> ConfirmHandler:
    """Register what "C" does; the first handler that answers wins."""
    if handler not in _confirm_handlers:
        _confirm_handlers.append(handler)
    return handler


def _clinics_of(text: InboundText) -> list[Clinic]:
    clinics = list({p.clinic_id: p.clinic for p in text.patients}.values())
    if len(clinics) > 1:
        # Patients of several clinics share the number: the reply is to whoever texted it last.
        last = (
            OutboundMessage.objects.filter(channel=Channel.SMS, patient__in=text.patients)
            .exclude(sent_at=None)
            .order_by("-sent_at", "-pk")
            .first()
        )
        return [last.clinic] if last is not None else clinics
    if clinics:
        return clinics
    # A number Taut does not know: only a single-clinic installation can tell whose it is.
    only = list(Clinic.objects.all()[:2])
    return only if len(only) == 1 else []


def _opt_out(text: InboundText, *, stop: bool) -> None:
    if stop:
        SmsOptOut.objects.get_or_create(number=text.number, defaults={"opted_out_at": text.now})
    else:
        SmsOptOut.objects.filter(number=text.number).delete()
    for clinic in _clinics_of(text):
        audit_record(
            ctx=AuditContext.system(),
            clinic=clinic,
            action=Action.UPDATE,
            object_type="sms_opt_out",
            object_id=text.number,
            detail={"texts": "off" if stop else "on"},
        )


def _to_desk(text: InboundText, kind: RequestKind) -> list[Clinic]:
    clinics = _clinics_of(text)
    for clinic in clinics:
        patient = next((p for p in text.patients if p.clinic_id == clinic.pk), None)
        desk_request_record(
            ctx=AuditContext.system(),
            clinic=clinic,
            kind=kind,
            patient=patient,
            phone=text.number,
            body=text.body[:2000],
            now=text.now,
        )
    return clinics


@transaction.atomic
def inbound_text_receive(*, number: str, body: str, now: dt.datetime) -> SmsBody | None:
    """Act on one reply; the text to answer with, if any."""
    text = InboundText(number, body.strip(), tuple(patients_with_number(number)), now)
    word = text.body.upper()
    if word in STOP_WORDS or word in START_WORDS:
        _opt_out(text, stop=word in STOP_WORDS)
        return None  # the provider itself answers STOP and START
    if word == "C":
        for handler in _confirm_handlers:
            answer = handler(text)
            if answer is not None:
                return answer
    kind = RequestKind.CALL_BACK if word == "R" else RequestKind.TEXT_REPLY
    clinics = _to_desk(text, kind)
    if kind == RequestKind.CALL_BACK and clinics:
        clinic = clinics[0]
        return sms_body(clinic=clinic, kind=Kind.TEXT_CALL_BACK, fields=SmsFields(clinic.name))
    return None
