"""A SMART backend client as a machine runs it: its own key pair, a signed assertion, a token."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.test import Client
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, RSAKey

from taut import clock
from taut.api.models import BackendClient
from taut.api.services import backend_client_register
from taut.clinics.models import Clinic, Membership
from taut.common.context import AuditContext

TOKEN_URL = "http://testserver/fhir/r4/auth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def new_key(alg: str, kid: str = "key-1") -> RSAKey | ECKey:
    if alg == "RS384":
        return RSAKey.generate_key(2048, parameters={"kid": kid, "alg": alg})
    return ECKey.generate_key("P-384", parameters={"kid": kid, "alg": alg})


def public_jwks(*keys: RSAKey | ECKey) -> str:
    return json.dumps(KeySet(list(keys)).as_dict(private=False))


class Machine:
    """The client side: holds the private key, signs assertions, asks for tokens."""

    def __init__(self, alg: str = "RS384", *, kid: str = "key-1") -> None:
        self.alg = alg
        self.key = new_key(alg, kid)
        self.client_id = ""
        self.http = Client()

    def register(
        self, clinic: Clinic, owner: Any, scopes: tuple[str, ...] = ("system/*.rs",)
    ) -> BackendClient:
        membership = Membership.objects.get(clinic=clinic, user=owner)
        client = backend_client_register(
            ctx=AuditContext.of(owner, membership),
            membership=membership,
            name="Acme EHR",
            jwks=public_jwks(self.key),
            scopes=list(scopes),
        )
        self.client_id = client.client_id
        return client

    def assertion(
        self,
        *,
        aud: str = TOKEN_URL,
        exp_in: int = 240,
        jti: str | None = None,
        key: RSAKey | ECKey | None = None,
        kid: str | None = None,
    ) -> str:
        now = int(clock.now().timestamp())
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": aud,
            "exp": now + exp_in,
            "jti": jti or str(uuid.uuid4()),
        }
        signer = key or self.key
        header = {"alg": self.alg, "kid": kid or self.key.kid, "typ": "JWT"}
        return jwt.encode(header, claims, signer, algorithms=[self.alg])

    def request_token(
        self, scope: str = "system/*.rs", *, assertion: str | None = None, **extra: str
    ) -> Any:
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion or self.assertion(),
            "scope": scope,
            **extra,
        }
        return self.http.post(TOKEN_URL.removeprefix("http://testserver"), form)

    def token(self, scope: str = "system/*.rs") -> str:
        response = self.request_token(scope)
        assert response.status_code == 200, response.content
        return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    # As the bulk-data client does, every call says it takes an asynchronous answer (a Bulk Data
    # kick-off refuses a call without it; other endpoints ignore it).
    return {
        "Authorization": f"Bearer {token}",
        "Accept": "application/fhir+json",
        "Prefer": "respond-async",
    }
