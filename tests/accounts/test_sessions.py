"""Sessions end after 30 idle minutes; a request writes the session row at most once a minute."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from taut.accounts.sessions import REFRESH_AFTER, SAVED_AT
from tests.conftest import PASSWORD, World


def _signed_in() -> Client:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "clinician_a", "password": PASSWORD})
    return client


def _session_writes(client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def _saved_ago(client: Client, seconds: int) -> None:
    session = client.session
    session[SAVED_AT] = int(timezone.now().timestamp()) - seconds
    session.save()


def test_the_idle_timeout_is_thirty_minutes_without_a_save_per_request() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert not getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False)


def test_a_request_within_a_minute_of_the_last_save_writes_nothing(world: World) -> None:
    client = _signed_in()
    client.get(reverse("patients:list"))
    assert _session_writes(client, reverse("patients:list")) == []
    assert _session_writes(client, "/healthz") == []


def test_a_request_a_minute_after_the_last_save_slides_the_expiry(world: World) -> None:
    client = _signed_in()
    _saved_ago(client, REFRESH_AFTER)
    key = client.session.session_key
    before = Session.objects.get(session_key=key).expire_date
    assert _session_writes(client, reverse("patients:list"))
    after = Session.objects.get(session_key=key).expire_date
    assert after > before
    assert after >= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


def test_a_session_idle_for_the_timeout_has_ended(world: World) -> None:
    client = _signed_in()
    session = client.session
    session.set_expiry(-1)  # as if the idle period had passed
    session.save()
    assert client.get(reverse("patients:list")).status_code == 302


def test_a_signed_out_visitor_gets_no_session_row(db: None) -> None:
    client = Client()
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert not Session.objects.exists()


def test_an_ended_session_is_not_brought_back(world: World) -> None:
    client = _signed_in()
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session-key-000000000000"
    Session.objects.all().delete()
    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("patients:list")).status_code == 302
    assert not Session.objects.exists()
