"""SMART Backend Services: a machine with its own keys gets a token and reads FHIR within its
scopes; every way the assertion or the token can be wrong is refused, as JSON, never a page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from taut.api.models import BackendAccessToken
from taut.api.services import backend_client_revoke
from taut.audit.models import AuditEntry
from taut.common.context import AuditContext
from taut.interop.fhir import bulk
from taut.interop.models import ExportJob
from tests.api.conftest import make_token
from tests.charting.conftest import ready_session
from tests.conftest import CLINIC_NOW, World, client_for
from tests.interop.conftest import validate
from tests.interop.smart_machine import Machine, bearer, new_key

pytestmark = pytest.mark.usefixtures("clinic_clock")


def _everything(world: World, patient: Any = None) -> str:
    patient = patient or world.patient_a
    return reverse("fhir:everything", kwargs={"patient_id": patient.public_id})


def _oauth_error(response: Any, status: int, error: str) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["error"] == error
    return str(body["error_description"])


def _outcome(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    validate(body)
    return str(body["issue"][0]["diagnostics"])


@pytest.mark.parametrize("alg", ["RS384", "ES384"])
def test_a_machine_trades_its_signed_assertion_for_a_token_and_reads_everything(
    world: World, alg: str
) -> None:
    ready_session(world)
    machine = Machine(alg)
    machine.register(world.clinic_a, world.owner_a)
    granted = machine.request_token("system/*.rs")
    assert granted.status_code == 200
    body = granted.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 300
    assert body["scope"] == "system/*.rs"
    response = Client().get(_everything(world), headers=bearer(body["access_token"]))
    assert response.status_code == 200
    bundle = response.json()
    validate(bundle)
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert {"Patient", "Encounter", "Procedure"} <= kinds


def test_the_read_is_audited_with_the_client_as_actor(world: World) -> None:
    machine = Machine()
    client = machine.register(world.clinic_a, world.owner_a)
    Client().get(_everything(world), headers=bearer(machine.token()))
    entry = AuditEntry.objects.get(object_type="fhir_everything")
    assert entry.actor_id is None
    assert entry.actor_label == f"backend client Acme EHR ({client.client_id})"
    assert entry.clinic_id == world.clinic_a.pk
    assert entry.detail["patient"] == str(world.patient_a.public_id)


def test_only_a_hash_of_the_access_token_is_kept(world: World) -> None:
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a)
    secret = machine.token()
    stored = BackendAccessToken.objects.get()
    assert secret not in stored.token_hash
    assert stored.expires_at - stored.issued_at == timedelta(minutes=5)


def test_a_wrong_audience_is_refused(world: World) -> None:
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a)
    assertion = machine.assertion(aud="https://elsewhere.example/token")
    reason = _oauth_error(machine.request_token(assertion=assertion), 401, "invalid_client")
    assert "aud" in reason


def test_an_expired_assertion_is_refused(world: World) -> None:
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a)
    assertion = machine.assertion(exp_in=-120)
    assert "expired" in _oauth_error(
        machine.request_token(assertion=assertion), 401, "invalid_client"
    )


def test_an_assertion_valid_for_more_than_five_minutes_is_refused(world: World) -> None:
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a)
    assertion = machine.assertion(exp_in=3600)
    reason = _oauth_error(machine.request_token(assertion=assertion), 401, "invalid_client")
    assert "five minutes" in reason


def test_a_replayed_assertion_is_refused(world: World) -> None:
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a)
    assertion = machine.assertion(jti="once-only")
    assert machine.request_token(assertion=assertion).status_code == 200
    reason = _oauth_error(machine.request_token(assertion=assertion), 401, "invalid_client")
    assert "jti" in reason


def test_an_unknown_kid_is_refused(world: World) -> None:
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a)
    assertion = machine.assertion(kid="not-registered")
    assert "kid" in _oauth_error(machine.request_token(assertion=assertion), 401, "invalid_client")


def test_a_signature_by_another_key_is_refused(world: World) -> None:
    machine = Machine("ES384")
    machine.register(world.clinic_a, world.owner_a)
    impostor = new_key("ES384", kid="key-1")  # same kid, different private key
    assertion = machine.assertion(key=impostor)
    reason = _oauth_error(machine.request_token(assertion=assertion), 401, "invalid_client")
    assert "signature" in reason


def test_an_unknown_client_is_refused(world: World) -> None:
    machine = Machine()
    machine.client_id = "nobody"
    _oauth_error(machine.request_token(), 401, "invalid_client")


def test_a_scope_beyond_the_registration_is_refused(world: World) -> None:
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a, scopes=("system/Patient.rs",))
    reason = _oauth_error(machine.request_token("system/*.rs"), 400, "invalid_scope")
    assert "system/*.rs" in reason
    _oauth_error(machine.request_token("user/Patient.read"), 400, "invalid_scope")
    _oauth_error(machine.request_token(""), 400, "invalid_scope")
    assert machine.request_token("system/Patient.read").status_code == 200


def test_the_grant_and_assertion_types_are_checked(world: World) -> None:
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a)
    refused = machine.request_token(grant_type="password")
    _oauth_error(refused, 400, "unsupported_grant_type")
    refused = machine.request_token(client_assertion_type="urn:example:secret")
    _oauth_error(refused, 400, "invalid_request")
    for junk in ("not-a-jwt", "e30." + "W" * 10_000 + ".x", "eyJhbGciOiJSUzM4NCJ9.W1tbXV1d.x"):
        _oauth_error(machine.request_token(assertion=junk), 401, "invalid_client")


def test_the_access_token_expires_after_five_minutes(world: World, clinic_clock: Any) -> None:
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a)
    token = machine.token()
    assert Client().get(_everything(world), headers=bearer(token)).status_code == 200
    clinic_clock.move_to(CLINIC_NOW + timedelta(minutes=6))
    response = Client().get(_everything(world), headers=bearer(token))
    assert "expired" in _outcome(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_client_gets_no_token_and_its_tokens_stop(world: World) -> None:
    machine = Machine()
    client = machine.register(world.clinic_a, world.owner_a)
    token = machine.token()
    backend_client_revoke(ctx=AuditContext.of(world.owner_a), client=client)
    _outcome(Client().get(_everything(world), headers=bearer(token)), 401)
    _oauth_error(machine.request_token(), 401, "invalid_client")


def test_a_patient_of_another_clinic_is_not_found(world: World) -> None:
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a)
    response = Client().get(_everything(world, world.patient_b), headers=bearer(machine.token()))
    _outcome(response, 404)
    assert str(world.patient_b.public_id) not in response.content.decode()


def test_scopes_narrow_what_everything_and_export_give(world: World) -> None:
    ready_session(world)
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a, scopes=("system/Patient.rs",))
    headers = bearer(machine.token("system/Patient.rs"))
    bundle = Client().get(_everything(world), headers=headers).json()
    assert {entry["resource"]["resourceType"] for entry in bundle["entry"]} == {"Patient"}
    export = reverse("fhir:export")
    refused = Client().get(export, {"_type": "Patient,Observation"}, headers=headers)
    assert "Observation" in _outcome(refused, 403)
    assert Client().get(export, headers=headers).status_code == 202
    # The worker writes it after the kick-off commits; run it here.
    job = bulk.export_run(ExportJob.objects.select_related("clinic", "group").get())
    assert [entry["type"] for entry in job.files] == ["Patient"]
    assert job.requested_by is None and job.requested_by_client is not None


def test_a_token_without_a_patient_scope_may_not_read_a_patient(world: World) -> None:
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a, scopes=("system/Observation.rs",))
    token = machine.token("system/Observation.rs")
    response = Client().get(_everything(world), headers=bearer(token))
    assert "system/Patient.r" in _outcome(response, 403)


def test_an_unauthenticated_request_gets_401_json_not_a_login_redirect(world: World) -> None:
    paths = (
        _everything(world),
        reverse("fhir:export"),
        "/fhir/r4/Patient",
        "/fhir/r4/Nothing/here",
    )
    for path in paths:
        response = Client().get(path)
        _outcome(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
    # The CapabilityStatement is public, as clients read it before they authenticate.
    assert Client().get(reverse("fhir:metadata")).status_code == 200
    for elsewhere in ("/fhir/", "/fhir/r3/Patient"):
        _outcome(Client().get(elsewhere), 404)


def test_a_bad_bearer_is_refused_with_an_operation_outcome(world: World) -> None:
    for secret in ("smart.made-up", "taut_deadbeef_made-up", "junk"):
        response = Client().get(_everything(world), headers=bearer(secret))
        _outcome(response, 401)
        assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_an_api_token_works_as_a_bearer_with_its_roles_permissions(world: World) -> None:
    _, clinician_secret = make_token(world.clinician_a)
    ok = Client().get(_everything(world), headers=bearer(clinician_secret))
    assert ok.status_code == 200
    entry = AuditEntry.objects.get(object_type="fhir_everything")
    assert entry.actor_id == world.clinician_a.pk
    # The clinician's role may not export (the owner's right), and the token cannot either.
    _outcome(Client().get(reverse("fhir:export"), headers=bearer(clinician_secret)), 403)
    _, owner_secret = make_token(world.owner_a)
    assert Client().get(reverse("fhir:export"), headers=bearer(owner_secret)).status_code == 202


def test_a_staff_session_still_works_and_a_post_needs_its_csrf_token(world: World) -> None:
    assert client_for(world.clinician_a).get(_everything(world)).status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.owner_a)
    _outcome(strict.post(reverse("fhir:export")), 403)
    machine = Machine()
    machine.register(world.clinic_a, world.owner_a)
    bearer_post = Client(enforce_csrf_checks=True).post(
        reverse("fhir:export"), headers=bearer(machine.token())
    )
    assert bearer_post.status_code == 202


def test_a_session_without_the_required_second_factor_gets_401_not_a_redirect(
    world: World,
) -> None:
    world.clinic_a.require_staff_2fa = True
    world.clinic_a.save()
    response = client_for(world.clinician_a).get(_everything(world))
    assert "two-factor" in _outcome(response, 401)
