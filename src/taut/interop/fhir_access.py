"""Who may call a FHIR endpoint: the one decorator every FHIR view goes through.

    @fhir_access(Permission.CLINICAL_VIEW, "Observation")
    def observation_search(request: FhirRequest) -> HttpResponse: ...

Three callers are let in:
- a staff member's browser session (the membership the middleware found, CSRF-checked on POST);
- `Authorization: Bearer <API token>` (taut.api): the token's user, with their role's permissions;
- `Authorization: Bearer <SMART access token>`: a registered backend client, with no user, whose
  system scopes decide which resource types it reads.

The view then finds `request.membership` (a `ClinicAccess`: clinic scoping goes through the same
access helpers, e.g. `get_patient_for(membership=request.membership, ...)`), `request.fhir_ctx`
(the AuditContext naming the user or the client, for every audited read), `request.fhir_grants`
(the system scopes, or None for a person, whose role decides) and `request.fhir_client`.

With `resource_type`, a backend client needs a scope that reads it: `s` for a search (the path
ends in the type or `_search`), `r` otherwise. Every refusal is an OperationOutcome: 401 with
`WWW-Authenticate: Bearer` for no or a bad credential, 403 for a missing permission or scope, 404
for a record outside the caller's clinic. Never a login page, an HTML error or a redirect.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from taut import clock
from taut.accounts.middleware import second_factor_step
from taut.api.auth import token_context
from taut.api.backend import BackendAccess
from taut.api.errors import ApiError
from taut.api.models import BackendClient
from taut.api.ratelimit import rate_take
from taut.api.selectors import backend_access_for
from taut.api.smart import Grants
from taut.clinics.access import ClinicAccess
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.common.proxies import client_ip
from taut.interop.fhir.codes import FHIR_JSON
from taut.interop.fhir.everything import operation_outcome

View = Callable[..., HttpResponse]


class FhirRequest(HttpRequest):
    """A request that passed `fhir_access`."""

    membership: ClinicAccess
    fhir_ctx: AuditContext
    fhir_grants: Grants | None  # None: a person, limited by their role alone
    fhir_client: BackendClient | None


def outcome_response(
    message: str, *, status: int, code: str, headers: dict[str, str] | None = None
) -> HttpResponse:
    response = HttpResponse(
        json.dumps(operation_outcome(message, code=code), ensure_ascii=False),
        status=status,
        content_type=FHIR_JSON,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def unauthorized(message: str, *, error: str = "invalid_token") -> HttpResponse:
    challenge = (
        f'Bearer realm="taut-fhir", error="{error}"' if error else 'Bearer realm="taut-fhir"'
    )
    return outcome_response(
        message, status=401, code="login", headers={"WWW-Authenticate": challenge}
    )


def forbidden(message: str) -> HttpResponse:
    return outcome_response(message, status=403, code="forbidden")


def readable_types(request: FhirRequest, resource_types: Iterable[str]) -> list[str]:
    """The types the caller may read: all for a person, the scoped ones for a backend client."""
    types = list(resource_types)
    return types if request.fhir_grants is None else request.fhir_grants.readable(types)


def _interaction(request: HttpRequest, resource_type: str) -> str:
    last = request.path.rstrip("/").rsplit("/", 1)[-1]
    return "s" if last in (resource_type, "_search") else "r"


class _Refusal(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not value.strip():
        raise _Refusal(unauthorized("Send Authorization: Bearer <token>.", error="invalid_request"))
    return value.strip()


def _as_backend_client(request: Any, access: BackendAccess) -> None:
    request.membership = access
    request.fhir_grants = access.grants
    request.fhir_client = access.client
    request.fhir_ctx = AuditContext(
        actor=None,
        membership=access,
        client_address=client_ip(request),
        agent=access.client.audit_label,
    )


def _as_api_token(request: Any, secret: str) -> None:
    now = clock.now()
    try:
        context = token_context(secret, now=now)
    except ApiError as refused:
        raise _Refusal(unauthorized(refused.message)) from refused
    wait = rate_take(token_id=context.token.pk, now=now)
    if wait is not None:
        raise _Refusal(
            outcome_response(
                f"Too many requests for this token; try again in {wait} seconds.",
                status=429,
                code="throttled",
                headers={"Retry-After": str(wait)},
            )
        )
    request.membership = context.membership
    request.fhir_grants = request.fhir_client = None
    request.fhir_ctx = AuditContext(
        actor=context.user,
        membership=context.membership,
        client_address=client_ip(request),
        agent=f"api token {context.token.prefix}",
    )


def _as_session(request: Any) -> None:
    if not request.user.is_authenticated:
        raise _Refusal(
            unauthorized(
                "Authentication is required: a SMART backend access token or an API token.",
                error="",
            )
        )
    if second_factor_step(request) is not None:
        raise _Refusal(unauthorized("Finish two-factor sign-in first.", error=""))
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        rejected = CsrfViewMiddleware(lambda _: HttpResponse()).process_view(
            request, lambda _: HttpResponse(), (), {}
        )
        if rejected is not None:
            raise _Refusal(forbidden("A signed-in browser must send the CSRF token."))
    if request.membership is None:
        raise _Refusal(forbidden("You are not a member of a clinic."))
    request.fhir_grants = request.fhir_client = None
    request.fhir_ctx = AuditContext.from_request(request)


def _authenticate(request: HttpRequest) -> None:
    secret = _bearer(request)
    if secret is None:
        _as_session(request)
        return
    access = backend_access_for(secret, now=clock.now())
    if access is not None:
        _as_backend_client(request, access)
    elif secret.startswith("smart."):
        raise _Refusal(unauthorized("The access token is not valid or has expired."))
    else:
        _as_api_token(request, secret)


def _authorize(request: FhirRequest, permission: Permission, resource_type: str | None) -> None:
    if not request.membership.may(permission):
        raise _Refusal(forbidden(f"Your access does not allow this ({permission.label})."))
    grants = request.fhir_grants
    if resource_type is None or grants is None:
        return
    interaction = _interaction(request, resource_type)
    if not grants.allows(resource_type, interaction):
        verb = "search" if interaction == "s" else "read"
        raise _Refusal(
            forbidden(
                f"This token's scopes do not allow you to {verb} {resource_type} "
                f"(needs system/{resource_type}.{interaction} or system/*.{interaction})."
            )
        )


def fhir_access(permission: Permission, resource_type: str | None = None) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @csrf_exempt  # bearer calls carry no cookie; a session's POST is checked in _as_session
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                _authenticate(request)
                # A read or search route names its type in the URL: scopes apply to it too.
                wanted = resource_type or kwargs.get("resource_type")
                _authorize(request, permission, wanted)  # type: ignore[arg-type]
            except _Refusal as refusal:
                return refusal.response
            try:
                return view(request, *args, **kwargs)
            except Http404 as missing:
                return outcome_response(str(missing) or "Not found.", status=404, code="not-found")
            except PermissionDenied as denied:
                return forbidden(str(denied) or "You may not do this.")

        wrapped.taut_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator
