"""FHIR RESTful read and search: `GET [base]/<Type>/<id>`, `GET [base]/<Type>?...` and
`POST [base]/<Type>/_search`, and the CapabilityStatement at `[base]/metadata`.

Errors are OperationOutcomes: 400 for a search parameter Taut cannot use (named; ignored instead
with `Prefer: handling=lenient`), 404 for an unknown type or a record not in the caller's clinic.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taut import clock
from taut.clinics.roles import Permission
from taut.interop.fhir.capability import capability_statement
from taut.interop.fhir.everything import operation_outcome
from taut.interop.fhir.rest import (
    fhir_read,
    fhir_search,
    is_searchable,
    parse_search,
    searchset,
)
from taut.interop.fhir.search import SearchError, Site, include_target
from taut.interop.fhir_access import fhir_access, forbidden
from taut.interop.fhir_views import fhir_refusals, fhir_response

# The SMART token endpoint (fhirauth's `taut.interop` route); named in the CapabilityStatement.


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:base"))


def _site(request: HttpRequest) -> Site:
    return Site(clinic=request.membership.clinic, absolute=request.build_absolute_uri)  # type: ignore[attr-defined]


def _unknown_type(resource_type: str) -> HttpResponse:
    message = f"Taut does not serve the resource type '{resource_type}'."
    return fhir_response(operation_outcome(message, code="not-supported"), status=404)


def _lenient(request: HttpRequest) -> bool:
    prefer = request.headers.get("Prefer", "")
    return "handling=lenient" in prefer.replace(" ", "")


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    """Open to all, as the specification asks: it holds no patient data."""
    return fhir_response(
        capability_statement(
            base_url=_base_url(request),
            token_url=request.build_absolute_uri(reverse("fhir:token")),
            published=clock.now().date(),
        )
    )


@require_GET
@fhir_refusals
@fhir_access(Permission.CLINICAL_VIEW)
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    if not is_searchable(resource_type):
        return _unknown_type(resource_type)
    resource = fhir_read(
        ctx=request.fhir_ctx,  # type: ignore[attr-defined]
        site=_site(request),
        resource_type=resource_type,
        resource_id=resource_id,
    )
    return fhir_response(resource)


def _search(
    request: HttpRequest, resource_type: str, params: list[tuple[str, list[str]]]
) -> HttpResponse:
    if not is_searchable(resource_type):
        return _unknown_type(resource_type)
    site = _site(request)
    try:
        search = parse_search(resource_type, params, site=site, lenient=_lenient(request))
    except SearchError as refused:
        return fhir_response(operation_outcome(str(refused), code="not-supported"), status=400)
    grants = getattr(request, "fhir_grants", None)
    if grants is not None:  # a backend client includes only what its scopes let it search
        for include in search.includes:
            target = include_target(resource_type, include)
            if not grants.allows(target, "s"):
                return forbidden(f"This token's scopes do not allow _include of {target}.")
    page = fhir_search(ctx=request.fhir_ctx, site=site, search=search)  # type: ignore[attr-defined]
    return fhir_response(
        searchset(search, page, base_url=_base_url(request), timestamp=clock.now())
    )


@require_http_methods(["GET", "HEAD"])
@fhir_refusals
@fhir_access(Permission.CLINICAL_VIEW)
def search_type(request: HttpRequest, resource_type: str) -> HttpResponse:
    return _search(request, resource_type, list(request.GET.lists()))


# FHIR clients send no CSRF token; a search changes nothing (but the audit log), and a page on
# another site cannot read the answer.
@csrf_exempt
@require_POST
@fhir_refusals
@fhir_access(Permission.CLINICAL_VIEW)
def search_post(request: HttpRequest, resource_type: str) -> HttpResponse:
    return _search(request, resource_type, list(request.GET.lists()) + list(request.POST.lists()))
