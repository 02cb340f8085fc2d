from __future__ import annotations

import re
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model

from taut.clinics.logo import MAX_UPLOAD_BYTES, Logo, LogoError, logo_from_upload
from taut.clinics.models import Clinic, Location
from taut.clinics.roles import Role

JURISDICTION_PATTERN = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


class ClinicForm(forms.ModelForm):
    class Meta:
        model = Clinic
        fields = [
            "name",
            "time_zone",
            "jurisdiction",
            "address",
            "phone",
            "email",
            "require_staff_2fa",
            "screening_max_age_days",
            "separate_electrical_consent",
        ]
        labels = {"require_staff_2fa": "Require two-factor sign-in for all staff"}
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        zones = sorted(zoneinfo.available_timezones())
        self.fields["time_zone"] = forms.ChoiceField(choices=[(z, z) for z in zones])

    def clean_jurisdiction(self) -> str:
        code = self.cleaned_data["jurisdiction"].strip().upper()
        if not JURISDICTION_PATTERN.match(code):
            raise forms.ValidationError("Use a country and region code such as US-CO or CA-AB.")
        return code


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "address", "phone", "time_zone"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["time_zone"] = location_zone_field()


class LocationZoneForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["time_zone"] = location_zone_field()


def location_zone_field() -> forms.ChoiceField:
    zones = sorted(zoneinfo.available_timezones())
    return forms.ChoiceField(
        label="Time zone",
        choices=[("", "Same as the clinic"), *((z, z) for z in zones)],
        required=False,
        help_text="Only for a location in another time zone than the clinic.",
    )


class StaffForm(forms.Form):
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(label="Given name", max_length=150)
    last_name = forms.CharField(label="Family name", max_length=150)
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        field = get_user_model()._meta.get_field("username")
        for validator in field.validators:
            validator(username)
        return username


class ClinicSwitchForm(forms.Form):
    clinic = forms.IntegerField(widget=forms.HiddenInput)


class LogoForm(forms.Form):
    logo = forms.FileField(
        label="Logo",
        help_text=f"A PNG or JPEG of at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. It is shown "
        "on the patient portal, the public pages and every PDF, at most 600 × 200 pixels.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def clean_logo(self) -> Logo:
        upload = self.cleaned_data["logo"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
            )
        try:
            return logo_from_upload(upload.read())
        except LogoError as refusal:
            raise forms.ValidationError(str(refusal)) from refusal
