"""Forms for booking and for setting up the schedule. They parse and validate input; the rules
live in the core and the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from taut.clinical.knowledge import load_knowledge
from taut.clinics.models import Clinic, Location
from taut.patients.forms import PatientForm
from taut.scheduling.models import AppointmentType, BookingPolicy, CarePlan, Resource
from taut.scheduling.models.availability import WEEKDAYS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class SlotSearchForm(forms.Form):
    """What to look for: a type of visit, a practitioner (or anyone), a location (or any, where
    the clinic has several), a day."""

    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label="Visit"
    )
    practitioner = forms.ChoiceField(label="With", required=False)
    location = forms.ChoiceField(
        label="Where",
        required=False,
        error_messages={"invalid_choice": "Where: choose one of the clinic's locations."},
    )
    day = forms.DateField(label="Day", widget=DATE_INPUT)

    def __init__(
        self,
        *args: Any,
        types: Any,
        practitioners: list[Any],
        today: dt.date,
        days_ahead: int = 365,
        locations: list[Location] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today, self.days_ahead = today, days_ahead
        self.locations = {str(loc.public_id): loc for loc in locations or []}
        if len(self.locations) < 2:
            del self.fields["location"]  # one place: nothing to choose
        else:
            self.fields["location"].choices = [  # type: ignore[attr-defined]
                ("", "Any location"),
                *[(key, loc.name) for key, loc in self.locations.items()],
            ]
        self.fields["appointment_type"].queryset = types  # type: ignore[attr-defined]
        self.fields["practitioner"].choices = [("", "Anyone available")] + [  # type: ignore[attr-defined]
            (str(p.public_id), p.get_full_name() or p.get_username()) for p in practitioners
        ]
        self.practitioners = {str(p.public_id): p for p in practitioners}

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        if day < self.today:
            raise forms.ValidationError("Choose today or a later day.")
        if day > self.today + dt.timedelta(days=self.days_ahead):
            raise forms.ValidationError(f"Bookings open at most {self.days_ahead} days ahead.")
        return day

    def chosen_location(self) -> Location | None:
        return self.locations.get(self.cleaned_data.get("location") or "")

    def chosen_practitioners(self) -> list[Any]:
        chosen = self.cleaned_data.get("practitioner") or ""
        return [self.practitioners[chosen]] if chosen else list(self.practitioners.values())


class SlotChoiceForm(forms.Form):
    """A chosen slot, as the slot list posts it back."""

    appointment_type = forms.IntegerField(widget=forms.HiddenInput)
    slot = forms.CharField(label="Time", error_messages={"required": "Choose a time."})
    note = forms.CharField(label="Note for the clinic", required=False, max_length=300)
    # The desk's optional picks (public ids); empty: a free one when the type needs it.
    room = forms.UUIDField(label="Room", required=False)
    device = forms.UUIDField(label="Device", required=False)

    def clean_slot(self) -> str:
        value: str = self.cleaned_data["slot"]
        try:
            practitioner, location, start = value.split("|")
            when = dt.datetime.fromisoformat(start)
            if when.tzinfo is None:
                raise ValueError("no time zone")
            self._parsed = (practitioner, int(location), when)
        except ValueError as error:
            raise forms.ValidationError("That time could not be read; choose again.") from error
        return value

    def parsed_slot(self) -> tuple[str, int, dt.datetime]:
        """(practitioner public id, location id, start) of the chosen, valid slot."""
        return self._parsed


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        error_messages={"required": "say why the appointment is cancelled."},
    )
    waive_fee = forms.BooleanField(label="Waive any late-cancellation fee", required=False)


class OnlinePatientForm(PatientForm):
    """A new patient's details on the public booking page: email is required for the invitation."""

    class Meta(PatientForm.Meta):
        fields = ["given_name", "family_name", "date_of_birth", "phone", "email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "We send your confirmation and portal invitation here."
        self.fields["phone"].required = True


class AppointmentTypeForm(forms.ModelForm):
    class Meta:
        model = AppointmentType
        fields = [
            "name",
            "minutes",
            "buffer_minutes",
            "requires_established",
            "requires_consent",
            "needs_room",
            "needs_device",
            "bookable_online",
            "is_active",
        ]
        labels = {"needs_room": "Needs a treatment room", "needs_device": "Needs a device"}


class ResourceForm(forms.ModelForm):
    """A room or a device at one of the clinic's locations."""

    class Meta:
        model = Resource
        fields = ["name", "kind", "location", "active"]
        labels = {"kind": "What it is", "active": "In use (untick to retire it)"}

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.for_clinic(clinic).filter(  # type: ignore[attr-defined]
            is_active=True
        )


class PolicyForm(forms.ModelForm):
    class Meta:
        model = BookingPolicy
        fields = [
            "online_booking",
            "min_notice_minutes",
            "days_ahead",
            "cancellation_notice_hours",
            "late_fee",
            "reminder_hours",
        ]


class _PractitionerForm(forms.Form):
    practitioner = forms.ChoiceField(label="Clinician")

    def __init__(self, *args: Any, practitioners: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practitioners = {str(p.public_id): p for p in practitioners}
        self.fields["practitioner"].choices = [  # type: ignore[attr-defined]
            (key, p.get_full_name() or p.get_username()) for key, p in self.practitioners.items()
        ]

    def chosen(self) -> Any:
        return self.practitioners[self.cleaned_data["practitioner"]]


class WorkingHoursForm(_PractitionerForm):
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int)
    start = forms.TimeField(widget=TIME_INPUT)
    end = forms.TimeField(widget=TIME_INPUT)

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.for_clinic(clinic).filter(  # type: ignore[attr-defined]
            is_active=True
        )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            self.add_error("end", "The hours must end after they start.")
        return data


class BreakForm(_PractitionerForm):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int)
    start = forms.TimeField(widget=TIME_INPUT)
    end = forms.TimeField(widget=TIME_INPUT)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            self.add_error("end", "The break must end after it starts.")
        return data


class TimeOffForm(_PractitionerForm):
    first_day = forms.DateField(widget=DATE_INPUT, label="From (first day)")
    last_day = forms.DateField(widget=DATE_INPUT, label="To (last day)")
    reason = forms.CharField(max_length=120, required=False)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", "The last day cannot be before the first.")
        return data


def _condition_choices() -> list[tuple[str, str]]:
    return [(c.id, c.name) for c in load_knowledge().conditions]


class CarePlanForm(forms.ModelForm):
    conditions = forms.MultipleChoiceField(
        choices=_condition_choices, widget=forms.CheckboxSelectMultiple, label="Conditions treated"
    )
    reassess_at = forms.CharField(
        label="Reassess at sessions",
        required=False,
        help_text="Session numbers separated by commas, e.g. 3, 6. Empty: at the last session.",
    )

    class Meta:
        model = CarePlan
        fields = ["goals", "conditions", "planned_sessions", "per_week", "starts_on"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 4}), "starts_on": DATE_INPUT}
        labels = {"per_week": "Sessions per week", "planned_sessions": "Planned sessions"}
        help_texts = {"planned_sessions": "Clinics usually plan 2-6 sessions."}

    def clean_goals(self) -> str:
        goals: str = self.cleaned_data["goals"]
        if not any(line.strip() for line in goals.splitlines()):
            raise forms.ValidationError("Write at least one goal.")
        return goals.strip()

    def clean_reassess_at(self) -> list[int]:
        text = self.cleaned_data.get("reassess_at") or ""
        try:
            points = sorted(
                {int(part) for part in text.replace(";", ",").split(",") if part.strip()}
            )
        except ValueError as error:
            raise forms.ValidationError("Use whole session numbers separated by commas.") from error
        return points

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        planned = data.get("planned_sessions")
        points = data.get("reassess_at") or []
        if planned and any(not 1 <= p <= planned for p in points):
            self.add_error("reassess_at", f"Reassessment points must lie between 1 and {planned}.")
        return data
