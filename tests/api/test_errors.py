"""The API answers every failure in one shape, as JSON, and limits each token's rate."""

from __future__ import annotations

from typing import Any

import pytest

from taut.api.models import ApiToken
from taut.api.services import TokenError, token_create
from taut.clinics.models import Membership
from taut.clinics.roles import Role
from tests.api.conftest import ApiClient, api_for, make_token
from tests.charting.conftest import ready_session
from tests.conftest import World

PATIENTS = "/api/v1/patients"


def _error(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]  # type: ignore[no-any-return]


def test_no_token_is_401_with_a_bearer_challenge(world: World) -> None:
    response = ApiClient(None).get(PATIENTS)
    assert response.status_code == 401 and _error(response)["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_session_is_not_enough(world: World) -> None:
    from tests.conftest import client_for

    response = client_for(world.owner_a).get(PATIENTS)
    assert response.status_code == 401


def test_a_role_without_the_permission_is_403(world: World) -> None:
    session, _entry = ready_session(world)
    response = api_for(world.owner_a).post(  # the owner reads clinical records, never writes
        f"/api/v1/sessions/{session.public_id}/measures",
        {"instrument": "nprs", "timing": "before", "answers": [5]},
    )
    assert response.status_code == 403 and _error(response)["code"] == "forbidden"


def test_a_token_of_a_role_without_api_access_is_refused(world: World) -> None:
    """The front desk has no API access: a token made for it (say, before its role changed)
    is refused, and the token page will not make one."""
    membership = Membership.objects.get(user=world.frontdesk_a)
    with pytest.raises(TokenError, match="does not allow API tokens"):
        token_create(request=None, membership=membership, name="x", scope="read", lifetime_days=1)
    Membership.objects.filter(pk=membership.pk).update(role=Role.OWNER)
    _, secret = make_token(world.frontdesk_a)
    Membership.objects.filter(pk=membership.pk).update(role=Role.FRONT_DESK)
    response = ApiClient(secret).get(PATIENTS)
    assert response.status_code == 401 and "no longer has API access" in _error(response)["message"]


def test_validation_errors_name_each_field(world: World) -> None:
    response = api_for(world.owner_a).post(PATIENTS, {"given_name": 3, "sex": "robot"})
    error = _error(response)
    assert response.status_code == 422 and error["code"] == "validation_error"
    assert {"given_name", "family_name", "date_of_birth", "sex"} <= set(error["fields"])


def test_query_parameters_are_validated_too(world: World) -> None:
    response = api_for(world.owner_a).get(PATIENTS, {"limit": 1000, "cursor": "no spaces"})
    assert response.status_code == 422
    assert set(_error(response)["fields"]) == {"limit", "cursor"}


def test_a_body_that_is_not_json_is_400(world: World) -> None:
    response = api_for(world.owner_a).post(PATIENTS, "{not json")
    assert response.status_code == 400 and _error(response)["code"] == "bad_request"


def test_an_unknown_id_is_404_and_a_malformed_one_422(world: World) -> None:
    client = api_for(world.owner_a)
    missing = client.get(f"{PATIENTS}/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404 and _error(missing)["code"] == "not_found"
    malformed = client.get(f"{PATIENTS}/not-a-uuid")
    assert malformed.status_code == 422 and "patient_id" in _error(malformed)["fields"]


def test_unknown_paths_and_wrong_methods_answer_in_the_error_shape(world: World) -> None:
    client = api_for(world.owner_a)
    assert _error(client.get("/api/v1/nothing-here"))["code"] == "not_found"
    response = client.client.delete(PATIENTS, headers=client.headers)
    assert response.status_code == 405 and _error(response)["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_a_refusal_by_the_rules_is_409(world: World) -> None:
    from taut.patients.services import patient_archive

    patient_archive(request=None, actor=world.owner_a, patient=world.patient_a)
    response = api_for(world.owner_a).patch(
        f"{PATIENTS}/{world.patient_a.public_id}", {"phone": "303 555 0100"}
    )
    assert response.status_code == 409 and "archived" in _error(response)["message"]


def test_an_unexpected_failure_is_a_500_in_the_error_shape_and_is_logged(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from taut.api.endpoints import patients

    def broken(**_: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(patients, "get_patient_for", broken)
    response = api_for(world.owner_a).get(f"{PATIENTS}/{world.patient_a.public_id}")
    assert response.status_code == 500 and _error(response)["code"] == "server_error"
    assert "disk on fire" not in response.content.decode()
    assert "disk on fire" in caplog.text


def test_each_token_is_limited_per_minute_with_retry_after(world: World, settings: Any) -> None:
    settings.TAUT_API_RATE_LIMIT = 3
    _, first = make_token(world.owner_a)
    _, second = make_token(world.owner_a)
    client = ApiClient(first)
    assert [client.get(PATIENTS).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(PATIENTS)
    assert limited.status_code == 429 and _error(limited)["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert ApiClient(second).get(PATIENTS).status_code == 200, "the limit is per token"


def test_the_rate_window_starts_afresh_each_minute(world: World, settings: Any) -> None:
    settings.TAUT_API_RATE_LIMIT = 1
    token, secret = make_token(world.owner_a)
    client = ApiClient(secret)
    assert client.get(PATIENTS).status_code == 200
    assert client.get(PATIENTS).status_code == 429
    token.refresh_from_db()
    assert token.rate_window_start is not None
    ApiToken.objects.filter(pk=token.pk).update(
        rate_window_start=token.rate_window_start.replace(year=2000)
    )
    assert client.get(PATIENTS).status_code == 200


def test_the_openapi_document_and_its_docs_page_are_served(world: World, client: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "Taut API"
    assert "/api/v1/patients" in document["paths"]
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/api/swagger-ui/swagger-ui-bundle.js" in html
    assert "<script>" not in html and "style=" not in html and "cdn" not in html.lower()
    assert client.get("/static/api/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_the_api_root_links_to_the_document_and_the_docs(client: Any) -> None:
    assert client.get("/api/v1/").json()["docs"] == "/api/v1/docs"
