"""The CapabilityStatement at [base]/metadata: open to all, valid R4, its invariants hold, and it
lists exactly what the server does (every listed parameter is accepted, no other one is)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from taut.interop.fhir.search import SOURCES
from tests.conftest import World, client_for

SAMPLE_VALUES = {"date": "ge2000-01-01", "token": "x|y", "reference": "Patient/1", "string": "a"}


@pytest.fixture
def statement(db: None) -> dict[str, Any]:
    response = Client().get("/fhir/r4/metadata")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    return dict(response.json())


def test_it_is_served_without_authentication_and_validates(statement: dict[str, Any]) -> None:
    parsed = CapabilityStatement.model_validate(statement)
    assert parsed.fhirVersion == "4.0.1"
    assert Client().get("/fhir/r4/").json() == statement


def test_its_invariants_hold(statement: dict[str, Any]) -> None:
    # cpb-1: rest, messaging or document; cpb-2: description, software or implementation.
    assert statement.get("rest")
    assert statement.get("software") or statement.get("implementation")
    # cpb-3: messaging endpoints only for an instance (there is no messaging).
    assert "messaging" not in statement
    # cpb-14: kind = instance needs implementation; cpb-15/16 do not apply.
    assert statement["kind"] == "instance" and statement["implementation"]["url"]
    # cpb-9: at most one rest element per mode.
    modes = Counter(rest["mode"] for rest in statement["rest"])
    assert max(modes.values()) == 1
    for rest in statement["rest"]:
        # A resource type is described once per mode.
        types = Counter(resource["type"] for resource in rest["resource"])
        assert max(types.values()) == 1
        for resource in rest["resource"]:
            # cpb-12: search parameter names unique within a resource.
            names = Counter(param["name"] for param in resource.get("searchParam", []))
            assert max(names.values(), default=1) == 1, resource["type"]
            assert len({i["code"] for i in resource["interaction"]}) == len(resource["interaction"])
        operations = Counter(op["name"] for op in rest["operation"])
        assert max(operations.values()) == 1
    # cpb-7: no documents to be unique.
    assert "document" not in statement


def test_it_names_the_smart_token_endpoint(statement: dict[str, Any]) -> None:
    security = statement["rest"][0]["security"]
    assert security["service"][0]["coding"][0]["code"] == "SMART-on-FHIR"
    uris = security["extension"][0]
    assert uris["url"] == "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
    assert uris["extension"] == [
        {"url": "token", "valueUri": "http://testserver/fhir/r4/auth/token"}
    ]


def test_it_lists_exactly_the_types_and_parameters_served(
    statement: dict[str, Any], world: World
) -> None:
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert set(resources) == set(SOURCES) | {"Group"}
    assert [op["name"] for op in statement["rest"][0]["operation"]] == ["export"]
    assert [op["name"] for op in resources["Patient"]["operation"]] == ["everything", "export"]
    group = resources.pop("Group")
    assert [i["code"] for i in group["interaction"]] == ["read"]
    assert [op["name"] for op in group["operation"]] == ["export"]
    client = client_for(world.clinician_a)
    for kind, resource in resources.items():
        for param in resource["searchParam"]:
            value = SAMPLE_VALUES[param["type"]] if param["name"] != "_id" else "1"
            answer = client.get(f"/fhir/r4/{kind}", {param["name"]: value})
            assert answer.status_code == 200, (kind, param["name"], answer.content)
        for include in resource["searchInclude"]:
            assert client.get(f"/fhir/r4/{kind}", {"_include": include}).status_code == 200
        assert client.get(f"/fhir/r4/{kind}", {"not-listed": "1"}).status_code == 400
        assert client.get(f"/fhir/r4/{kind}", {"_include": f"{kind}:nothing"}).status_code == 400
