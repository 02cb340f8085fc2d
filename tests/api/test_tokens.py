"""Personal access tokens: created on the token page, shown once, stored hashed, revocable, and
useless once revoked, expired, or when their user leaves the clinic."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from taut.api.models import ApiToken, TokenScope
from taut.api.tokens import hash_secret
from taut.audit.models import AuditEntry
from taut.clinics.models import Membership
from taut.clinics.roles import Role
from tests.api.conftest import ApiClient, make_token
from tests.conftest import World, client_for, make_user

PATIENTS = "/api/v1/patients"


def _colleague(world: World) -> Any:
    """A second clinician of clinic A."""
    colleague = make_user(get_user_model(), "clinician_a2", first_name="Cleo", last_name="A")
    Membership.objects.create(clinic=world.clinic_a, user=colleague, role=Role.CLINICIAN)
    return colleague


def _create(client: Client, **data: str) -> tuple[Any, str]:
    response = client.post(
        reverse("api:tokens"), {"name": "Reports", "scope": "read", "lifetime": "90", **data}
    )
    match = re.search(r'value="(taut_[^"]+)"', response.content.decode())
    return response, match.group(1) if match else ""


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(world: World) -> None:
    client = client_for(world.owner_a)
    response, secret = _create(client)
    assert response.status_code == 200 and secret
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert token.secret_hash == hash_secret(secret) and secret not in token.secret_hash
    assert secret.startswith(f"taut_{token.prefix}_") and len(secret) > 40
    assert token.scope == TokenScope.READ and token.clinic == world.clinic_a
    assert token.expires_at is not None
    listing = client.get(reverse("api:tokens")).content.decode()
    assert token.prefix in listing and secret not in listing
    assert ApiClient(secret).get(PATIENTS).status_code == 200


def test_creating_a_token_without_a_name_names_the_field(world: World) -> None:
    response, secret = _create(client_for(world.clinician_a), name="  ")
    assert not secret and "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_token_creation_and_revocation_are_audited(world: World) -> None:
    token, _ = make_token(world.clinician_a)
    client_for(world.clinician_a).post(reverse("api:token_revoke", args=[token.public_id]))
    entries = AuditEntry.objects.filter(object_type="api_token", object_id=str(token.public_id))
    assert [e.action for e in entries.order_by("pk")] == ["create", "update"]
    assert all(e.detail["prefix"] == token.prefix for e in entries)


def test_staff_see_their_own_tokens_and_the_owner_sees_all(world: World) -> None:
    mine, _ = make_token(world.clinician_a)
    theirs, _ = make_token(_colleague(world))
    make_token(world.owner_b)
    page = client_for(world.clinician_a).get(reverse("api:tokens")).content.decode()
    assert mine.prefix in page and theirs.prefix not in page
    owner_page = client_for(world.owner_a).get(reverse("api:tokens")).content.decode()
    assert mine.prefix in owner_page and theirs.prefix in owner_page
    assert ApiToken.objects.get(user=world.owner_b).prefix not in owner_page


def test_staff_cannot_revoke_a_colleagues_token_but_the_owner_can(world: World) -> None:
    token, secret = make_token(_colleague(world))
    url = reverse("api:token_revoke", args=[token.public_id])
    assert client_for(world.clinician_a).post(url).status_code == 404
    assert ApiClient(secret).get(PATIENTS).status_code == 200
    assert client_for(world.owner_a).post(url).status_code == 302
    token.refresh_from_db()
    assert token.is_revoked and token.revoked_by == world.owner_a


def test_a_revoked_token_stops_working(world: World) -> None:
    token, secret = make_token(world.clinician_a)
    client_for(world.clinician_a).post(reverse("api:token_revoke", args=[token.public_id]))
    response = ApiClient(secret).get(PATIENTS)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "This API token has been revoked."


def test_an_expired_token_stops_working(world: World) -> None:
    token, secret = make_token(world.clinician_a, days=30)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    response = ApiClient(secret).get(PATIENTS)
    assert response.status_code == 401 and "expired" in response.json()["error"]["message"]


def test_a_token_stops_working_when_its_user_leaves_the_clinic(world: World) -> None:
    _, secret = make_token(world.clinician_a)
    Membership.objects.filter(user=world.clinician_a).update(is_active=False)
    assert ApiClient(secret).get(PATIENTS).status_code == 401


def test_a_token_stops_working_when_its_user_is_deactivated(world: World) -> None:
    _, secret = make_token(world.clinician_a)
    world.clinician_a.is_active = False
    world.clinician_a.save()
    assert ApiClient(secret).get(PATIENTS).status_code == 401


def test_a_token_acts_only_in_its_own_clinic(world: World) -> None:
    """A person working in two clinics holds a token per clinic; each sees only its clinic."""
    Membership.objects.create(clinic=world.clinic_b, user=world.clinician_a, role="clinician")
    _, secret_b = make_token(world.clinician_a, clinic=world.clinic_b)
    names = [p["family_name"] for p in ApiClient(secret_b).get(PATIENTS).json()["items"]]
    assert names == ["Becker"]


def test_a_tampered_or_malformed_token_is_refused(world: World) -> None:
    _, secret = make_token(world.clinician_a)
    for bad in (secret[:-1] + ("A" if secret[-1] != "A" else "B"), "taut_x_y", "nonsense"):
        response = ApiClient(bad).get(PATIENTS)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_using_a_token_records_when_it_was_last_used(world: World) -> None:
    token, secret = make_token(world.clinician_a)
    assert token.last_used_at is None
    ApiClient(secret).get(PATIENTS)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_patient_with_a_portal_login_cannot_open_the_token_page(world: World) -> None:
    assert client_for(world.portal_user_a).get(reverse("api:tokens")).status_code == 403


def test_the_user_menu_links_to_the_token_page_for_roles_with_api_access(world: World) -> None:
    page = client_for(world.clinician_a).get(reverse("patients:list")).content.decode()
    assert reverse("api:tokens") in page
    desk = client_for(world.frontdesk_a)
    assert reverse("api:tokens") not in desk.get(reverse("patients:list")).content.decode()
    assert desk.get(reverse("api:tokens")).status_code == 403


def _require_two_factor(world: World) -> None:
    world.clinic_a.require_staff_2fa = True
    world.clinic_a.save(update_fields=["require_staff_2fa"])


def _verified_client(user: Any, settings: Any) -> Client:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = client_for(user)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"
    assert client.post(reverse("accounts:otp_verify"), {"token": code}).status_code == 302
    return client


def test_a_token_of_someone_without_the_required_second_factor_is_refused(world: World) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _, secret = make_token(world.clinician_a)
    assert ApiClient(secret).get(PATIENTS).status_code == 200
    _require_two_factor(world)
    refused = ApiClient(secret).get(PATIENTS)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "second_factor_required"
    assert "two-factor" in refused.json()["error"]["message"]
    TOTPDevice.objects.create(user=world.clinician_a, name="phone", confirmed=False)
    assert ApiClient(secret).get(PATIENTS).status_code == 401  # an unconfirmed device is none
    TOTPDevice.objects.filter(user=world.clinician_a).update(confirmed=True)
    assert ApiClient(secret).get(PATIENTS).status_code == 200


def test_no_token_is_made_without_the_required_second_factor(world: World) -> None:
    import pytest

    from taut.api.services import TokenError

    _require_two_factor(world)
    with pytest.raises(TokenError, match="two-factor"):
        make_token(world.clinician_a)
    assert not ApiToken.objects.exists()


def test_the_token_page_says_two_factor_is_required_and_which_tokens_it_stops(
    world: World, settings: Any
) -> None:
    make_token(world.clinician_a)
    _require_two_factor(world)
    page = _verified_client(world.owner_a, settings).get(reverse("api:tokens")).content.decode()
    assert "This clinic requires two-factor sign-in" in page
    assert "has no two-factor sign-in, which this clinic requires" in page
