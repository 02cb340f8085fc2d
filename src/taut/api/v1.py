"""Version 1 of the REST API, mounted at /api/v1/ (OpenAPI at /api/v1/openapi.json).

Every module in `taut.api.endpoints` is a resource: it defines `PREFIX` and `router`, and is
mounted here in name order. Adding /api/v1/appointments is one new module there.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import wraps
from types import ModuleType
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from ninja import NinjaAPI
from ninja.operation import Operation

from taut.api import endpoints, errors
from taut.api.docs import OfflineSwagger

DESCRIPTION = """
Taut's REST API. Authenticate with a personal access token (create one under **API tokens** in
Taut): `Authorization: Bearer taut_…`. A token acts for its user, in its clinic, with that user's
role; read-only tokens may only GET. Errors are `{"error": {"code", "message", "fields"}}`.
Lists take `limit` (at most 100) and `cursor` (the `next` of the page before); they give no total
count. See docs/api.md in the source for more.
"""


def endpoint_modules() -> list[ModuleType]:
    names = sorted(info.name for info in pkgutil.iter_modules(endpoints.__path__))
    return [importlib.import_module(f"{endpoints.__name__}.{name}") for name in names]


class TautApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The view's own name (patient_list): short, stable, and unique (a test checks)."""
        return operation.view_func.__name__


def build_api() -> NinjaAPI:
    api = TautApi(
        title="Taut API",
        version="1",
        description=DESCRIPTION.strip(),
        urls_namespace="api:v1",
        docs=OfflineSwagger(),
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    errors.install(api)
    for module in endpoint_modules():
        api.add_router(module.PREFIX, module.router)
    return api


api = build_api()


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a wrong method with a plain-text 405; answer in the error shape instead."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response["Content-Type"].startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            return errors.error_response(
                errors.ApiError(405, f"This path accepts {allowed}.", headers={"Allow": allowed})
            )
        return response

    return wrapped


def urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns for `include`, each answering a wrong method in the error shape."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_not_allowed(pattern.callback)
    return patterns, app_name, namespace
