"""The waitlist: joining and leaving it, offering a freed time, and the first acceptance winning.

A cancellation enqueues `offer_freed_time` (scheduling/tasks.py); the worker offers the time to
the first `OFFERS_PER_TIME` matching entries, in the order they joined, each by a signed link in
a message by the patient's own channel (no clinical words in it). The first to accept books
through `appointment_book`, so the database's double-booking guard decides a tie; everyone
else is told the time has been taken. Offers lapse at `expires_at`, when the next entries in
line are offered what is still free.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.common.refusals import Refused
from taut.common.times import local_text
from taut.messaging.models import Kind
from taut.messaging.services import message_to_patient
from taut.messaging.sms_text import SmsFields
from taut.patients.models import Patient
from taut.scheduling.availability import policy_for, slot_is_free
from taut.scheduling.models import (
    Appointment,
    AppointmentType,
    BookingChannel,
    OfferStatus,
    PartOfDay,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from taut.scheduling.models.appointments import HOLDING
from taut.scheduling.models.waitlist import PART_BOUNDS
from taut.scheduling.services.booking import BookingRefused, appointment_book

OFFERS_PER_TIME = 3
OFFER_LIFETIME = dt.timedelta(hours=2)
SIGNING_SALT = "taut.scheduling.waitlist-offer"
TAKEN = "This time has been taken by someone else. You stay on the waitlist."
EXPIRED = "This offer has expired. You stay on the waitlist."


class WaitlistRefused(Refused):
    """A waitlist entry or an answer to an offer that cannot be taken; the text says why."""


def _audit(
    request: HttpRequest | None, actor: Any, row: Any, action: Action, **detail: Any
) -> None:
    audit_record(
        request=request,
        actor=actor,
        clinic=row.clinic,
        action=action,
        object_type=row._meta.model_name,
        object_id=str(row.public_id),
        detail=detail,
    )


@dataclass(frozen=True)
class Wish:
    """What the patient waits for: a kind of visit, maybe one practitioner, and when."""

    appointment_type: AppointmentType
    practitioner: Any | None
    parts_of_day: list[str]
    weekdays: list[int]
    window_start: dt.time | None
    window_end: dt.time | None
    from_date: dt.date
    to_date: dt.date


def _wish_refusals(wish: Wish, today: dt.date) -> list[str]:
    reasons = []
    if wish.from_date > wish.to_date:
        reasons.append("Until: the last day comes on or after the first day.")
    if wish.to_date < today:
        reasons.append("Until: choose a day that has not passed.")
    if (wish.window_start is None) != (wish.window_end is None):
        reasons.append("Between: give both the earliest and the latest time, or neither.")
    elif wish.window_start and wish.window_end and wish.window_start >= wish.window_end:
        reasons.append("Between: the earliest time comes before the latest.")
    if set(wish.parts_of_day) - set(PartOfDay.values):
        reasons.append("Times of day: choose morning, afternoon or evening.")
    if set(wish.weekdays) - set(range(7)):
        reasons.append("Days: choose days of the week.")
    return reasons


@transaction.atomic
def waitlist_join(
    *, request: HttpRequest | None, actor: Any, patient: Patient, wish: Wish, now: dt.datetime
) -> WaitlistEntry:
    reasons = _wish_refusals(wish, now.astimezone(patient.clinic.zone).date())
    if reasons:
        raise WaitlistRefused(reasons)
    entry = WaitlistEntry.objects.create(
        clinic=patient.clinic,
        patient=patient,
        appointment_type=wish.appointment_type,
        practitioner=wish.practitioner,
        parts_of_day=sorted(set(wish.parts_of_day)),
        weekdays=sorted(set(wish.weekdays)),
        window_start=wish.window_start,
        window_end=wish.window_end,
        from_date=max(wish.from_date, now.astimezone(patient.clinic.zone).date()),
        to_date=wish.to_date,
        joined_at=now,
        joined_by=actor,
    )
    _audit(request, actor, entry, Action.CREATE, patient=str(patient.public_id))
    return entry


@transaction.atomic
def waitlist_leave(*, request: HttpRequest | None, actor: Any, entry: WaitlistEntry) -> None:
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != WaitlistStatus.WAITING:
        raise WaitlistRefused(["This waitlist entry is already closed."])
    entry.status = WaitlistStatus.LEFT
    entry.save(update_fields=["status"])
    WaitlistOffer.objects.filter(entry=entry, status=OfferStatus.OFFERED).update(
        status=OfferStatus.EXPIRED
    )
    _audit(request, actor, entry, Action.UPDATE, status="left")


def entry_wants(entry: WaitlistEntry, starts_at: dt.datetime, zone: Any) -> bool:
    """Does the local start fall in the entry's dates, days, parts of the day and window?"""
    local = starts_at.astimezone(zone)
    day, time = local.date(), local.time()
    if not entry.from_date <= day <= entry.to_date:
        return False
    if entry.weekdays and day.weekday() not in entry.weekdays:
        return False
    if entry.parts_of_day and not any(
        PART_BOUNDS[PartOfDay(part)][0] <= time < PART_BOUNDS[PartOfDay(part)][1]
        for part in entry.parts_of_day
    ):
        return False
    if entry.window_start and entry.window_end:
        return entry.window_start <= time < entry.window_end
    return True


@dataclass(frozen=True)
class FreedTime:
    appointment_type: AppointmentType
    practitioner: Any
    location: Any
    starts_at: dt.datetime
    given_up_by: int | None = None  # the patient who gave the time up is not offered it back


def _offer_link(offer: WaitlistOffer) -> str:
    token = signing.dumps(str(offer.public_id), salt=SIGNING_SALT)
    return settings.TAUT_BASE_URL + reverse("booking:offer", kwargs={"token": token})


def offer_of_token(token: str) -> WaitlistOffer | None:
    """The offer a link names, if the link is Taut's own; None for a forged or damaged one."""
    try:
        public_id = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        return None
    return WaitlistOffer.objects.filter(public_id=public_id).first()


def _tell_offered(offer: WaitlistOffer, now: dt.datetime) -> None:
    clinic = offer.clinic
    when = local_text(offer.starts_at, offer.location.zone, r"l j F \a\t H:i")
    until = local_text(offer.expires_at, offer.location.zone, r"l j F \a\t H:i")
    message_to_patient(
        patient=offer.entry.patient,
        kind=Kind.WAITLIST_OFFER,
        subject=f"An earlier appointment at {clinic.name}",
        body=(
            f"A time has come free at {clinic.name}: {when}. The first to accept gets it.\n"
            f"Accept it here (until {until}): {_offer_link(offer)}"
        ),
        about=f"waitlist-offer:{offer.public_id}",
        now=now,
        sms=_offer_sms(offer, link=_offer_link(offer)),
    )


def _offer_sms(offer: WaitlistOffer, *, link: str = "") -> SmsFields:
    """What a text about an offered time may say: when and where, never what for."""
    zone = offer.location.zone
    return SmsFields(
        clinic=offer.clinic.name,
        date=local_text(offer.starts_at, zone, "D j M"),
        time=local_text(offer.starts_at, zone, "H:i"),
        location=offer.location.name,
        link=link,
    )


def _tell_taken(offer: WaitlistOffer, now: dt.datetime) -> None:
    when = local_text(offer.starts_at, offer.location.zone, r"l j F \a\t H:i")
    message_to_patient(
        patient=offer.entry.patient,
        kind=Kind.WAITLIST_TAKEN,
        subject=f"The time at {offer.clinic.name} has been taken",
        body=f"The time we offered you, {when}, has been taken. You stay on the waitlist.",
        about=f"waitlist-offer:{offer.public_id}",
        now=now,
        sms=_offer_sms(offer),
    )


def _matching_entries(freed: FreedTime, already_offered: set[int]) -> list[WaitlistEntry]:
    """Waiting entries that want this time, in the order they joined."""
    zone = freed.location.zone
    day = freed.starts_at.astimezone(zone).date()
    candidates = WaitlistEntry.objects.for_clinic(freed.appointment_type.clinic_id).filter(
        status=WaitlistStatus.WAITING,
        appointment_type=freed.appointment_type,
        from_date__lte=day,
        to_date__gte=day,
    )
    ends_at = freed.starts_at + dt.timedelta(minutes=freed.appointment_type.minutes)
    busy_patients = set(
        Appointment.objects.for_clinic(freed.appointment_type.clinic_id)
        .filter(status__in=HOLDING, starts_at__lt=ends_at, ends_at__gt=freed.starts_at)
        .values_list("patient_id", flat=True)
    )
    return [
        entry
        for entry in candidates.select_related("patient").order_by("joined_at", "pk")
        if entry.pk not in already_offered
        and entry.patient_id != freed.given_up_by
        and entry.patient_id not in busy_patients
        and entry.practitioner_id in (None, freed.practitioner.pk)
        and entry_wants(entry, freed.starts_at, zone)
    ]


def _still_free(freed: FreedTime, now: dt.datetime) -> bool:
    return slot_is_free(
        clinic=freed.location.clinic,
        appointment_type=freed.appointment_type,
        practitioner=freed.practitioner,
        location=freed.location,
        starts_at=freed.starts_at,
        now=now,
        min_notice_minutes=policy_for(freed.location.clinic).min_notice_minutes,
    )


def _offers_of(freed: FreedTime) -> Any:
    return WaitlistOffer.objects.for_clinic(freed.location.clinic_id).filter(
        practitioner=freed.practitioner, starts_at=freed.starts_at
    )


@transaction.atomic
def waitlist_offer_freed_time(*, freed: FreedTime, now: dt.datetime) -> list[WaitlistOffer]:
    """Lapse the time's overdue offers; while none is open and the time is free, offer it to
    the next entries in line. Returns the offers made now, with when to look again."""
    offers = _offers_of(freed)
    offers.filter(status=OfferStatus.OFFERED, expires_at__lte=now).update(
        status=OfferStatus.EXPIRED
    )
    if offers.filter(status__in=[OfferStatus.OFFERED, OfferStatus.ACCEPTED]).exists():
        return []
    if not _still_free(freed, now):
        return []
    notice = dt.timedelta(minutes=policy_for(freed.location.clinic).min_notice_minutes)
    expires_at = min(now + OFFER_LIFETIME, freed.starts_at - notice)
    already = set(offers.values_list("entry_id", flat=True))
    made = []
    for entry in _matching_entries(freed, already)[:OFFERS_PER_TIME]:
        offer = WaitlistOffer.objects.create(
            clinic=entry.clinic,
            entry=entry,
            appointment_type=freed.appointment_type,
            practitioner=freed.practitioner,
            location=freed.location,
            starts_at=freed.starts_at,
            expires_at=expires_at,
            offered_at=now,
        )
        _tell_offered(offer, now)
        _audit(None, None, offer, Action.CREATE, patient=str(entry.patient.public_id))
        made.append(offer)
    return made


def _settle_offer(
    request: HttpRequest | None, offer_pk: int, now: dt.datetime
) -> tuple[WaitlistOffer, str]:
    """Answer one acceptance inside a transaction; returns the offer and "" or why not. Never
    raises a refusal, so the offer's new status is kept whatever the answer."""
    offer = WaitlistOffer.objects.get(pk=offer_pk)
    # Every offer of this time is locked, in one order: acceptances of one time queue up
    # behind each other rather than deadlock (the winner marks the others taken).
    list(_offers_of_offer(offer).select_for_update().order_by("pk").values_list("pk"))
    offer = WaitlistOffer.objects.select_related("entry__patient", "location").get(pk=offer_pk)
    if offer.status == OfferStatus.ACCEPTED:
        return offer, ""
    if offer.status != OfferStatus.OFFERED:
        return offer, TAKEN if offer.status == OfferStatus.TAKEN else EXPIRED
    if now >= offer.expires_at:
        offer.status = OfferStatus.EXPIRED
        offer.save(update_fields=["status"])
        return offer, EXPIRED
    patient = offer.entry.patient
    try:
        appointment = appointment_book(
            request=request,
            actor=patient.portal_user,
            patient=patient,
            appointment_type=offer.appointment_type,
            practitioner=offer.practitioner,
            location=offer.location,
            starts_at=offer.starts_at,
            channel=BookingChannel.ONLINE,
            now=now,
        )
    except BookingRefused:
        offer.status, offer.answered_at = OfferStatus.TAKEN, now
        offer.save(update_fields=["status", "answered_at"])
        return offer, TAKEN
    offer.status, offer.answered_at, offer.appointment = OfferStatus.ACCEPTED, now, appointment
    offer.save(update_fields=["status", "answered_at", "appointment"])
    WaitlistEntry.objects.filter(pk=offer.entry_id).update(status=WaitlistStatus.BOOKED)
    _audit(request, patient.portal_user, offer, Action.UPDATE, status="accepted")
    for other in _offers_of_offer(offer).filter(status=OfferStatus.OFFERED).exclude(pk=offer.pk):
        other.status, other.answered_at = OfferStatus.TAKEN, now
        other.save(update_fields=["status", "answered_at"])
        _tell_taken(other, now)
    return offer, ""


def _offers_of_offer(offer: WaitlistOffer) -> Any:
    return WaitlistOffer.objects.for_clinic(offer.clinic_id).filter(
        practitioner=offer.practitioner, starts_at=offer.starts_at
    )


def waitlist_offer_accept(
    *, request: HttpRequest | None, offer: WaitlistOffer, now: dt.datetime
) -> Appointment:
    """The first acceptance books the time; a later one, or a lapsed offer, is refused."""
    try:
        with transaction.atomic():
            settled, why_not = _settle_offer(request, offer.pk, now)
    except IntegrityError as error:  # a guard the booking service does not translate
        raise WaitlistRefused([TAKEN]) from error
    if why_not:
        raise WaitlistRefused([why_not])
    assert settled.appointment is not None  # noqa: S101 - accepted offers hold their booking
    return settled.appointment


def freed_time_of(appointment: Appointment) -> FreedTime:
    return FreedTime(
        appointment.appointment_type,
        appointment.practitioner,
        appointment.location,
        appointment.starts_at,
        appointment.patient_id,
    )
