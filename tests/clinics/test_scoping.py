"""Every URL, asked by clinic B's staff about clinic A's records, answers 404.

The test walks the whole URL configuration, so a new view that forgets the shared scoping fails
here. A URL parameter it does not know how to fill fails the test too: teach it below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from taut.clinics.models import Location, Membership
from tests.conftest import World, client_for, publish_consent_document, sign_consent


def _intake_a(w: World) -> Any:
    from taut.screening.services import intake_submit

    return intake_submit(
        request=None,
        actor=w.frontdesk_a,
        patient=w.patient_a,
        facts={"pregnant": False},
        history={},
        channel="desk",
    )


def _screening_a(w: World) -> str:
    from taut.screening.services import screening_perform

    _intake_a(w)
    record = screening_perform(
        request=None, actor=w.clinician_a, patient=w.patient_a, as_of=date(2026, 11, 23)
    )
    return str(record.public_id)


def _document_a(w: World) -> Any:
    return publish_consent_document(w.clinic_a, w.owner_a)


def _consent_a(w: World) -> str:
    return str(sign_consent(w.patient_a, _document_a(w), w.frontdesk_a).public_id)


def _ready_session_a(w: World) -> tuple[Any, Any]:
    from tests.charting.conftest import ready_session

    if not hasattr(w, "_session_a"):
        w._session_a = ready_session(w)  # type: ignore[attr-defined]
    return w._session_a  # type: ignore[attr-defined, no-any-return]


def _session_a(w: World) -> str:
    return str(_ready_session_a(w)[0].public_id)


def _entry_a(w: World) -> str:
    return str(_ready_session_a(w)[1].pk)


def _api_token_a(w: World) -> str:
    from tests.api.conftest import make_token

    return str(make_token(w.clinician_a)[0].public_id)


def _diary_a(w: World) -> Any:
    """Clinic A's signed session, its diary prompt answered with a red flag, and the alert."""
    from tests.diary.conftest import answered_with_red_flag

    if not hasattr(w, "_diary_a"):
        w._diary_a = answered_with_red_flag(w, _ready_session_a(w))  # type: ignore[attr-defined]
    return w._diary_a  # type: ignore[attr-defined]


def _export_a(w: World) -> str:
    from tests.interop.conftest import export_job_for

    return str(export_job_for(w.clinic_a, w.owner_a).public_id)


def _import_a(w: World) -> str:
    from tests.interop.conftest import import_batch_for

    return str(import_batch_for(w.clinic_a, w.frontdesk_a).public_id)


def _desk_a(w: World) -> Any:
    from tests.scheduling.conftest import make_desk

    if not hasattr(w, "_desk_a"):
        w._desk_a = make_desk(w)  # type: ignore[attr-defined]
    return w._desk_a  # type: ignore[attr-defined]


def _appointment_a(w: World) -> str:
    from tests.scheduling.conftest import TUESDAY, at, book

    return str(book(_desk_a(w), at(TUESDAY, 9)).public_id)


def _plan_a(w: World) -> str:
    from tests.scheduling.conftest import make_plan

    return str(make_plan(w).public_id)


def _setup_row_a(model: str) -> Callable[[World], str]:
    def make(w: World) -> str:
        from taut.scheduling import models

        _desk_a(w)
        return str(getattr(models, model).objects.for_clinic(w.clinic_a).first().pk)

    return make


def _waitlist_a(w: World) -> str:
    from tests.scheduling.test_waitlist import join

    return str(join(_desk_a(w), w.patient_a).public_id)


def _file_a(w: World) -> str:
    from taut.common.context import AuditContext
    from taut.files.services import patient_file_add
    from tests.files.conftest import pdf_bytes

    membership = w.clinician_a.memberships.get(clinic=w.clinic_a)
    file = patient_file_add(
        ctx=AuditContext.of(w.clinician_a, membership),
        patient=w.patient_a,
        kind="referral",
        title="Letter",
        original_name="letter.pdf",
        data=pdf_bytes(),
        from_portal=True,
    )
    return str(file.public_id)


def _package_a(w: World) -> str:
    from tests.billing.test_packages import _sell

    return str(_sell(w).public_id)


def _desk_request_a(w: World) -> str:
    from taut import clock
    from taut.messaging.models import DeskRequest, RequestKind

    request = DeskRequest.objects.create(
        clinic=w.clinic_a, kind=RequestKind.CONTACT, name="A visitor", created_at=clock.now()
    )
    return str(request.public_id)


def _location_a(w: World) -> str:
    return str(Location.objects.for_clinic(w.clinic_a).get().public_id)


def _invoice_a(w: World) -> Any:
    from tests.billing.conftest import issued_invoice_a

    if not hasattr(w, "_invoice_a"):
        w._invoice_a = issued_invoice_a(w)  # type: ignore[attr-defined]
    return w._invoice_a  # type: ignore[attr-defined]


def _payment_a(w: World) -> str:
    from tests.billing.conftest import payment_a

    return str(payment_a(w).public_id)


# How to fill each URL parameter with a record of clinic A.
def _backend_client_a(w: World) -> str:
    from tests.interop.smart_machine import Machine

    return str(Machine().register(w.clinic_a, w.owner_a).public_id)


def _room_a(w: World) -> Any:
    from taut.scheduling.models import Resource

    location = Location.objects.for_clinic(w.clinic_a).get()
    return Resource.objects.create(clinic=w.clinic_a, location=location, name="Room 1", kind="room")


def _identifier_a(w: World) -> str:
    from taut.patients.models import ExternalIdentifier

    identifier = ExternalIdentifier.objects.create(
        clinic=w.clinic_a, patient=w.patient_a, system="urn:oid:1.2.3", value="MRN-A"
    )
    return str(identifier.public_id)


PARAMETER_FACTORIES: dict[str, Callable[[World], str]] = {
    "patient_id": lambda w: str(w.patient_a.public_id),
    "appointment_id": _appointment_a,
    "plan_id": _plan_a,
    "waitlist_id": _waitlist_a,
    "hours_id": _setup_row_a("WorkingHours"),
    "break_id": _setup_row_a("WeeklyBreak"),
    "type_id": _setup_row_a("AppointmentType"),
    "time_off_id": _setup_row_a("TimeOff"),
    "user_id": lambda w: str(w.clinician_a.public_id),
    "location_id": lambda w: str(Location.objects.for_clinic(w.clinic_a).get().public_id),
    "intake_id": lambda w: str(_intake_a(w).public_id),
    "screening_id": _screening_a,
    "document_id": lambda w: str(_document_a(w).public_id),
    "consent_id": _consent_a,
    "session_id": _session_a,
    "entry_id": _entry_a,
    "export_id": _export_a,
    "import_id": _import_a,
    "resource_type": lambda w: "Patient",
    "token_id": _api_token_a,
    "prompt_id": lambda w: str(_diary_a(w).prompt.public_id),
    "alert_id": lambda w: str(_diary_a(w).alert.public_id),
    "diary_entry_id": lambda w: str(_diary_a(w).entry.public_id),
    "invoice_id": lambda w: str(_invoice_a(w).public_id),
    "ledger_entry_id": _payment_a,
    "client_id": _backend_client_a,
    "resource_id": lambda w: str(_room_a(w).public_id),
    "identifier_id": _identifier_a,
    "file_id": _file_a,
    "package_id": _package_a,
    "request_id": _desk_request_a,
    "group_id": _location_a,
}
# Parameters that are not record ids (Django's own password-reset tokens).
NOT_RECORD_PARAMETERS = {
    "uidb64",
    "token",
    "kind",
    "clinic_slug",
    "resource_type",
    "table",
    "topic",
    "section",
}
FIXED_PARAMETERS = {"kind": "general", "section": "introduction"}


def _fill(parameter: str, world: World) -> str:
    if parameter in FIXED_PARAMETERS:
        return FIXED_PARAMETERS[parameter]
    return PARAMETER_FACTORIES[parameter](world)


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


# The REST API authenticates with tokens, not sessions: tests/api/test_scoping.py walks its routers.
TOKEN_AUTHENTICATED_NAMESPACES = ("api:v1:",)


def record_routes() -> list[tuple[str, list[str]]]:
    routes = []
    for name, pattern in walk(get_resolver().url_patterns):
        if name.startswith(TOKEN_AUTHENTICATED_NAMESPACES):
            continue
        params = sorted(pattern.pattern.regex.groupindex)
        if set(params) - NOT_RECORD_PARAMETERS:
            routes.append((name, params))
    return routes


def test_every_record_route_is_covered_by_a_parameter_factory() -> None:
    wanted = {p for _, params in record_routes() for p in params} - NOT_RECORD_PARAMETERS
    unknown = wanted - set(PARAMETER_FACTORIES)
    assert not unknown, f"teach tests/clinics/test_scoping.py to fill: {sorted(unknown)}"


def test_there_are_record_routes_to_check() -> None:
    assert len(record_routes()) >= 5


@pytest.mark.parametrize(("name", "params"), record_routes(), ids=[r[0] for r in record_routes()])
def test_clinic_b_staff_get_404_for_clinic_a_records(
    world: World, name: str, params: list[str]
) -> None:
    """Staff whose role grants the view get 404; the others are refused (403) before any lookup."""
    url = reverse(name, kwargs={p: _fill(p, world) for p in params})
    if getattr(resolve(url).func, "taut_portal", False):
        _check_portal_route(world, url)
        return
    permission = getattr(resolve(url).func, "taut_permission", None)
    assert permission is not None, f"{name} is not behind staff_required(...)"
    checked = 0
    for membership in Membership.objects.filter(clinic=world.clinic_b):
        client = client_for(membership.user)
        statuses = {client.get(url).status_code, client.post(url, {}).status_code}
        if membership.may(permission):
            checked += 1
            assert 404 in statuses and statuses <= {404, 405}, f"{url} as {membership.role}"
        else:
            assert statuses <= {403, 405}, f"{url} as {membership.role}: {statuses}"
    assert checked, f"no role of clinic B may use {name}; the test proves nothing for it"


def _check_portal_route(world: World, url: str) -> None:
    """A patient of clinic B reaches only their own records: clinic A's ids answer 404."""
    client = client_for(world.portal_user_b)
    statuses = {client.get(url).status_code, client.post(url, {}).status_code}
    assert 404 in statuses and statuses <= {404, 405}, f"{url} as a patient of B: {statuses}"


def nested_routes() -> list[tuple[str, list[str]]]:
    """Routes that name a patient and another record of that patient."""
    return [
        (name, params)
        for name, params in record_routes()
        if "patient_id" in params and len(set(params) - NOT_RECORD_PARAMETERS) > 1
    ]


@pytest.mark.parametrize(("name", "params"), nested_routes(), ids=[r[0] for r in nested_routes()])
def test_clinic_b_staff_cannot_reach_clinic_a_records_through_their_own_patient(
    world: World, name: str, params: list[str]
) -> None:
    """Clinic A's record ids under clinic B's own patient still answer 404."""
    kwargs = {p: _fill(p, world) for p in params}
    kwargs["patient_id"] = str(world.patient_b.public_id)
    url = reverse(name, kwargs=kwargs)
    # The owner holds every consent and billing permission; the clinician the clinical ones.
    owners_pages = "consent" in name or name.startswith("billing:")
    client = client_for(world.owner_b if owners_pages else world.clinician_b)
    statuses = {client.get(url).status_code, client.post(url, {}).status_code}
    assert 404 in statuses and statuses <= {404, 405}, f"{url}: {statuses}"


def test_clinic_a_records_are_reachable_by_clinic_a_staff(world: World) -> None:
    url = reverse("patients:detail", kwargs={"patient_id": world.patient_a.public_id})
    assert client_for(world.frontdesk_a).get(url).status_code == 200
