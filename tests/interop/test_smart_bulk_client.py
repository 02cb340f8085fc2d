"""The SMART bulk-data-client's steps, end to end, as a machine with no browser takes them:
discover the token endpoint, get a token with a signed assertion, kick off $export, poll the
status URL, download every file with the token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.charting.conftest import ready_session
from tests.conftest import World, run_due_tasks
from tests.interop.conftest import validate
from tests.interop.smart_machine import ASSERTION_TYPE, Machine, bearer

pytestmark = pytest.mark.usefixtures("clinic_clock")


def test_the_bulk_data_client_steps_export_a_clinic_with_backend_authorization(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ready_session(world)
    machine = Machine("ES384")
    machine.register(world.clinic_a, world.owner_a)
    http = Client()

    config = http.get("/fhir/r4/.well-known/smart-configuration").json()
    assert "client-confidential-asymmetric" in config["capabilities"]
    assert "ES384" in config["token_endpoint_auth_signing_alg_values_supported"]
    token_path = config["token_endpoint"].removeprefix("http://testserver")
    granted = http.post(
        token_path,
        {
            "scope": "system/*.read",
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": machine.assertion(aud=config["token_endpoint"]),
        },
    ).json()
    headers = bearer(granted["access_token"])

    with django_capture_on_commit_callbacks(execute=True):
        kick_off = http.get("/fhir/r4/$export", headers={**headers, "Prefer": "respond-async"})
    assert kick_off.status_code == 202
    status_url = kick_off["Content-Location"].removeprefix("http://testserver")
    assert http.get(status_url, headers=headers).status_code == 202
    assert run_due_tasks() == 1
    done = http.get(status_url, headers=headers)
    assert done.status_code == 200
    manifest = done.json()
    assert manifest["requiresAccessToken"] is True
    assert {entry["type"] for entry in manifest["output"]} >= {"Patient", "Encounter"}

    for entry in manifest["output"]:
        file = http.get(entry["url"].removeprefix("http://testserver"), headers=headers)
        assert file.status_code == 200
        lines = b"".join(file.streaming_content).decode().splitlines()
        assert len(lines) == entry["count"]
        for line in lines:
            resource = json.loads(line)
            assert resource["resourceType"] == entry["type"]
            validate(resource)
    # Without the token the same file is refused.
    first = manifest["output"][0]["url"].removeprefix("http://testserver")
    assert Client().get(first).status_code == 401


def test_the_discovery_document_is_also_at_the_server_root(world: World) -> None:
    config = Client().get("/.well-known/smart-configuration").json()
    assert config["token_endpoint"] == "http://testserver/fhir/r4/auth/token"
    assert config["token_endpoint_auth_methods_supported"] == ["private_key_jwt"]
    assert config["token_endpoint_auth_signing_alg_values_supported"] == ["RS384", "ES384"]
    assert config["grant_types_supported"] == ["client_credentials"]
    assert "system/*.rs" in config["scopes_supported"]
    assert "system/Patient.rs" in config["scopes_supported"]
