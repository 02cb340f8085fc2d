"""Two-factor sign-in for staff.

A staff member with a confirmed authenticator must enter a code after the password; where the
clinic owner requires two-factor sign-in, a staff member without one must set it up first.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

# FHIR answers machines, never with a redirect: its views refuse an unfinished sign-in themselves
# (taut.interop.fhir_access), with `second_factor_step`.
EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/fhir/", "/.well-known/")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect_to = second_factor_step(request)
        if redirect_to and not request.path.startswith(EXEMPT_PREFIXES):
            return redirect(f"{reverse(redirect_to)}?next={request.get_full_path()}")
        return self.get_response(request)


def second_factor_step(request: HttpRequest) -> str | None:
    """The page a signed-in staff member must pass before anything else, if any."""
    user = request.user
    membership = getattr(request, "membership", None)
    if not user.is_authenticated or membership is None:
        return None
    if user.is_verified():  # type: ignore[attr-defined, union-attr]
        return None
    if user_has_device(user):
        return "accounts:otp_verify"
    if membership.clinic.require_staff_2fa:
        return "accounts:otp_setup"
    return None
