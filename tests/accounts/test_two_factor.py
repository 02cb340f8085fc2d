from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, World


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"


def _secret(page: Any) -> str:
    import re

    found = re.search(r"<code[^>]*>([A-Z2-7]{16,})</code>", page.content.decode())
    assert found, "the set-up page shows the secret for typing in"
    return found.group(1)


def _hex_key(base32: str) -> str:
    import base64

    return base64.b32decode(base32).hex()


def _signed_in(username: str) -> Client:
    client = Client()
    client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    return client


def test_a_staff_member_with_an_authenticator_must_enter_a_code(
    world: World, settings: Any
) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp slows retries; not what this test is about
    device = TOTPDevice.objects.create(user=world.clinician_a, name="phone", confirmed=True)
    client = _signed_in("clinician_a")
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302 and reverse("accounts:otp_verify") in response["Location"]
    wrong = client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert b"That code is not right" in wrong.content
    ok = client.post(reverse("accounts:otp_verify"), {"token": _code(device), "next": "/patients/"})
    assert ok.status_code == 302 and ok["Location"] == "/patients/"
    assert client.get(reverse("patients:list")).status_code == 200


def test_when_the_owner_requires_it_staff_must_set_it_up(world: World) -> None:
    world.clinic_a.require_staff_2fa = True
    world.clinic_a.save()
    client = _signed_in("frontdesk_a")
    response = client.get(reverse("patients:list"))
    assert reverse("accounts:otp_setup") in response["Location"]
    setup = client.get(reverse("accounts:otp_setup"))
    assert b"<svg" in setup.content
    assert not TOTPDevice.objects.exists()  # nothing is stored until a code proves the app
    again = client.get(reverse("accounts:otp_setup"))
    assert _secret(again) == _secret(setup)  # the same secret until it is confirmed
    draft = TOTPDevice(user=world.frontdesk_a, key=_hex_key(_secret(setup)))
    wrong = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert b"does not match" in wrong.content and not TOTPDevice.objects.exists()
    client.post(reverse("accounts:otp_setup"), {"token": _code(draft)})
    device = TOTPDevice.objects.get(user=world.frontdesk_a)
    assert device.confirmed
    assert client.get(reverse("patients:list")).status_code == 200


def test_clinics_that_do_not_require_it_let_staff_in_without(world: World) -> None:
    assert _signed_in("frontdesk_a").get(reverse("patients:list")).status_code == 200


def test_an_owner_resets_a_lost_authenticator_and_it_is_audited(world: World) -> None:
    from taut.audit.models import AuditEntry

    TOTPDevice.objects.create(user=world.clinician_a, name="lost phone", confirmed=True)
    owner = _signed_in("owner_a")
    url = reverse("clinics:staff_two_factor_reset", args=[world.clinician_a.public_id])
    owner.post(url)
    assert not TOTPDevice.objects.filter(user=world.clinician_a).exists()
    assert AuditEntry.objects.filter(
        object_type="two_factor_device", object_id=str(world.clinician_a.public_id)
    ).exists()
    assert _signed_in("clinician_a").get(reverse("patients:list")).status_code == 200


def test_only_owners_reset_authenticators(world: World) -> None:
    TOTPDevice.objects.create(user=world.frontdesk_a, name="phone", confirmed=True)
    url = reverse("clinics:staff_two_factor_reset", args=[world.frontdesk_a.public_id])
    assert _signed_in("clinician_a").post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=world.frontdesk_a).exists()
