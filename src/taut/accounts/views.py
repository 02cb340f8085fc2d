from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from taut.accounts import services
from taut.accounts.forms import OTPTokenForm
from taut.clinics import services as clinics_services


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        services.login_record(request=self.request, user=form.get_user())
        return response

    def form_invalid(self, form):  # type: ignore[no-untyped-def]
        services.login_failure_record(
            request=self.request, username=self.request.POST.get("username", "")
        )
        return super().form_invalid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the emailed link also lifts a sign-in lockout: whoever
    holds the link controls the account's email, which is what the lockout could not know."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        clinics_services.sign_in_unlock(
            request=self.request, actor=form.user, user=form.user, reason="password_reset"
        )
        return response


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_safe_next(request))
        form.add_error("token", "That code is not right or has expired; try the current one.")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    if user_has_device(request.user) and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:otp_verify")
    device = services.totp_device_draft(request=request)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(
            request=request, device=device, token=form.cleaned_data["token"]
        ):
            otp_login(request, device)
            messages.success(request, "Two-factor sign-in is on for your account.")
            return redirect(_safe_next(request))
        form.add_error("token", "That code does not match; check the time on your phone.")
    qr_svg = segno.make(device.config_url).svg_inline(scale=4, dark="#111", light="#fff")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": secret, "next": _safe_next(request)},
    )
