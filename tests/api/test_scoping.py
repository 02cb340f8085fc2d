"""Every API operation, called with a clinic-B token about clinic A's records, answers 404.

The test walks the ninja routers (not a hand-kept list), so a new operation that forgets the shared
scoping fails here; an id parameter it cannot fill, or a write it has no body for, fails it too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, get_args, get_type_hints

import pytest
from pydantic import BaseModel

from taut.api.auth import TokenAuth
from taut.api.models import TokenScope
from taut.api.v1 import api
from taut.clinics.models import Membership
from taut.clinics.roles import Permission
from tests.api.conftest import ApiClient, make_token
from tests.clinics.test_scoping import PARAMETER_FACTORIES
from tests.conftest import World

ROOT = "/api/v1"

# A valid body for each write, so the call gets as far as looking the record up.
BODIES: dict[str, dict[str, Any]] = {
    "patient_create": {
        "given_name": "Eve",
        "family_name": "Example",
        "date_of_birth": "1990-01-01",
    },
    "patient_update": {"phone": "303 555 0100"},
    "measure_add": {"instrument": "nprs", "timing": "before", "answers": [6]},
    "adverse_event_add": {"event": "bruising", "severity": "mild", "action_taken": "Ice."},
    "appointment_book": {
        "appointment_type": 1,
        "practitioner": "00000000-0000-4000-8000-000000000001",
        "location": "00000000-0000-4000-8000-000000000002",
        "starts_at": "2026-11-24T09:00:00-07:00",
    },
    "appointment_cancel": {"reason": "Unwell"},
    "identifier_add": {"system": "urn:oid:1.2.3", "value": "MRN-9"},
    "identifier_remove": {},
}


def _body(name: str, membership: Membership) -> dict[str, Any] | None:
    """The operation's body; a registration names a different patient for each caller, since
    registering the same one twice is refused (409) as a duplicate."""
    body = BODIES.get(name)
    if name == "patient_create" and body is not None:
        return {**body, "family_name": f"Example {membership.role}"}
    return body


def operations() -> list[tuple[str, str, str, Any]]:
    """(operation name, method, path template, operation) for every operation of the API."""
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    template = ROOT + (prefix + path).replace("//", "/")
                    found.append((operation.view_func.__name__, method, template, operation))
    return sorted(found, key=lambda item: (item[2], item[1]))


OPERATIONS = operations()


def _permission(operation: Any) -> TokenAuth:
    (auth,) = operation.auth_callbacks
    assert isinstance(auth, TokenAuth)
    return auth


def _fill(template: str, world: World, factories: dict[str, Callable[[World], str]]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        assert name in factories, f"teach tests/api/test_scoping.py to fill {{{name}}}"
        return factories[name](world)

    return re.sub(r"\{([^}]+)\}", value, template)


def test_every_operation_needs_a_token_with_a_permission() -> None:
    assert len(OPERATIONS) >= 12
    for name, _method, _path, operation in OPERATIONS:
        auth = _permission(operation)
        assert auth.write == (operation.methods != ["GET"]), name


def test_operation_ids_are_unique_and_every_write_has_a_body_here() -> None:
    names = [name for name, *_ in OPERATIONS]
    assert len(names) == len(set(names))
    writes = {name for name, method, _, _ in OPERATIONS if method != "GET"}
    assert writes == set(BODIES)


def test_the_openapi_document_lists_exactly_these_operations(client: Any) -> None:
    document = client.get(f"{ROOT}/openapi.json").json()
    listed = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert listed == {name for name, *_ in OPERATIONS}


@pytest.mark.parametrize(
    ("name", "method", "template"),
    [(name, method, path) for name, method, path, _ in OPERATIONS],
    ids=[f"{method} {name}" for name, method, _, _ in OPERATIONS],
)
def test_clinic_b_tokens_get_404_for_clinic_a_records(
    world: World, name: str, method: str, template: str
) -> None:
    """Roles that may use the operation get 404 for clinic A's ids; the others are refused (403)."""
    operation = next(op for n, m, _, op in OPERATIONS if n == name and m == method)
    auth = _permission(operation)
    url = _fill(template, world, PARAMETER_FACTORIES)
    has_ids = "{" in template
    checked = 0
    for membership in Membership.objects.filter(clinic=world.clinic_b):
        if not membership.may(Permission.API_ACCESS):
            continue  # no token to try (tests/api/test_errors.py: such a token is refused)
        client = ApiClient(make_token(membership.user)[1])
        response = client.request(method, url, _body(name, membership))
        assert response["Content-Type"].startswith("application/json"), url
        if not membership.may(auth.permission):
            assert response.status_code == 403, f"{method} {url} as {membership.role}"
            continue
        checked += 1
        if has_ids:
            assert response.status_code == 404, f"{method} {url} as {membership.role}"
            assert response.json()["error"]["code"] == "not_found"
        else:
            assert response.status_code in {200, 201}, f"{method} {url}: {response.json()}"
            assert str(world.patient_a.public_id) not in response.content.decode()
    assert checked, f"no role of clinic B may use {name}; the test proves nothing for it"


def _filters_by_patient(operation: Any) -> bool:
    """Does the operation's query take a `patient` (the lists of patient records do; the lists of
    the clinic's set-up, appointment types, practitioners and locations, do not)?"""
    for hint in get_type_hints(operation.view_func, include_extras=True).values():
        model = get_args(hint)[0] if get_args(hint) else hint
        if (
            isinstance(model, type)
            and issubclass(model, BaseModel)
            and "patient" in model.model_fields
        ):
            return True
    return False


LIST_FILTERS = [
    (name, path)
    for name, method, path, operation in OPERATIONS
    if method == "GET" and "{" not in path and _filters_by_patient(operation)
]


def test_the_lists_a_patient_filter_is_checked_on_are_the_record_lists() -> None:
    assert {name for name, _ in LIST_FILTERS} >= {
        "appointment_list",
        "session_list",
        "measure_list",
        "adverse_event_list",
        "consent_list",
    }


@pytest.mark.parametrize(("name", "path"), LIST_FILTERS, ids=[n for n, _ in LIST_FILTERS])
def test_a_list_filtered_by_another_clinics_patient_answers_404(
    world: World, name: str, path: str
) -> None:
    client = ApiClient(make_token(world.owner_b)[1])
    response = client.get(path, {"patient": str(world.patient_a.public_id)})
    assert response.status_code == 404


def test_clinic_a_tokens_reach_clinic_a_records(world: World) -> None:
    client = ApiClient(make_token(world.clinician_a)[1])
    for name, method, template, _ in OPERATIONS:
        if method != "GET":
            continue
        url = _fill(template, world, PARAMETER_FACTORIES)
        assert client.get(url).status_code == 200, name


def test_a_read_only_token_may_not_write(world: World) -> None:
    client = ApiClient(make_token(world.clinician_a, scope=TokenScope.READ)[1])
    for name, method, template, _ in OPERATIONS:
        if method == "GET":
            continue
        url = _fill(template, world, PARAMETER_FACTORIES)
        response = client.request(method, url, BODIES[name])
        assert response.status_code == 403, name
        assert response.json()["error"]["code"] == "read_only_token"
