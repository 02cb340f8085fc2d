"""Writes of the clinic's side of charting: needle products and lots, practitioner credentials.

Each saves the row a form prepared, in one transaction with its audit entry.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.charting.models import NeedleLot, NeedleProduct, PractitionerProfile
from taut.common.context import AuditContext
from taut.common.refusals import Refused

LOT_IN_STOCK = "That lot of that product is already in stock."


@transaction.atomic
def needle_product_add(*, ctx: AuditContext, product: NeedleProduct) -> NeedleProduct:
    product.save()
    audit_record(
        ctx=ctx,
        clinic=product.clinic,
        action=Action.CREATE,
        object_type="needle_product",
        object_id=str(product.pk),
    )
    return product


def needle_lot_add(*, ctx: AuditContext, lot: NeedleLot) -> NeedleLot:
    """Refused when the clinic already stocks that lot of that product."""
    try:
        with transaction.atomic():
            lot.save()
            audit_record(
                ctx=ctx,
                clinic=lot.clinic,
                action=Action.CREATE,
                object_type="needle_lot",
                object_id=lot.lot_number,
            )
    except IntegrityError:
        raise Refused(LOT_IN_STOCK) from None
    return lot


@transaction.atomic
def practitioner_profile_save(
    *, ctx: AuditContext, profile: PractitionerProfile, user_public_id: str
) -> PractitionerProfile:
    profile.save()
    audit_record(
        ctx=ctx,
        clinic=profile.clinic,
        action=Action.UPDATE,
        object_type="practitioner_profile",
        object_id=user_public_id,
    )
    return profile
