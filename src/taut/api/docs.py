"""The API's documentation page: Swagger UI served from our own static files.

Ninja's default page loads Swagger UI from a CDN (or from its own static folder, which is not an
installed app here) and would break the site's Content-Security-Policy; this one uses the vendored
copy under api/static/api/swagger-ui and a static init script, so it works offline.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase


class OfflineSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "api/docs.html",
            {
                "api": api,
                "openapi_url": reverse(f"{api.urls_namespace}:openapi-json", kwargs=kwargs),
                "tokens_url": reverse("api:tokens"),
            },
        )
