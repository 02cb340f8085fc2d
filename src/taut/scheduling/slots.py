"""The slot search both the desk and the public booking page use: parse, look up, present."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from taut import clock
from taut.clinics.models import Clinic, Location
from taut.common.refusals import Refused
from taut.scheduling.availability import PractitionerSlot, free_slots_for, practitioner_of
from taut.scheduling.forms import SlotChoiceForm, SlotSearchForm
from taut.scheduling.models import AppointmentType
from taut.scheduling.services import BookingRefused


@dataclass
class SlotSearch:
    form: SlotSearchForm
    slots: list[PractitionerSlot]
    searched: bool

    @property
    def appointment_type(self) -> Any:
        return self.form.cleaned_data.get("appointment_type") if self.searched else None


def slot_value(found: PractitionerSlot) -> str:
    return f"{found.practitioner.public_id}|{found.location.pk}|{found.slot.start.isoformat()}"


def search_slots(
    request: HttpRequest,
    *,
    clinic: Clinic,
    types: Any,
    practitioners: list[Any],
    min_notice_minutes: int = 0,
    days_ahead: int = 365,
    appointment_type: AppointmentType | None = None,
) -> SlotSearch:
    today = clock.today_in(clinic.zone)
    params = request.GET if "day" in request.GET else None
    form = SlotSearchForm(
        params,
        types=types,
        practitioners=practitioners,
        today=today,
        days_ahead=days_ahead,
        locations=list(Location.objects.for_clinic(clinic).filter(is_active=True).order_by("name")),
        initial={"day": today + dt.timedelta(days=1), "appointment_type": appointment_type},
    )
    if params is None or not form.is_valid():
        return SlotSearch(form, [], False)
    slots = free_slots_for(
        clinic=clinic,
        appointment_type=form.cleaned_data["appointment_type"],
        day=form.cleaned_data["day"],
        now=clock.now(),
        practitioners=form.chosen_practitioners(),
        min_notice_minutes=min_notice_minutes,
    )
    where = form.chosen_location()
    if where is not None:
        slots = [found for found in slots if found.location.pk == where.pk]
    return SlotSearch(form, slots, True)


@dataclass(frozen=True)
class ChosenSlot:
    practitioner: Any
    location: Location
    appointment_type: AppointmentType
    start: dt.datetime


def chosen_slot(clinic: Clinic, form: SlotChoiceForm, *, online: bool = False) -> ChosenSlot:
    """The clinic's own records behind a posted slot choice; anything else is refused."""
    practitioner_id, location_id, start = form.parsed_slot()
    types = AppointmentType.objects.for_clinic(clinic).filter(is_active=True)
    if online:
        types = types.filter(bookable_online=True)
    practitioner = practitioner_of(clinic, practitioner_id)
    location = Location.objects.for_clinic(clinic).filter(pk=location_id).first()
    appointment_type = types.filter(pk=form.cleaned_data["appointment_type"]).first()
    if practitioner is None or location is None or appointment_type is None:
        raise BookingRefused(["That time is not one this clinic offers; please choose again."])
    return ChosenSlot(practitioner, location, appointment_type, start)


def show_refusal(request: HttpRequest, refusal: Refused) -> None:
    """Every reason of a refused scheduling step, as messages on the next page."""
    for reason in refusal.reasons:
        messages.error(request, reason)
