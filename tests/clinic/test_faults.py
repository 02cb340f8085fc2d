"""The PostgreSQL connection drops in the middle of a request: the user gets Taut's own error page,
and the next request succeeds on a fresh connection without restarting anything.

Requests go through Django's real WSGI handler (not the test client), so the request_started and
request_finished signals recycle connections as they do under gunicorn. The drop is a real
pg_terminate_backend from a second connection, fired inside the view, after its first query.
bench/bench_faults.py does the same at scale against gunicorn (where it found that the error page
itself queried the database through a context processor, so a dropped connection got gunicorn's
bare "Internal Server Error" instead of Taut's page).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.models import Session
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory

from taut.clinic.errors import bad_request, server_error
from taut.clinics.models import Membership


def postgres_only(test: Callable[..., None]) -> Callable[..., None]:
    """Real connection drops: PostgreSQL only, outside a test transaction."""
    skip = pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the connection-drop tests need PostgreSQL (DATABASE_URL=postgres://...)",
    )
    return skip(pytest.mark.django_db(transaction=True)(test))


FRIENDLY = "Something went wrong"


def _request(path: str, cookie: str) -> tuple[str, str]:
    environ: dict[str, Any] = {
        "PATH_INFO": path,
        "HTTP_COOKIE": cookie,
        "wsgi.input": io.BytesIO(b""),
    }
    setup_testing_defaults(environ)
    status: list[str] = []

    def start_response(line: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
        status.append(line)
        return lambda data: None

    result = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(result).decode()
    finally:
        result.close()  # fires request_finished, as a WSGI server does
    return status[0], body


@pytest.fixture
def admin() -> Iterator[psycopg.Connection[Any]]:
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=int(settings["PORT"] or 5432),
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as link:
        yield link
    connection.close_if_unusable_or_obsolete()  # a failed check must not break the teardown


def _drop_at_first_query_on(table: str, admin: psycopg.Connection[Any]) -> Callable[..., Any]:
    """Terminate this request's connection right after its first query on `table` (the view's
    own query: the middleware has already run, as in a real mid-request drop)."""
    fired: list[int] = []

    def wrapper(
        execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        result = execute(sql, params, many, context)
        if not fired and f'"{table}"' in sql:
            pid = context["connection"].connection.info.backend_pid
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            fired.append(pid)
        return result

    return wrapper


def _signed_in_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_the_error_page_needs_no_database(
    world: Any, rf: RequestFactory, django_assert_num_queries: Any
) -> None:
    request = rf.get("/patients/")
    request.user = world.clinician_a
    request.membership = Membership.objects.get(user=world.clinician_a)  # type: ignore[attr-defined]

    with django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    assert FRIENDLY in response.content.decode()


def test_the_bad_request_page_needs_no_database_and_says_nothing_was_saved(
    world: Any, rf: RequestFactory, django_assert_num_queries: Any
) -> None:
    request = rf.post("/patients/")
    request.user = world.clinician_a

    with django_assert_num_queries(0):
        response = bad_request(request, SessionInterrupted("the session was deleted"))

    assert response.status_code == 400
    assert "nothing from it was saved" in response.content.decode()


def test_an_interrupted_session_answers_tauts_400_page(world: Any, client: Client) -> None:
    """The sign-in's session row disappears while the request runs (as when the connection
    drops before the session is saved): Django refuses to save it, and Taut's page says so."""
    client.force_login(world.clinician_a)

    def end_sessions_midway(execute: Any, sql: str, *args: Any) -> Any:
        if "patients_patient" in sql:
            Session.objects.all().delete()
        return execute(sql, *args)

    with connection.execute_wrapper(end_sessions_midway):
        response = client.get("/patients/")
    assert response.status_code == 400
    assert "The request could not be completed" in response.content.decode()


@postgres_only
def test_a_dropped_connection_mid_request_shows_tauts_error_page_and_the_next_request_recovers(
    world: Any, admin: psycopg.Connection[Any]
) -> None:
    cookie = _signed_in_cookie(world.clinician_a)
    assert _request("/patients/", cookie)[0].startswith("200")

    with connection.execute_wrapper(_drop_at_first_query_on("patients_patient", admin)):
        status, body = _request("/patients/", cookie)

    # Taut's page, not gunicorn's bare "Internal Server Error": the error page must not need the
    # database that has just failed (context processors such as the alert count query it).
    assert status.startswith("500")
    assert FRIENDLY in body
    assert "Traceback" not in body
    status, body = _request("/patients/", cookie)
    assert status.startswith("200")
    assert world.patient_a.family_name in body


@postgres_only
def test_connections_dropped_between_requests_are_replaced_before_the_next_one(
    world: Any, admin: psycopg.Connection[Any]
) -> None:
    cookie = _signed_in_cookie(world.clinician_a)
    assert _request("/patients/", cookie)[0].startswith("200")
    pid = connection.connection.info.backend_pid
    admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    status, _ = _request("/patients/", cookie)

    assert status.startswith("200")
    assert connection.connection.info.backend_pid != pid
