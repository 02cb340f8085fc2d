"""The waitlist form, shared by the portal (the patient) and the desk (for a patient)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from taut.clinics.models import Clinic
from taut.scheduling.availability import appointment_types_for, practitioner_of, practitioners_of
from taut.scheduling.forms import DATE_INPUT, TIME_INPUT
from taut.scheduling.models import AppointmentType, PartOfDay
from taut.scheduling.models.availability import WEEKDAYS
from taut.scheduling.services.waitlist import Wish


class WaitlistForm(forms.Form):
    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label="Visit"
    )
    practitioner = forms.ChoiceField(label="With", required=False)
    parts_of_day = forms.MultipleChoiceField(
        label="Times of day (none: any)",
        choices=PartOfDay.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Days (none: any)",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    window_start = forms.TimeField(label="Not before", required=False, widget=TIME_INPUT)
    window_end = forms.TimeField(label="Not after", required=False, widget=TIME_INPUT)
    from_date = forms.DateField(label="From", widget=DATE_INPUT)
    to_date = forms.DateField(label="Until", widget=DATE_INPUT)

    def __init__(self, *args: Any, clinic: Clinic, online: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic
        types = appointment_types_for(clinic, online=online)
        self.fields["appointment_type"].queryset = AppointmentType.objects.filter(  # type: ignore[attr-defined]
            pk__in=[t.pk for t in types]
        )
        self.fields["practitioner"].choices = [("", "Anyone")] + [  # type: ignore[attr-defined]
            (str(p.public_id), p.get_full_name() or p.username) for p in practitioners_of(clinic)
        ]

    def wish(self) -> Wish:
        data = self.cleaned_data
        chosen = data["practitioner"]
        return Wish(
            appointment_type=data["appointment_type"],
            practitioner=practitioner_of(self.clinic, chosen) if chosen else None,
            parts_of_day=data["parts_of_day"],
            weekdays=data["weekdays"],
            window_start=data["window_start"],
            window_end=data["window_end"],
            from_date=data["from_date"],
            to_date=data["to_date"],
        )


def waitlist_initial(today: dt.date) -> dict[str, Any]:
    return {"from_date": today, "to_date": today + dt.timedelta(days=28)}
