"""The slot search both the desk and the public booking page use: parse, look up, present."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from taut.clinics.models import Clinic
from taut.scheduling.availability import PractitionerSlot, free_slots_for
from taut.scheduling.forms import SlotSearchForm


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
) -> SlotSearch:
    today = timezone.now().astimezone(clinic.zone).date()
    params = request.GET if "day" in request.GET else None
    form = SlotSearchForm(
        params,
        types=types,
        practitioners=practitioners,
        today=today,
        days_ahead=days_ahead,
        initial={"day": today + dt.timedelta(days=1)},
    )
    if params is None or not form.is_valid():
        return SlotSearch(form, [], False)
    slots = free_slots_for(
        clinic=clinic,
        appointment_type=form.cleaned_data["appointment_type"],
        day=form.cleaned_data["day"],
        now=timezone.now(),
        practitioners=form.chosen_practitioners(),
        min_notice_minutes=min_notice_minutes,
    )
    return SlotSearch(form, slots, True)
