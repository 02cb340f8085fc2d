"""The OpenAPI document states the server's own constraints on request bodies: what the server
refuses for its form is invalid by the document, and what the document calls valid the server
takes (the date-of-birth range, which a schema cannot state, is in the field's description)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import jsonschema_rs
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from taut.patients.models import Patient
from tests.api.conftest import api_for, make_token
from tests.api.test_fuzz import keep_test_connection, openapi  # noqa: F401
from tests.conftest import World

PATIENTS = "/api/v1/patients"


@cache
def document() -> dict[str, Any]:
    return dict(Client().get("/api/v1/openapi.json").json())


def valid_by_schema(component: str, body: Any) -> bool:
    schema = {"$ref": f"#/components/schemas/{component}", "components": document()["components"]}
    return bool(jsonschema_rs.validator_for(schema).is_valid(body))


REFUSED_BY_THE_SERVER = [
    ("PatientIn", {"given_name": "   ", "family_name": "Hopper", "date_of_birth": "1906-12-09"}),
    ("PatientIn", {"given_name": "\x1c", "family_name": "Hopper", "date_of_birth": "1906-12-09"}),
    ("PatientIn", {"given_name": "<b>", "family_name": "Hopper", "date_of_birth": "1906-12-09"}),
    ("PatientPatch", {"phone": "call me"}),
    ("PatientPatch", {"phone": "+     "}),
    ("PatientPatch", {"phone": "12345"}),
    ("PatientPatch", {"email": "not-an-email"}),
    ("PatientPatch", {"email": "a..b@example.com"}),
    ("AdverseEventIn", {"event": "dizzy", "severity": "mild", "action_taken": "Rest."}),
    ("AdverseEventIn", {"event": "bruising", "severity": "awful", "action_taken": "Rest."}),
    ("AdverseEventIn", {"event": "bruising", "severity": "mild", "action_taken": " \t"}),
    ("CancelIn", {"reason": "   "}),
    ("MeasureIn", {"instrument": "mood", "timing": "before", "answers": [3]}),
    ("MeasureIn", {"instrument": "rom", "timing": "before", "answers": [30], "site": "x" * 121}),
]


@pytest.mark.parametrize(("component", "body"), REFUSED_BY_THE_SERVER)
def test_what_the_server_refuses_is_invalid_by_the_document(
    world: World, component: str, body: dict[str, Any]
) -> None:
    assert not valid_by_schema(component, body)


def test_bodies_the_document_allows_at_its_edges_are_taken(world: World) -> None:
    client = api_for(world.owner_a)
    body = {
        "given_name": "Zoë " + "x" * 96,
        "family_name": "O'Brien-Sørensen",
        "date_of_birth": "1980-02-29",
        "phone": "  +1 (303) 555-0199  ",
        "email": "first.last+tag@mail.example-clinic.org",
        "address": "1 Main St\nDenver",
    }
    assert valid_by_schema("PatientIn", body)
    created = client.post(PATIENTS, body)
    assert created.status_code == 201, created.content
    patch = {"phone": "555 0199 12", "email": ""}
    assert valid_by_schema("PatientPatch", patch)
    assert client.patch(f"{PATIENTS}/{created.json()['id']}", patch).status_code == 200


def _born_in_range(case: Any) -> bool:
    born = (case.body or {}).get("date_of_birth") if isinstance(case.body, dict) else None
    if born is None:
        return True
    try:
        day = date.fromisoformat(born[:10])
    except ValueError:
        return True
    return date.today().year - 130 <= day.year and day <= date.today()  # noqa: DTZ011


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "path"), [("post", "/api/v1/patients"), ("patch", "/api/v1/patients/{patient_id}")]
)
def test_every_generated_valid_body_is_taken(
    world: World,
    keep_test_connection: None,  # noqa: F811
    method: str,
    path: str,
) -> None:
    secret = make_token(world.clinician_a)[1]
    operation = openapi()[path][method]
    cases = operation.as_strategy(
        generation_mode=GenerationMode.POSITIVE,
        headers={"Authorization": f"Bearer {secret}"},
        path_parameters={"patient_id": str(world.patient_a.public_id)},
    )
    refused: list[tuple[Any, int, str]] = []

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases.filter(_born_in_range))
    def run(case: Any) -> None:
        response = case.call()
        if response.status_code not in (200, 201):
            refused.append((case.body, response.status_code, response.text[:300]))
        elif response.status_code == 201:
            # The next body may name the same person, which is refused (409) as a duplicate.
            Patient.objects.filter(public_id=response.json()["id"]).delete()

    run()
    assert not refused, refused[:3]
