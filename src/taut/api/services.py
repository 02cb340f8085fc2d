"""Writes for API tokens. Each runs in one transaction and leaves an audit entry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut import clock
from taut.api.models import ApiToken, TokenScope
from taut.api.selectors import second_factor_satisfied
from taut.api.tokens import new_token
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Membership
from taut.clinics.roles import Permission
from taut.common.refusals import Refused


class TokenError(Refused):
    """A token write that the rules refuse."""


@transaction.atomic
def token_create(
    *,
    request: HttpRequest | None,
    membership: Membership,
    name: str,
    scope: str,
    lifetime_days: int | None,
) -> tuple[ApiToken, str]:
    """Create a token for the member in their clinic; returns it and the secret (shown once)."""
    if not membership.may(Permission.API_ACCESS):
        raise TokenError("Your role does not allow API tokens.")
    if scope not in TokenScope.values:
        raise TokenError("Choose read or read-write.")
    if not second_factor_satisfied(membership):
        raise TokenError(
            "This clinic requires two-factor sign-in: set it up before making a token."
        )
    now = clock.now()
    prefix, secret, digest = new_token()
    token = ApiToken.objects.create(
        clinic=membership.clinic,
        user=membership.user,
        name=name.strip(),
        scope=scope,
        prefix=prefix,
        secret_hash=digest,
        created_at=now,
        expires_at=now + timedelta(days=lifetime_days) if lifetime_days else None,
    )
    audit_record(
        request=request,
        actor=membership.user,
        clinic=membership.clinic,
        action=Action.CREATE,
        object_type="api_token",
        object_id=str(token.public_id),
        detail={"prefix": prefix, "scope": scope, "name": token.name},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, request: HttpRequest | None, actor: Any, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.is_revoked:
        raise TokenError("This token is already revoked.")
    token.revoked_at = clock.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        request=request,
        actor=actor,
        clinic=token.clinic,
        action=Action.UPDATE,
        object_type="api_token",
        object_id=str(token.public_id),
        detail={"prefix": token.prefix, "revoked": True, "owner": token.user.get_username()},
    )
    return token
