from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse

from taut.audit.models import Action, AuditEntry
from tests.conftest import PASSWORD, World


def _login(client: Client, username: str, password: str) -> object:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_a_successful_login_is_audited(world: World) -> None:
    response = _login(Client(), "clinician_a", PASSWORD)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert AuditEntry.objects.filter(
        action=Action.LOGIN, actor=world.clinician_a, clinic=world.clinic_a
    ).exists()


def test_a_failed_login_is_audited_with_the_name_tried(world: World) -> None:
    response = _login(Client(), "clinician_a", "wrong")
    assert response.status_code == 200  # type: ignore[attr-defined]
    entry = AuditEntry.objects.get(action=Action.FAILED_LOGIN)
    assert entry.detail == {"username": "clinician_a"}


def test_repeated_failures_lock_the_account(world: World, settings: object) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "clinician_a", "wrong")
    locked = _login(client, "clinician_a", PASSWORD)
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert b"Too many failed sign-ins" in locked.content  # type: ignore[attr-defined]


def test_password_reset_sends_a_link_that_sets_a_new_password(world: World) -> None:
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": "clinician_a@example.com"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    new = "a-brand-new-passphrase-42"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert _login(Client(), "clinician_a", new).status_code == 302  # type: ignore[attr-defined]


def test_logout_ends_the_session(world: World) -> None:
    client = Client()
    _login(client, "clinician_a", PASSWORD)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("patients:list")).status_code == 302
