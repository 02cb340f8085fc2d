"""The owner's page for SMART backend clients: register one (its public keys and scopes), see its
client_id, revoke it. Beside the API tokens page: these are the machines' credentials."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from taut.api import services
from taut.api.selectors import backend_clients_for, get_backend_client_for
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.common.refusals import Refused
from taut.interop.forms import BackendClientForm


@staff_required(Permission.CLINIC_MANAGE)
def backend_clients(request: StaffRequest) -> HttpResponse:
    form = BackendClientForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.backend_client_register(
                ctx=AuditContext.from_request(request),
                membership=request.membership,
                name=form.cleaned_data["name"],
                jwks=form.cleaned_data["jwks"],
                scopes=form.cleaned_data["scopes"],
            )
            form = BackendClientForm()
        except Refused as refusal:
            for field, reason in refusal.fields.items():
                form.add_error(field if field in form.fields else None, reason)
            if not refusal.fields:
                form.add_error(None, refusal.message)
    return render(
        request,
        "interop/backend_clients.html",
        {
            "form": form,
            "created": created,
            "clients": backend_clients_for(membership=request.membership),
            "token_url": request.build_absolute_uri(reverse("fhir:token")),
            "fhir_base": request.build_absolute_uri(reverse("fhir:base")),
        },
        status=400 if request.method == "POST" and created is None else 200,
    )


@require_POST
@staff_required(Permission.CLINIC_MANAGE)
def backend_client_revoke(request: StaffRequest, client_id: uuid.UUID) -> HttpResponse:
    client = get_backend_client_for(membership=request.membership, public_id=client_id)
    try:
        services.backend_client_revoke(ctx=AuditContext.from_request(request), client=client)
        messages.success(request, f"“{client.name}” is revoked; its tokens no longer work.")
    except Refused as refusal:
        messages.error(request, refusal.message)
    return redirect("interop:backend_clients")
