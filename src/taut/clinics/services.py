"""Writes for clinics, locations and staff. Each in one transaction, each audited."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import HttpRequest

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.logo import Logo
from taut.clinics.models import Clinic, ClinicLogo, Location, Membership
from taut.clinics.roles import Role
from taut.clinics.selectors import memberships_for_user
from taut.common.lockout import lockout_clear
from taut.common.refusals import Refused

CLINIC_FIELDS = (
    "name",
    "time_zone",
    "jurisdiction",
    "address",
    "phone",
    "email",
    "require_staff_2fa",
    "screening_max_age_days",
    "separate_electrical_consent",
)


class ClinicError(Refused):
    """A clinic write that the rules refuse."""


@transaction.atomic
def clinic_create_with_owner(
    *,
    name: str,
    slug: str,
    time_zone: str,
    jurisdiction: str,
    username: str,
    email: str,
    password: str,
    given_name: str = "",
    family_name: str = "",
) -> Membership:
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ClinicError(f"A user called “{username}” already exists.")
    if Clinic.objects.filter(slug=slug).exists():
        raise ClinicError(f"A clinic with the short name “{slug}” already exists.")
    clinic = Clinic(name=name, slug=slug, time_zone=time_zone, jurisdiction=jurisdiction)
    clinic.full_clean()
    clinic.save()
    owner = user_model.objects.create_user(
        username=username,
        email=email,
        password=password,
        first_name=given_name,
        last_name=family_name,
    )
    membership = Membership.objects.create(clinic=clinic, user=owner, role=Role.OWNER)
    audit_record(
        request=None,
        actor=owner,
        clinic=clinic,
        action=Action.CREATE,
        object_type="clinic",
        object_id=str(clinic.public_id),
    )
    return membership


@transaction.atomic
def clinic_update(
    *, request: HttpRequest, actor: Any, clinic: Clinic, data: dict[str, Any]
) -> Clinic:
    changed = [f for f in CLINIC_FIELDS if getattr(clinic, f) != data[f]]
    for field in changed:
        setattr(clinic, field, data[field])
    clinic.save()
    audit_record(
        request=request,
        actor=actor,
        clinic=clinic,
        action=Action.UPDATE,
        object_type="clinic",
        object_id=str(clinic.public_id),
        detail={"fields": changed},
    )
    return clinic


@transaction.atomic
def clinic_logo_set(*, request: HttpRequest, actor: Any, clinic: Clinic, logo: Logo) -> Clinic:
    """Keep the re-encoded logo (replacing any earlier one) and its fingerprint on the clinic."""
    ClinicLogo.objects.update_or_create(
        clinic=clinic,
        defaults={
            "png": logo.png,
            "width": logo.width,
            "height": logo.height,
            "uploaded_by": actor,
            "uploaded_at": clock.now(),
        },
    )
    clinic.logo_sha256 = logo.sha256
    clinic.save(update_fields=["logo_sha256"])
    audit_record(
        request=request,
        actor=actor,
        clinic=clinic,
        action=Action.UPDATE,
        object_type="clinic_logo",
        object_id=str(clinic.public_id),
        detail={"sha256": logo.sha256, "width": logo.width, "height": logo.height},
    )
    return clinic


@transaction.atomic
def clinic_logo_remove(*, request: HttpRequest, actor: Any, clinic: Clinic) -> Clinic:
    ClinicLogo.objects.filter(clinic=clinic).delete()
    clinic.logo_sha256 = ""
    clinic.save(update_fields=["logo_sha256"])
    audit_record(
        request=request,
        actor=actor,
        clinic=clinic,
        action=Action.UPDATE,
        object_type="clinic_logo",
        object_id=str(clinic.public_id),
        detail={"removed": True},
    )
    return clinic


@transaction.atomic
def location_create(
    *, request: HttpRequest, actor: Any, clinic: Clinic, data: dict[str, Any]
) -> Location:
    if Location.objects.for_clinic(clinic).filter(name=data["name"]).exists():
        raise ClinicError(f"There is already a location called “{data['name']}”.")
    location = Location.objects.create(clinic=clinic, **data)
    audit_record(
        request=request,
        actor=actor,
        clinic=clinic,
        action=Action.CREATE,
        object_type="location",
        object_id=str(location.public_id),
    )
    return location


@transaction.atomic
def location_time_zone_set(
    *, request: HttpRequest, actor: Any, location: Location, time_zone: str
) -> Location:
    """A location's own zone; blank means the clinic's. Stored times stay UTC, so nothing else
    changes: past and future records read in the new zone from now on."""
    before = location.time_zone
    location.time_zone = time_zone
    location.full_clean(validate_unique=False, validate_constraints=False)
    location.save(update_fields=["time_zone"])
    audit_record(
        request=request,
        actor=actor,
        clinic=location.clinic,
        action=Action.UPDATE,
        object_type="location",
        object_id=str(location.public_id),
        detail={"time_zone": {"from": before, "to": time_zone}},
    )
    return location


@transaction.atomic
def staff_add(
    *, request: HttpRequest, actor: Any, clinic: Clinic, data: dict[str, Any]
) -> Membership:
    """Add a staff member; a new user gets an email with a link to choose a password."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=data["username"]).first()
    if user is None:
        user = user_model.objects.create_user(
            username=data["username"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        # A random password nobody knows: the welcome link lets them choose their own (Django
        # sends reset links only to accounts with a usable password).
        user.set_password(secrets.token_urlsafe(32))
        user.save()
        _send_welcome(request, data["email"])
    if Membership.objects.filter(clinic=clinic, user=user).exists():
        raise ClinicError(f"{user.get_username()} already works at this clinic.")
    membership = Membership.objects.create(clinic=clinic, user=user, role=data["role"])
    audit_record(
        request=request,
        actor=actor,
        clinic=clinic,
        action=Action.CREATE,
        object_type="membership",
        object_id=str(user.public_id),
        detail={"role": data["role"]},
    )
    return membership


def _send_welcome(request: HttpRequest, email: str) -> None:
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            request=request,
            subject_template_name="accounts/welcome_subject.txt",
            email_template_name="accounts/welcome_email.txt",
        )


@transaction.atomic
def membership_deactivate(*, request: HttpRequest, actor: Any, membership: Membership) -> None:
    if membership.user_id == actor.pk:
        raise ClinicError("You cannot remove yourself from the clinic.")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_record(
        request=request,
        actor=actor,
        clinic=membership.clinic,
        action=Action.UPDATE,
        object_type="membership",
        object_id=str(membership.user.public_id),
        detail={"active": False},
    )


@transaction.atomic
def sign_in_unlock(*, request: HttpRequest, actor: Any, user: Any, reason: str) -> int:
    """Lift a sign-in lockout of `user` (every address); audited in each clinic of theirs even
    when nothing was locked, so the log shows who lifted what. Returns the attempts forgotten."""
    forgotten = lockout_clear(user.get_username())
    clinics: list[Any] = [m.clinic for m in memberships_for_user(user=user)] or [None]
    for clinic in clinics:
        audit_record(
            request=request,
            actor=actor,
            clinic=clinic,
            action=Action.UPDATE,
            object_type="sign_in_lockout",
            object_id=str(user.public_id),
            detail={"unlocked": True, "reason": reason, "attempts_forgotten": forgotten},
        )
    return forgotten


@transaction.atomic
def staff_unlock(*, request: HttpRequest, actor: Any, membership: Membership) -> int:
    """The owner lifts a staff member's sign-in lockout (every address); audited."""
    return sign_in_unlock(request=request, actor=actor, user=membership.user, reason="owner")


@transaction.atomic
def two_factor_reset(*, request: HttpRequest, actor: Any, membership: Membership) -> int:
    """Remove a staff member's authenticators (a lost phone); they set one up at next sign-in
    where the clinic requires it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if membership.user_id == actor.pk:
        raise ClinicError("Reset your own authenticator from your account, not here.")
    removed, _ = TOTPDevice.objects.filter(user=membership.user).delete()
    audit_record(
        request=request,
        actor=actor,
        clinic=membership.clinic,
        action=Action.UPDATE,
        object_type="two_factor_device",
        object_id=str(membership.user.public_id),
        detail={"reset_by_owner": True, "devices_removed": removed},
    )
    return int(removed)
