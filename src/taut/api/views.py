"""The API token page, and /api/v1/ itself. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from taut import clock
from taut.api import services
from taut.api.forms import TokenForm
from taut.api.ratelimit import rate_limit
from taut.api.selectors import (
    get_token_for,
    sees_all_tokens,
    tokens_for,
    tokens_refused_for_second_factor,
)
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission


@staff_required(Permission.API_ACCESS)
def token_list(request: StaffRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.token_create(
                request=request,
                membership=request.membership,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                lifetime_days=form.lifetime_days(),
            )
            form = TokenForm()
        except services.TokenError as refusal:
            form.add_error(None, str(refusal))
    tokens = list(tokens_for(membership=request.membership))
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "refused_tokens": tokens_refused_for_second_factor(
                membership=request.membership, tokens=tokens
            ),
            "requires_2fa": request.membership.clinic.require_staff_2fa,
            "sees_all": sees_all_tokens(request.membership),
            "created": created,
            "secret": secret,
            "rate_limit": rate_limit(),
            "now_utc": clock.now(),
            "docs_url": reverse("api:v1:openapi-view"),
        },
    )
    # The secret is on this page once: never keep it in a cache.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required(Permission.API_ACCESS)
def token_revoke(request: StaffRequest, token_id: uuid.UUID) -> HttpResponse:
    token = get_token_for(membership=request.membership, public_id=token_id)
    try:
        services.token_revoke(request=request, actor=request.user, token=token)
        messages.success(request, f"Token “{token.name}” ({token.prefix}) is revoked.")
    except services.TokenError as refusal:
        messages.error(request, str(refusal))
    return redirect("api:tokens")


def api_root(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "name": "Taut API",
            "version": "1",
            "openapi": reverse("api:v1:openapi-json"),
            "docs": reverse("api:v1:openapi-view"),
        }
    )
