"""Bearer-token authentication with the same role and clinic scoping as the web pages.

Each operation names what it needs (`TokenAuth(Permission.X, write=True)`): a valid, unexpired,
unrevoked token whose user is still an active member of the token's clinic, whose role there grants
the permission (and API access), within the token's rate limit, and a read-write token for writes.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from taut import clock
from taut.api.errors import ApiError
from taut.api.models import ApiToken
from taut.api.ratelimit import rate_take
from taut.api.selectors import second_factor_satisfied
from taut.api.tokens import hash_secret, prefix_of
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Clinic, Membership
from taut.clinics.roles import Permission


@dataclass(frozen=True)
class ApiContext:
    """Who is calling: the token and the membership it acts under."""

    token: ApiToken
    membership: Membership

    @property
    def clinic(self) -> Clinic:
        return self.membership.clinic

    @property
    def user(self) -> Any:
        return self.membership.user

    def audit(
        self,
        request: HttpRequest,
        *,
        action: Action,
        object_type: str,
        object_id: str = "",
        **detail: Any,
    ) -> None:
        """Record a read or write made through the API, naming the token."""
        audit_record(
            request=request,
            actor=self.user,
            clinic=self.clinic,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail={"via": "api", "token": self.token.prefix, **detail},
        )


def token_context(secret: str, *, now: datetime) -> ApiContext:
    """The context of a presented secret, or ApiError(401) saying why it does not work."""
    prefix = prefix_of(secret)
    token = (
        ApiToken.objects.select_related("user", "clinic").filter(prefix=prefix).first()
        if prefix
        else None
    )
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        raise ApiError(401, "The API token is not valid.")
    if token.is_revoked:
        raise ApiError(401, "This API token has been revoked.")
    if token.expires_at is not None and token.expires_at <= now:
        raise ApiError(401, "This API token has expired.")
    membership = (
        Membership.objects.for_clinic(token.clinic_id)
        .filter(user=token.user, is_active=True, user__is_active=True)
        .select_related("clinic", "user")
        .first()
    )
    if membership is None or not membership.may(Permission.API_ACCESS):
        raise ApiError(401, "The token's user no longer has API access to this clinic.")
    if not second_factor_satisfied(membership):
        raise ApiError(
            401,
            "This clinic requires two-factor sign-in and the token's user has not set it up. "
            "Sign in to Taut and set up two-factor sign-in; the token then works again.",
            code="second_factor_required",
        )
    return ApiContext(token=token, membership=membership)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a permission (and write scope) to check."""

    def __init__(self, permission: Permission, *, write: bool = False) -> None:
        super().__init__()
        self.permission = permission
        self.write = write

    def authenticate(self, request: HttpRequest, token: str) -> ApiContext:
        now = clock.now()
        context = token_context(token, now=now)
        wait = rate_take(token_id=context.token.pk, now=now)
        if wait is not None:
            raise ApiError(
                429,
                f"Too many requests for this token; try again in {wait} seconds.",
                headers={"Retry-After": str(wait)},
            )
        if self.write and not context.token.may_write:
            raise ApiError(403, "This token is read-only.", code="read_only_token")
        if not context.membership.may(self.permission):
            raise ApiError(403, f"Your role does not allow this ({self.permission.label}).")
        return context


def reader(permission: Permission) -> TokenAuth:
    return TokenAuth(permission)


def writer(permission: Permission) -> TokenAuth:
    return TokenAuth(permission, write=True)
