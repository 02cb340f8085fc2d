"""Needle stock writes: each leaves its audit entry; a lot already in stock is refused in words."""

from __future__ import annotations

import pytest

from taut.audit.models import AuditEntry
from taut.charting.models import NeedleLot
from taut.charting.stock_services import LOT_IN_STOCK, needle_lot_add
from taut.common.context import AuditContext
from taut.common.refusals import Refused
from tests.charting.conftest import Ready


def _copy_of(lot: NeedleLot) -> NeedleLot:
    return NeedleLot(
        clinic=lot.clinic,
        product=lot.product,
        lot_number=lot.lot_number,
        expires_on=lot.expires_on,
        received_on=lot.received_on,
    )


def test_a_new_lot_is_stocked_with_its_audit_entry(ready: Ready) -> None:
    fresh = _copy_of(ready.lot)
    fresh.lot_number = "L2026B"
    needle_lot_add(ctx=AuditContext.of(ready.world.owner_a), lot=fresh)
    entry = AuditEntry.objects.filter(object_type="needle_lot").latest("pk")
    assert (entry.object_id, entry.actor_id) == ("L2026B", ready.world.owner_a.pk)


def test_a_lot_already_in_stock_is_refused_and_nothing_is_recorded(ready: Ready) -> None:
    before = AuditEntry.objects.filter(object_type="needle_lot").count()
    with pytest.raises(Refused) as refused:
        needle_lot_add(ctx=AuditContext.of(ready.world.owner_a), lot=_copy_of(ready.lot))
    assert refused.value.reasons == (LOT_IN_STOCK,)
    assert AuditEntry.objects.filter(object_type="needle_lot").count() == before
