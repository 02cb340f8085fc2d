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

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect_to = self._required_step(request)
        if redirect_to and not request.path.startswith(EXEMPT_PREFIXES):
            return redirect(f"{reverse(redirect_to)}?next={request.get_full_path()}")
        return self.get_response(request)

    def _required_step(self, request: HttpRequest) -> str | None:
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
