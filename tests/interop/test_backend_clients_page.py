"""The owner's backend-clients page: register with pasted public keys, see the client_id, revoke;
each refusal shown beside the field it concerns. Owners only; other clinics' clients are 404."""

from __future__ import annotations

import json

from django.urls import reverse

from taut.api.models import BackendClient
from taut.audit.models import AuditEntry
from tests.conftest import World, client_for
from tests.interop.smart_machine import Machine, new_key, public_jwks

PAGE = "/interop/backend-clients"


def _form(jwks: str, **extra: object) -> dict[str, object]:
    return {"name": "Acme EHR", "jwks": jwks, "scopes": ["system/*.rs"], **extra}


def test_the_owner_registers_a_client_and_sees_its_client_id(world: World) -> None:
    response = client_for(world.owner_a).post(PAGE, _form(public_jwks(new_key("ES384"))))
    assert response.status_code == 200
    client = BackendClient.objects.get()
    assert client.clinic == world.clinic_a and client.scopes == ["system/*.rs"]
    assert client.client_id in response.content.decode()
    assert AuditEntry.objects.filter(object_type="backend_client", action="create").exists()


def _field_error(response: object, field: str) -> str:
    form = response.context["form"]  # type: ignore[attr-defined]
    assert response.status_code == 400  # type: ignore[attr-defined]
    return " ".join(form.errors[field])


def test_bad_keys_are_refused_beside_the_keys_field(world: World) -> None:
    owner = client_for(world.owner_a)
    assert "not valid JSON" in _field_error(owner.post(PAGE, _form("{oops")), "jwks")
    key = json.loads(public_jwks(new_key("RS384")))["keys"][0]
    no_kid = json.dumps({"keys": [{k: v for k, v in key.items() if k != "kid"}]})
    assert "kid" in _field_error(owner.post(PAGE, _form(no_kid)), "jwks")
    hs = json.dumps({"keys": [{**key, "alg": "HS256"}]})
    assert "alg HS256" in _field_error(owner.post(PAGE, _form(hs)), "jwks")
    no_scope = _form(public_jwks(new_key("RS384")), scopes=[])
    assert _field_error(owner.post(PAGE, no_scope), "scopes")
    assert not BackendClient.objects.exists()


def test_only_the_owner_manages_backend_clients(world: World) -> None:
    assert client_for(world.clinician_a).get(PAGE).status_code == 403
    assert client_for(world.frontdesk_a).get(PAGE).status_code == 403


def test_the_owner_revokes_a_client_and_its_tokens_stop(world: World) -> None:
    machine = Machine()
    client = machine.register(world.clinic_a, world.owner_a)
    token = machine.token()
    revoke = reverse("interop:backend_client_revoke", kwargs={"client_id": client.public_id})
    assert client_for(world.owner_b).post(revoke).status_code == 404
    assert client_for(world.owner_a).post(revoke).status_code == 302
    client.refresh_from_db()
    assert not client.is_active
    everything = reverse("fhir:everything", kwargs={"patient_id": world.patient_a.public_id})
    headers = {"Authorization": f"Bearer {token}"}
    assert client_for(world.owner_b).get(everything, headers=headers).status_code == 401
