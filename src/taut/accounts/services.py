"""Writes for accounts: sign-in bookkeeping and two-factor devices."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.selectors import membership_current


def login_record(*, request: HttpRequest, user: Any) -> None:
    membership = membership_current(user=user, clinic_id=None)
    audit_record(
        request=request,
        actor=user,
        clinic=membership.clinic if membership else None,
        action=Action.LOGIN,
        object_type="user",
        object_id=str(user.public_id),
    )


def login_failure_record(*, request: HttpRequest, username: str) -> None:
    audit_record(
        request=request,
        actor=None,
        clinic=None,
        action=Action.FAILED_LOGIN,
        object_type="user",
        object_id="",
        detail={"username": username[:150]},
    )


@transaction.atomic
def totp_device_start(*, user: Any) -> TOTPDevice:
    """An unconfirmed device; it counts only once the user proves it with a code."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    audit_record(
        request=request,
        actor=device.user,
        clinic=getattr(request, "membership", None) and request.membership.clinic,  # type: ignore[attr-defined]
        action=Action.UPDATE,
        object_type="two_factor_device",
        object_id=str(device.user.public_id),
    )
    return True
