"""The clinic's public contact form."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from taut import clock
from taut.clinics.models import Clinic
from taut.common.context import AuditContext
from taut.messaging.contact import (
    ContactForm,
    TooManyRequests,
    acknowledgement,
    contact_request_submit,
)


def contact(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic, slug=clinic_slug)
    now = clock.now()
    form = ContactForm(request.POST or None, now=now)
    if request.method == "POST":
        if form.is_bot:
            return redirect("contact:sent", clinic_slug=clinic.slug)
        if form.is_valid():
            try:
                contact_request_submit(
                    ctx=AuditContext.from_request(request),
                    clinic=clinic,
                    data=form.cleaned_data,
                    now=now,
                )
            except TooManyRequests as refusal:
                form.add_error(None, refusal.message)
                return render(
                    request, "messaging/contact.html", {"clinic": clinic, "form": form}, status=429
                )
            return redirect("contact:sent", clinic_slug=clinic.slug)
    status = 400 if form.is_bound else 200
    return render(
        request, "messaging/contact.html", {"clinic": clinic, "form": form}, status=status
    )


def contact_sent(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic, slug=clinic_slug)
    return render(
        request,
        "messaging/contact_sent.html",
        {"clinic": clinic, "acknowledgement": acknowledgement(clinic)},
    )
