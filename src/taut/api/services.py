"""Writes for API tokens. Each runs in one transaction and leaves an audit entry."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from taut import clock
from taut.api.models import (
    ApiToken,
    BackendAccessToken,
    BackendClient,
    SeenAssertion,
    TokenScope,
)
from taut.api.selectors import second_factor_satisfied
from taut.api.smart import (
    ACCESS_TOKEN_LIFETIME,
    ASSERTION_TYPE,
    CLOCK_LEEWAY,
    OAuthError,
    assertion_expires_at,
    public_jwks,
    read_assertion,
    registrable_scopes,
    scopes_granted,
    verify_assertion,
)
from taut.api.tokens import new_access_token, new_token
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Membership
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
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


# --- SMART Backend Services ---------------------------------------------------------------


@transaction.atomic
def backend_client_register(
    *, ctx: AuditContext, membership: Membership, name: str, jwks: str, scopes: list[str]
) -> BackendClient:
    """Register a machine for the owner's clinic with its public keys and allowed scopes."""
    if not membership.may(Permission.CLINIC_MANAGE):
        raise TokenError("Only the clinic's owner registers backend clients.")
    client = BackendClient.objects.create(
        clinic=membership.clinic,
        client_id=str(uuid.uuid4()),
        name=" ".join(name.split()),
        jwks=public_jwks(jwks),
        scopes=registrable_scopes(scopes),
        created_at=clock.now(),
        created_by=membership.user,
    )
    audit_record(
        ctx=ctx,
        clinic=client.clinic,
        action=Action.CREATE,
        object_type="backend_client",
        object_id=str(client.public_id),
        detail={"client_id": client.client_id, "name": client.name, "scopes": client.scopes},
    )
    return client


@transaction.atomic
def backend_client_revoke(*, ctx: AuditContext, client: BackendClient) -> BackendClient:
    """Revoke a client; its access tokens stop working at once (they check it on every use)."""
    client = BackendClient.objects.select_for_update().get(pk=client.pk)
    if not client.is_active:
        raise TokenError("This backend client is already revoked.")
    client.revoked_at, client.revoked_by = clock.now(), ctx.actor
    client.save(update_fields=["revoked_at", "revoked_by"])
    BackendAccessToken.objects.filter(client=client).delete()
    audit_record(
        ctx=ctx,
        clinic=client.clinic,
        action=Action.UPDATE,
        object_type="backend_client",
        object_id=str(client.public_id),
        detail={"client_id": client.client_id, "revoked": True},
    )
    return client


@dataclass(frozen=True)
class GrantedToken:
    secret: str
    scopes: list[str]
    expires_in: int


@transaction.atomic
def access_token_grant(
    *, ctx: AuditContext, params: Mapping[str, str], token_url: str
) -> GrantedToken:
    """The client-credentials grant with a signed JWT assertion (SMART Backend Services)."""
    if params.get("grant_type") != "client_credentials":
        raise OAuthError("unsupported_grant_type", "Use grant_type=client_credentials.")
    if params.get("client_assertion_type") != ASSERTION_TYPE:
        raise OAuthError("invalid_request", f"Use client_assertion_type={ASSERTION_TYPE}.")
    assertion = params.get("client_assertion", "")
    if not assertion:
        raise OAuthError("invalid_request", "Send your signed JWT as client_assertion.")
    now = clock.now()
    unverified = read_assertion(assertion)
    client = (
        BackendClient.objects.select_for_update()
        .select_related("clinic")
        .filter(client_id=unverified.issuer)
        .first()
    )
    if client is None or not client.is_active:
        raise OAuthError(
            "invalid_client", "No active backend client has this client_id.", status=401
        )
    claims = verify_assertion(
        assertion, unverified=unverified, jwks=client.jwks, token_url=token_url, now=now
    )
    _remember_jti(client, claims, now=now)
    scopes = scopes_granted(requested=params.get("scope", ""), allowed=client.scopes)
    secret, digest = new_access_token()
    BackendAccessToken.objects.filter(expires_at__lte=now).delete()
    BackendAccessToken.objects.create(
        clinic=client.clinic,
        client=client,
        token_hash=digest,
        scopes=scopes,
        issued_at=now,
        expires_at=now + ACCESS_TOKEN_LIFETIME,
    )
    client.last_used_at = now
    client.save(update_fields=["last_used_at"])
    audit_record(
        ctx=replace(ctx, agent=client.audit_label),
        clinic=client.clinic,
        action=Action.LOGIN,
        object_type="backend_client",
        object_id=str(client.public_id),
        detail={"client_id": client.client_id, "scopes": scopes},
    )
    return GrantedToken(secret, scopes, int(ACCESS_TOKEN_LIFETIME.total_seconds()))


def _remember_jti(client: BackendClient, claims: dict[str, Any], *, now: datetime) -> None:
    """Refuse an assertion seen before; keep its jti until it expires (then it cannot be used)."""
    SeenAssertion.objects.filter(expires_at__lte=now - CLOCK_LEEWAY).delete()
    try:
        with transaction.atomic():
            SeenAssertion.objects.create(
                client=client, jti=str(claims["jti"])[:255], expires_at=assertion_expires_at(claims)
            )
    except IntegrityError as seen:
        raise OAuthError(
            "invalid_client", "This assertion's jti was used already; sign a new one.", status=401
        ) from seen
