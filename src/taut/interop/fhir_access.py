"""Who may reach a FHIR endpoint. This version accepts the staff session (`staff_required`)
only; the signature is that of the full one (API and SMART tokens too). Sets `request.fhir_ctx`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from taut.clinics.access import staff_required
from taut.clinics.roles import Permission
from taut.common.context import AuditContext

View = Callable[..., HttpResponse]


def fhir_access(permission: Permission, resource_type: str | None = None) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def with_context(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            request.fhir_ctx = AuditContext.from_request(request)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return staff_required(permission)(with_context)

    return decorator
