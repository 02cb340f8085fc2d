from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from taut.clinics.logo import data_uri
from taut.clinics.roles import Permission, Role, role_may


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (for example Europe/London).")


class Clinic(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    jurisdiction = models.CharField(
        max_length=16,
        help_text="Where the clinic practises, as a code such as US-CO or CA-AB.",
    )
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    require_staff_2fa = models.BooleanField(
        default=False, help_text="Staff must use an authenticator app to sign in."
    )
    screening_max_age_days = models.PositiveIntegerField(
        default=90, help_text="A screening older than this must be redone before needling."
    )
    separate_electrical_consent = models.BooleanField(
        default=True, help_text="Electrical needling needs its own signed consent."
    )
    # The fingerprint of the clinic's logo (ClinicLogo holds its pixels): empty without one,
    # and part of the logo's URL so that a new logo is never served from a stale cache.
    logo_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_sha256)

    @property
    def logo_data_uri(self) -> str:
        """The logo inline for a PDF (one query), or "" without a logo."""
        logo = ClinicLogo.objects.filter(clinic=self).first() if self.has_logo else None
        return data_uri(bytes(logo.png)) if logo is not None else ""

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class ClinicLogo(models.Model):
    """The pixels of a clinic's logo: a PNG that clinics.logo redrew from the upload."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="logo")
    png = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Logo of {self.clinic}"


class ScopedQuerySet(models.QuerySet):
    """A query set over rows that belong to a clinic.

    `for_clinic` is the only way views and selectors narrow rows to a clinic: models that hold
    patient data use `ScopedManager`, and access helpers start from `Model.objects.for_clinic()`.
    """

    def for_clinic(self, clinic: Clinic | int) -> ScopedQuerySet:
        clinic_id = clinic if isinstance(clinic, int) else clinic.pk
        return self.filter(clinic_id=clinic_id)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


class Location(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="locations")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Leave blank when the location keeps the clinic's time zone.",
    )
    is_active = models.BooleanField(default=True)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="location_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """Times of what happens here (appointments, sessions) read in this zone."""
        return local_zone(self.clinic, self)


def local_zone(clinic: Clinic, location: Location | None = None) -> zoneinfo.ZoneInfo:
    """The zone a record of `clinic` held at `location` is read in: the location's own when it
    has one, else the clinic's."""
    return zoneinfo.ZoneInfo((location.time_zone if location else "") or clinic.time_zone)


class Membership(models.Model):
    """A staff member's place in a clinic. A user may work in several clinics."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.clinic}"

    def may(self, permission: Permission) -> bool:
        return self.is_active and role_may(self.role, permission)
