"""What a text message may say: the one place its words are made.

A text message can be read by anyone who picks up the phone, so it carries no clinical text: only
the clinic's name, a date and time, the location's name, a link into Taut and the fixed words of a
template. `sms_body` is the only maker of an `SmsBody`, and `message_queue` refuses to queue a text
message whose body is anything else; the values come from `SmsFields`, which has no field for
anything clinical (visit type, practitioner, notes, symptoms).
"""

from __future__ import annotations

import string
from dataclasses import asdict, dataclass

from django.db import transaction

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Clinic
from taut.common.context import AuditContext
from taut.common.refusals import Invalid
from taut.messaging.models import Kind, SmsTemplate

PLACEHOLDERS = ("clinic", "date", "time", "location", "link")
MAX_TEMPLATE = 320

REPLIES = "Reply C to confirm, R for a call back, STOP to stop texts."
DEFAULTS: dict[str, str] = {
    Kind.BOOKING_CONFIRMATION: "{clinic}: your appointment is booked for {date} at {time}, "
    "{location}. " + REPLIES,
    Kind.BOOKING_CHANGED: "{clinic}: your appointment has moved to {date} at {time}, {location}.",
    Kind.BOOKING_CANCELLED: "{clinic}: your appointment on {date} at {time} is cancelled.",
    Kind.REMINDER: "{clinic}: a reminder of your appointment on {date} at {time}, {location}. "
    + REPLIES,
    Kind.PORTAL_INVITATION: "{clinic} has opened a patient portal account for you. "
    "Choose your password here: {link}",
    Kind.DIARY_PROMPT: "{clinic}: time for a short check-in in your portal: {link}",
    Kind.CLINIC_MESSAGE: "{clinic} sent you a message. Read it in your portal: {link}",
    Kind.TEXT_CONFIRMED: "{clinic}: thank you, your appointment on {date} at {time} is confirmed.",
    Kind.TEXT_CALL_BACK: "{clinic}: thank you, we will call you back.",
    Kind.WAITLIST_OFFER: "{clinic}: a time has come free on {date} at {time}, {location}. "
    "The first to accept gets it: {link}",
    Kind.WAITLIST_TAKEN: "{clinic}: the time on {date} at {time} has been taken. "
    "You stay on the waitlist.",
}
# For a kind without its own wording (a kind added later, before its template is written).
GENERIC = "{clinic} has a message for you. Please check your email or call the clinic."


class SmsTemplateInvalid(Invalid):
    """A clinic's text-message wording that cannot be used; the reason names the problem."""


@dataclass(frozen=True)
class SmsFields:
    """Everything a text message may be filled with. Add nothing clinical here."""

    clinic: str
    date: str = ""
    time: str = ""
    location: str = ""
    link: str = ""


class SmsBody(str):
    """The text of a text message, as `sms_body` made it."""

    __slots__ = ()


def _placeholders(text: str) -> list[str]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise SmsTemplateInvalid(
            f"Text: a brace is not closed or not doubled ({error}).", fields={"text": str(error)}
        ) from error
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name or spec or conversion:
            raise SmsTemplateInvalid(
                "Text: write placeholders as a name in braces, like {date}.",
                fields={"text": "Write placeholders as a name in braces, like {date}."},
            )
        names.append(name)
    return names


def sms_template_check(text: str) -> str:
    """The template, cleaned, or a refusal naming what is wrong with it."""
    cleaned = " ".join(text.split())
    if not cleaned:
        reason = "Write the message."
    elif len(cleaned) > MAX_TEMPLATE:
        reason = f"Keep it under {MAX_TEMPLATE} characters."
    elif any(ord(character) < 32 or ord(character) == 127 for character in cleaned):
        reason = "Remove the control characters (such as NUL): a text message cannot carry them."
    else:
        unknown = sorted(set(_placeholders(cleaned)) - set(PLACEHOLDERS))
        if not unknown:
            return cleaned
        allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        reason = f"Unknown placeholder {', '.join(unknown)}: use only {allowed}."
    raise SmsTemplateInvalid(f"Text: {reason}", fields={"text": reason})


def template_for(*, clinic: Clinic, kind: str) -> str:
    own = SmsTemplate.objects.for_clinic(clinic).filter(kind=kind).first()
    return own.text if own is not None else DEFAULTS.get(kind, GENERIC)


def sms_body(*, clinic: Clinic, kind: str, fields: SmsFields) -> SmsBody:
    # Checked again at use: a template row written around the service still cannot leak.
    template = sms_template_check(template_for(clinic=clinic, kind=kind))
    values = asdict(fields)
    if any(not values[name] for name in _placeholders(template)):
        template = GENERIC  # better a plain "call us" than "on  at ,"
    return SmsBody(template.format_map(values))


# The kinds a clinic may word for itself: the ones that go to patients by text.
EDITABLE = tuple(Kind(kind) for kind in DEFAULTS)


@transaction.atomic
def sms_templates_save(*, ctx: AuditContext, clinic: Clinic, texts: dict[str, str]) -> None:
    """Store several wordings at once: all of them, or (when any is refused) none. The refusal's
    fields name each refused kind with its reason."""
    refused: dict[str, str] = {}
    for kind, text in texts.items():
        if text.strip():
            try:
                sms_template_check(text)
            except SmsTemplateInvalid as refusal:
                refused[str(kind)] = refusal.message
    if refused:
        raise SmsTemplateInvalid(list(refused.values()), fields=refused)
    for kind, text in texts.items():
        sms_template_save(ctx=ctx, clinic=clinic, kind=kind, text=text)


@transaction.atomic
def sms_template_save(*, ctx: AuditContext, clinic: Clinic, kind: str, text: str) -> None:
    """Store the clinic's wording of one kind; an empty text goes back to the default."""
    if kind not in EDITABLE:
        raise SmsTemplateInvalid("Kind: not a text message Taut sends.", fields={"kind": kind})
    if not text.strip():
        SmsTemplate.objects.for_clinic(clinic).filter(kind=kind).delete()
    else:
        SmsTemplate.objects.update_or_create(
            clinic=clinic, kind=kind, defaults={"text": sms_template_check(text)}
        )
    audit_record(
        ctx=ctx,
        clinic=clinic,
        action=Action.UPDATE,
        object_type="sms_template",
        object_id=kind,
        detail={"default": not text.strip()},
    )
