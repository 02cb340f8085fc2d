"""Portal pages reach only the signed-in patient's own record."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from taut.patients.selectors import patient_for_portal_user

View = Callable[..., HttpResponse]


def patient_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        patient = patient_for_portal_user(user=request.user)
        if patient is None:
            raise PermissionDenied("This page is for patients with a portal account.")
        request.patient = patient  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    wrapped.taut_portal = True  # type: ignore[attr-defined]
    return wrapped
