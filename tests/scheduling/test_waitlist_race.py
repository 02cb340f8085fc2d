"""Two patients accept the same freed time at the same moment: one books it, the other is told
it has been taken, on either database."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from taut.scheduling.models import Appointment, AppointmentStatus, OfferStatus, WaitlistOffer
from taut.scheduling.services.waitlist import TAKEN, WaitlistRefused, waitlist_offer_accept
from tests.conftest import run_due_tasks
from tests.scheduling.conftest import NOW, TUESDAY, at, book, make_desk
from tests.scheduling.test_waitlist import cancel, waiting


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_once_book_the_time_once(world: Any) -> None:
    desk = make_desk(world)
    waiting(desk, 2)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    run_due_tasks()
    offers = list(WaitlistOffer.objects.all())
    assert len(offers) == 2
    start_line = threading.Barrier(len(offers))
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(offer: WaitlistOffer) -> None:
        try:
            start_line.wait()
            waitlist_offer_accept(request=None, offer=offer, now=NOW)
            outcome = "booked"
        except WaitlistRefused as refusal:
            outcome = "taken" if list(refusal.reasons) == [TAKEN] else str(refusal.reasons)
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=accept, args=(o,)) for o in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["booked", "taken"], outcomes
    held = Appointment.objects.filter(starts_at=at(TUESDAY, 10), status=AppointmentStatus.BOOKED)
    assert held.count() == 1
    statuses = sorted(WaitlistOffer.objects.values_list("status", flat=True))
    assert statuses == sorted([OfferStatus.ACCEPTED, OfferStatus.TAKEN])
