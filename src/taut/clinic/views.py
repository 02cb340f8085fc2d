from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from taut.patients.selectors import patient_for_portal_user


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to where their work starts."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if getattr(request, "membership", None) is not None:
        return redirect("patients:list")
    if patient_for_portal_user(user=request.user) is not None:
        return redirect("portal:home")
    return render(request, "no_role.html", status=403)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
