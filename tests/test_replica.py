"""Routing to the read replica: which reads may go there, and who reads the primary instead.
These need no replica (the router only names an alias); tests/test_replica_streaming.py runs
the same paths against a real PostgreSQL hot standby."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.outcomes.views import dashboard, dashboard_csv
from taut.pages.audit_log import audit_log
from taut.replica import (
    WROTE_COOKIE,
    ReadYourWritesMiddleware,
    ReplicaRouter,
    reads_from_replica,
    replica_reads,
)
from tests.conftest import World, client_for

ROUTER = ReplicaRouter()
with_replica = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


def _with_replica() -> Any:
    return override_settings(
        DATABASES={**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}
    )


def _without_replica() -> Any:
    return override_settings(DATABASES={"default": settings.DATABASES["default"]})


@with_replica
def test_reads_go_to_the_primary_unless_marked() -> None:
    with _without_replica():
        assert ROUTER.db_for_read(AuditEntry) == "default"
        with replica_reads():  # marked, but no replica is configured
            assert ROUTER.db_for_read(AuditEntry) == "default"


@with_replica
def test_marked_reads_go_to_the_replica_and_writes_never_do() -> None:
    with _with_replica():
        assert ROUTER.db_for_read(AuditEntry) == "default"
        with replica_reads():
            assert ROUTER.db_for_read(AuditEntry) == "replica"
            assert ROUTER.db_for_write(AuditEntry) == "default"
        assert ROUTER.db_for_read(AuditEntry) == "default"
        assert ROUTER.allow_migrate("replica", "audit") is False
        assert ROUTER.allow_migrate("default", "audit") is True


@with_replica
@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary() -> None:
    with _with_replica(), replica_reads(), transaction.atomic():
        assert ROUTER.db_for_read(AuditEntry) == "default"


def _seen_by(request: HttpRequest) -> str:
    seen = []

    def record(request: HttpRequest) -> HttpResponse:
        seen.append(ROUTER.db_for_read(AuditEntry))
        return HttpResponse()

    reads_from_replica(record)(request)
    return seen[0]


@with_replica
def test_a_person_who_just_wrote_reads_the_primary() -> None:
    factory = RequestFactory()
    with _with_replica():
        assert _seen_by(factory.get("/")) == "replica"
        response = HttpResponse()
        response.set_signed_cookie(WROTE_COOKIE, "1", salt="taut.replica.wrote")
        wrote = factory.get("/")
        wrote.COOKIES[WROTE_COOKIE] = response.cookies[WROTE_COOKIE].value
        assert _seen_by(wrote) == "default"
        forged = factory.get("/")
        forged.COOKIES[WROTE_COOKIE] = "1"
        assert _seen_by(forged) == "replica"


@with_replica
def test_the_mark_expires_after_the_stale_window(settings: Any) -> None:
    settings.TAUT_REPLICA_STALE_SECONDS = -1  # any mark is older than the window
    factory = RequestFactory()
    response = HttpResponse()
    response.set_signed_cookie(WROTE_COOKIE, "1", salt="taut.replica.wrote")
    old = factory.get("/")
    old.COOKIES[WROTE_COOKIE] = response.cookies[WROTE_COOKIE].value
    with _with_replica():
        assert _seen_by(old) == "replica"


@with_replica
@pytest.mark.parametrize(
    ("method", "status", "signed_in", "marked"),
    [
        ("post", 302, True, True),
        ("post", 422, True, False),
        ("get", 200, True, False),
        ("post", 302, False, False),
    ],
)
def test_only_a_successful_write_by_a_signed_in_person_marks_them(
    method: str, status: int, signed_in: bool, marked: bool
) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = getattr(RequestFactory(), method)("/")
    request.user = (
        type("Someone", (), {"is_authenticated": True})() if signed_in else AnonymousUser()
    )
    middleware = ReadYourWritesMiddleware(lambda _: HttpResponse(status=status))
    with _with_replica():
        assert (WROTE_COOKIE in middleware(request).cookies) is marked
    with _without_replica():
        assert WROTE_COOKIE not in middleware(request).cookies  # no replica: no mark


def test_the_reports_exports_and_audit_log_are_marked() -> None:
    for view in (dashboard, dashboard_csv, audit_log):
        assert getattr(view, "taut_reads_from_replica", False) or getattr(
            view.__wrapped__, "taut_reads_from_replica", False
        ), view.__name__


def test_without_a_replica_the_marked_pages_work_on_the_primary(world: World) -> None:
    owner = client_for(world.owner_a)
    assert owner.get(reverse("outcomes:dashboard")).status_code == 200
    assert owner.get(reverse("audit:log")).status_code == 200
