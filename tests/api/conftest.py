"""API personas: a token for any staff member, and a client that sends it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from taut.api.models import ApiToken, TokenScope
from taut.api.services import token_create
from taut.clinics.models import Membership


def make_token(
    user: Any, *, clinic: Any = None, scope: str = TokenScope.READ_WRITE, days: int | None = None
) -> tuple[ApiToken, str]:
    memberships = Membership.objects.filter(user=user)
    membership = memberships.get(clinic=clinic) if clinic is not None else memberships.get()
    return token_create(
        request=None, membership=membership, name="Test token", scope=scope, lifetime_days=days
    )


class ApiClient:
    """A test client that sends `Authorization: Bearer <secret>` and JSON bodies."""

    def __init__(self, secret: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(path, body, content_type="application/json", headers=self.headers)

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(path, body, content_type="application/json", headers=self.headers)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        if method == "GET":
            return self.get(path)
        return getattr(self.client, method.lower())(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers=self.headers,
        )


def api_for(user: Any, *, scope: str = TokenScope.READ_WRITE) -> ApiClient:
    return ApiClient(make_token(user, scope=scope)[1])


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings: Any) -> None:
    """Tests make many calls; the rate-limit tests set their own limit."""
    settings.TAUT_API_RATE_LIMIT = 10_000
