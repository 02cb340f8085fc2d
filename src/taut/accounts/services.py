"""Writes for accounts: sign-in bookkeeping and two-factor devices."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from taut import clock
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


SETUP_KEY = "taut_totp_setup_key"


def totp_device_draft(*, request: HttpRequest) -> TOTPDevice:
    """The authenticator being set up, unsaved: its secret waits in the session, so opening the
    set-up page writes no device row; one is stored only when a code proves the app has it."""
    key = request.session.get(SETUP_KEY)
    if not key:
        key = default_key()
        request.session[SETUP_KEY] = key
    return TOTPDevice(user=request.user, name="Authenticator app", key=key, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Store the drafted device, confirmed, if the code matches its secret; else store nothing."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = clock.now().timestamp()
    if not token.isdigit() or not totp.verify(int(token), device.tolerance):
        return False
    device.last_t = totp.t()
    device.drift = totp.drift
    device.confirmed = True
    device.save()
    request.session.pop(SETUP_KEY, None)
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
