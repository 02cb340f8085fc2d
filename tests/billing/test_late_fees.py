"""Late-cancellation fees from the stored booking policy: charged once, waivable with a reason."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.billing.late_fees import late_fee_charge, late_fee_waive, late_fees_of
from taut.billing.models import EntryKind, LedgerEntry
from taut.billing.selectors import patient_balance
from taut.common.refusals import Refused
from taut.scheduling.models import BookingPolicy
from taut.scheduling.services import appointment_cancel
from tests.billing.conftest import ctx_of, key
from tests.conftest import client_for


def _cancelled(world: Any, *, hours_before: int) -> Any:
    from tests.scheduling.conftest import TUESDAY, at, book, make_desk

    desk = make_desk(world)
    BookingPolicy.objects.filter(clinic=world.clinic_a).update(late_fee=Decimal("40.00"))
    appointment = book(desk, at(TUESDAY, 10))
    return appointment_cancel(
        request=None,
        actor=world.frontdesk_a,
        appointment=appointment,
        reason="Car broke down",
        now=at(TUESDAY, 10) - timedelta(hours=hours_before),
    )


def test_a_late_cancellation_is_charged_the_policy_fee_once(world: Any, clinic_clock: Any) -> None:
    appointment = _cancelled(world, hours_before=2)
    assert [f.state for f in late_fees_of(world.patient_a)] == ["due"]
    desk = ctx_of(world.frontdesk_a)
    first = late_fee_charge(ctx=desk, appointment=appointment)
    again = late_fee_charge(ctx=desk, appointment=appointment)
    assert first.pk == again.pk and first.amount_minor == 4000
    assert "Late-cancellation fee" in first.memo
    assert patient_balance(world.patient_a) == 4000
    assert [f.state for f in late_fees_of(world.patient_a)] == ["charged"]


def test_a_cancellation_in_time_has_no_fee(world: Any, clinic_clock: Any) -> None:
    appointment = _cancelled(world, hours_before=25)  # the policy asks for 24 hours' notice
    assert appointment.fee is None
    with pytest.raises(Refused, match="No late fee"):
        late_fee_charge(ctx=ctx_of(world.frontdesk_a), appointment=appointment)
    assert late_fees_of(world.patient_a) == []


def test_waiving_reverses_the_charge_with_the_reason_and_audits_it(
    world: Any, clinic_clock: Any
) -> None:
    appointment = _cancelled(world, hours_before=1)
    late_fee_waive(ctx=ctx_of(world.owner_a), appointment=appointment, reason="First time")
    assert patient_balance(world.patient_a) == 0
    reversal = LedgerEntry.objects.get(kind=EntryKind.REVERSAL)
    assert reversal.memo == "Fee waived: First time"
    assert AuditEntry.objects.filter(object_type="late_fee", action="update").exists()
    assert [f.state for f in late_fees_of(world.patient_a)] == ["waived"]
    with pytest.raises(Refused):
        late_fee_waive(ctx=ctx_of(world.owner_a), appointment=appointment, reason=" ")


def test_only_the_owner_waives_and_the_desk_charges(world: Any, clinic_clock: Any) -> None:
    appointment = _cancelled(world, hours_before=1)
    kwargs = {"patient_id": world.patient_a.public_id, "appointment_id": appointment.public_id}
    waive = reverse("billing:late_fee_waive", kwargs=kwargs)
    charge = reverse("billing:late_fee_charge", kwargs=kwargs)
    desk = client_for(world.frontdesk_a)
    assert desk.post(waive, {"reason": "x", "idempotency_key": key()}).status_code == 403
    assert desk.post(charge).status_code == 302
    assert patient_balance(world.patient_a) == 4000
    owner = client_for(world.owner_a)
    assert owner.post(waive, {"reason": "Goodwill", "idempotency_key": key()}).status_code == 302
    assert patient_balance(world.patient_a) == 0
    account = reverse("billing:account", kwargs={"patient_id": world.patient_a.public_id})
    assert "Waived" in client_for(world.clinician_a).get(account).content.decode()
