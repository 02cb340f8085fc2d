"""SMART Backend Services endpoints: the discovery document and the token endpoint.

A machine reads `[FHIR base]/.well-known/smart-configuration`, signs a JWT with its private key
(iss = sub = its client_id, aud = the token URL, exp within five minutes, a fresh jti) and posts it
to the token endpoint for an access token that lasts five minutes (taut.api.services).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from taut.api.services import access_token_grant
from taut.api.smart import ALGORITHMS, OAuthError
from taut.common.context import AuditContext
from taut.interop.fhir.collect import RESOURCE_TYPES


def token_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:token"))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@require_GET
def smart_configuration(request: HttpRequest) -> HttpResponse:
    body: dict[str, Any] = {
        "token_endpoint": token_url(request),
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": list(ALGORITHMS),
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": [
            "system/*.rs",
            "system/*.read",
            *(f"system/{kind}.rs" for kind in RESOURCE_TYPES),
        ],
        "capabilities": ["client-confidential-asymmetric"],
    }
    return JsonResponse(body)


@csrf_exempt  # a machine's form post with no session: its signed assertion is the proof
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    try:
        granted = access_token_grant(
            ctx=AuditContext.from_request(request),
            params=request.POST.dict(),
            token_url=token_url(request),
        )
    except OAuthError as refused:
        return _no_store(
            HttpResponse(
                json.dumps(refused.body()), status=refused.status, content_type="application/json"
            )
        )
    return _no_store(
        JsonResponse(
            {
                "access_token": granted.secret,
                "token_type": "bearer",
                "expires_in": granted.expires_in,
                "scope": " ".join(granted.scopes),
            }
        )
    )
