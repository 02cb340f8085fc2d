"""A sign-in lockout a clinic can undo: the lock page says for how long and what to do, a
completed password reset lifts it, and the owner can lift it from the staff page (audited)."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from taut.audit.models import AuditEntry
from tests.conftest import PASSWORD, World, client_for


def _login(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _lock(username: str, settings: Any) -> Client:
    """The client (one address) from which `username` failed until locked."""
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, username, "a-wrong-guess")
    assert _login(client, username, PASSWORD).status_code == 429
    return client


def test_the_lock_page_says_how_long_and_what_to_do(world: World, settings: Any) -> None:
    page = _login(_lock("clinician_a", settings), "clinician_a", PASSWORD).content.decode()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"for {minutes} minutes after the last try" in page
    assert reverse("accounts:password_reset") in page
    assert "ask the clinic owner to unlock" in page


def test_a_completed_password_reset_lifts_the_lock(world: World, settings: Any) -> None:
    locked = _lock("clinician_a", settings)
    locked.post(reverse("accounts:password_reset"), {"email": "clinician_a@example.com"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    form_page = locked.get(link.split("testserver", 1)[1], follow=True)
    new = "a-brand-new-passphrase-42"
    locked.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert _login(locked, "clinician_a", new).status_code == 302
    entry = AuditEntry.objects.get(object_type="sign_in_lockout")
    assert entry.detail["reason"] == "password_reset" and entry.clinic == world.clinic_a
    assert entry.object_id == str(world.clinician_a.public_id)


def test_merely_asking_for_a_reset_link_lifts_nothing(world: World, settings: Any) -> None:
    locked = _lock("clinician_a", settings)
    locked.post(reverse("accounts:password_reset"), {"email": "clinician_a@example.com"})
    assert _login(locked, "clinician_a", PASSWORD).status_code == 429


def test_the_owner_sees_the_lock_and_lifts_it_with_an_audit_entry(
    world: World, settings: Any
) -> None:
    locked = _lock("frontdesk_a", settings)
    owner = client_for(world.owner_a)
    page = owner.get(reverse("clinics:settings")).content.decode()
    unlock = reverse("clinics:staff_unlock", kwargs={"user_id": world.frontdesk_a.public_id})
    assert "Locked out after failed sign-ins" in page and unlock in page
    assert owner.post(unlock).status_code == 302
    assert _login(locked, "frontdesk_a", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(object_type="sign_in_lockout")
    assert entry.actor == world.owner_a and entry.detail["reason"] == "owner"
    assert "Locked out" not in owner.get(reverse("clinics:settings")).content.decode()


def test_only_the_owner_of_the_clinic_may_unlock(world: World, settings: Any) -> None:
    _lock("frontdesk_a", settings)
    unlock = reverse("clinics:staff_unlock", kwargs={"user_id": world.frontdesk_a.public_id})
    assert client_for(world.clinician_a).post(unlock).status_code == 403
    assert client_for(world.owner_b).post(unlock).status_code == 404
    assert client_for(world.owner_a).get(unlock).status_code == 405
    assert not AuditEntry.objects.filter(object_type="sign_in_lockout").exists()
