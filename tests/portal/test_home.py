"""The portal's home page: the next visit, the consents in force, never a withdrawn one."""

from __future__ import annotations

from django.urls import reverse

from taut.consent.services import consent_withdraw
from tests.conftest import client_for, publish_consent_document, sign_consent
from tests.scheduling.conftest import TUESDAY, Desk, at, book


def _home(desk: Desk) -> object:
    return client_for(desk.world.portal_user_a).get(reverse("portal:home"))


def test_home_lists_the_upcoming_visit(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    page = _home(desk)
    assert [a.pk for a in page.context["appointments"].upcoming] == [appointment.pk]  # type: ignore[attr-defined]


def test_home_offers_signed_consents_but_not_withdrawn_ones(desk: Desk) -> None:
    world = desk.world
    document = publish_consent_document(world.clinic_a, world.owner_a)
    kept = sign_consent(world.patient_a, document, world.owner_a)
    withdrawn = sign_consent(world.patient_a, document, world.owner_a)
    consent_withdraw(request=None, actor=world.owner_a, consent=withdrawn, reason="")
    page = _home(desk)
    assert page.context["signed_consents"] == [kept]  # type: ignore[attr-defined]
    text = page.content.decode()  # type: ignore[attr-defined]
    assert reverse("portal:consent_pdf", args=[withdrawn.public_id]) not in text
