"""Writing to the append-only ledger, once per idempotency key.

Every write names an idempotency key (the form's hidden field, a webhook's event id). The key is
unique per clinic in the database: a second submit with the same key writes nothing and gets the
first write's entry back, even when both arrive at once (the loser's INSERT fails on the unique
constraint, inside a savepoint, and it reads the winner's row).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum

from taut import clock
from taut.billing.models import EntryKind, LedgerEntry
from taut.common.refusals import Invalid, Refused

KEY_LENGTH = 64


def check_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > KEY_LENGTH:
        raise Invalid(
            "The form is missing its one-time key; reload the page and try again.",
            fields={"idempotency_key": "missing or too long"},
        )
    return key


def earlier_entry(clinic: Any, key: str) -> LedgerEntry | None:
    return LedgerEntry.objects.for_clinic(clinic).filter(idempotency_key=key).first()


def same_request(entry: LedgerEntry, *, patient: Any, kind: str) -> LedgerEntry:
    """The entry an earlier submit of this key wrote, if it was the same kind of write."""
    if entry.patient_id != patient.pk or entry.kind != kind:
        raise Refused(
            "This form was already used for another entry; reload the page.",
            fields={"idempotency_key": "used"},
        )
    return entry


def append(
    *,
    clinic: Any,
    patient: Any,
    kind: EntryKind,
    amount_minor: int,
    currency: str,
    key: str,
    **fields: Any,
) -> tuple[LedgerEntry, bool]:
    """Insert one entry; (the entry, True) or, for a key already used, (its entry, False)."""
    earlier = earlier_entry(clinic, key)
    if earlier is not None:
        return same_request(earlier, patient=patient, kind=kind), False
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                clinic=clinic,
                patient=patient,
                kind=kind,
                amount_minor=amount_minor,
                currency=currency,
                idempotency_key=key,
                recorded_at=clock.now(),
                **fields,
            )
    except IntegrityError:
        earlier = earlier_entry(clinic, key)
        if earlier is None:
            raise Refused("This entry has already been reversed.") from None
        return same_request(earlier, patient=patient, kind=kind), False
    return entry, True


def balance_of(entries: Any) -> int:
    """The sum of entries in minor units: what the patient owes (negative: in credit)."""
    return int(entries.aggregate(total=Sum("amount_minor"))["total"] or 0)
