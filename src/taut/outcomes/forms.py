"""The dashboard's filters: a date range, a location and a practitioner of the member's clinic."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from taut.clinical.course import PLATEAU_WINDOWS
from taut.clinics.models import Clinic, Location, Membership
from taut.clinics.roles import Role
from taut.outcomes.selectors.clinic_dashboard import DashboardFilter

DEFAULT_DAYS = 365


class DashboardFilterForm(forms.Form):
    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    end = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), required=False, empty_label="All locations"
    )
    clinician = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="All practitioners",
        label="Practitioner",
    )
    plateau = forms.IntegerField(
        label="Plateau window (sessions)",
        min_value=PLATEAU_WINDOWS[0],
        max_value=PLATEAU_WINDOWS[-1],
        required=False,
        help_text="No MCID-sized improvement over this many sessions is a plateau (default 3).",
    )

    def __init__(self, *args: Any, clinic: Clinic, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        locations = Location.objects.for_clinic(clinic).order_by("name")
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]
        clinicians = Membership.objects.for_clinic(clinic).filter(role=Role.CLINICIAN)
        field = self.fields["clinician"]
        field.queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(pk__in=clinicians.values("user_id"))
            .order_by("last_name", "first_name", "pk")
        )
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.username
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        return data

    def filters(self) -> DashboardFilter:
        """The filters of a valid form; the last 12 months when no dates are given."""
        data = getattr(self, "cleaned_data", {})  # unbound: the defaults
        end = data.get("end") or self.today
        start = data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS)
        location, clinician = data.get("location"), data.get("clinician")
        return DashboardFilter(
            start=start,
            end=end,
            location_id=location.pk if location else None,
            clinician_id=clinician.pk if clinician else None,
            plateau_sessions=data.get("plateau") or 3,
        )
