"""A waitlist offer, opened from the signed link in the patient's message: see it, accept it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from taut import clock
from taut.scheduling.models import OfferStatus, WaitlistOffer
from taut.scheduling.services.waitlist import (
    EXPIRED,
    TAKEN,
    WaitlistRefused,
    offer_of_token,
    waitlist_offer_accept,
)


def _open_reason(offer: WaitlistOffer) -> str:
    """Why the offer can no longer be accepted, or "" while it can."""
    if offer.status == OfferStatus.TAKEN:
        return TAKEN
    if offer.status == OfferStatus.EXPIRED or (
        offer.status == OfferStatus.OFFERED and clock.now() >= offer.expires_at
    ):
        return EXPIRED
    return ""


def waitlist_offer(request: HttpRequest, token: str) -> HttpResponse:
    offer = offer_of_token(token)
    if offer is None:
        raise Http404("This link is not valid.")
    context: dict[str, object] = {"offer": offer, "clinic": offer.clinic}
    if request.method == "POST":
        try:
            booked = waitlist_offer_accept(request=request, offer=offer, now=clock.now())
        except WaitlistRefused as refusal:
            context["reasons"] = refusal.reasons
            return render(request, "scheduling/offer.html", context, status=409)
        context["booked"] = booked
        return render(request, "scheduling/offer.html", context)
    if offer.status == OfferStatus.ACCEPTED:
        context["booked"] = offer.appointment
    elif reason := _open_reason(offer):
        context["reasons"] = [reason]
    return render(request, "scheduling/offer.html", context)
