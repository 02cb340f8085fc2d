from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from taut.clinics.roles import Role
from taut.patients.selectors import patient_for_portal_user

# Where each role's work starts after signing in; other roles start at the patient list.
LANDING = {Role.CLINICIAN: "scheduling:day"}  # today's schedule, with the open red-flag alerts


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where their work starts."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    membership = getattr(request, "membership", None)
    if membership is not None:
        return redirect(LANDING.get(membership.role, "patients:list"))
    if patient_for_portal_user(user=request.user) is not None:
        return redirect("portal:home")
    return render(request, "no_role.html", status=403)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
