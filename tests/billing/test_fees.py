"""Which fee applies: the most specific fee in effect on the date of service."""

from __future__ import annotations

from datetime import date
from typing import Any

from taut.billing.fees import FeeRow, Service, resolve_fee

JAN, JUN, DEC = date(2026, 1, 1), date(2026, 6, 1), date(2026, 12, 31)
VISIT = Service(on=date(2026, 7, 1), code="20560", location_id=1, practitioner_id=7)


def fee(amount: int, *, since: date = JAN, **extra: Any) -> FeeRow:
    return FeeRow(amount_minor=amount, effective_from=since, code="20560", **extra)


def test_the_clinic_wide_fee_applies_when_nothing_narrower_exists() -> None:
    assert resolve_fee([fee(6000)], VISIT) == fee(6000)


def test_a_practitioners_fee_beats_a_locations_which_beats_the_clinics() -> None:
    fees = [fee(6000), fee(6500, location_id=1), fee(7000, practitioner_id=7)]
    assert resolve_fee(fees, VISIT).amount_minor == 7000  # type: ignore[union-attr]
    both = [*fees, fee(7500, location_id=1, practitioner_id=7)]
    assert resolve_fee(both, VISIT).amount_minor == 7500  # type: ignore[union-attr]


def test_fees_for_another_location_or_practitioner_do_not_apply() -> None:
    fees = [fee(6000), fee(9000, location_id=2), fee(9500, practitioner_id=8)]
    assert resolve_fee(fees, VISIT).amount_minor == 6000  # type: ignore[union-attr]


def test_among_equally_specific_fees_the_latest_in_effect_wins() -> None:
    fees = [fee(6000), fee(6600, since=JUN)]
    assert resolve_fee(fees, VISIT).amount_minor == 6600  # type: ignore[union-attr]
    before_june = Service(on=date(2026, 5, 31), code="20560")
    assert resolve_fee(fees, before_june).amount_minor == 6000  # type: ignore[union-attr]


def test_an_ended_fee_no_longer_applies_but_applies_on_its_last_day() -> None:
    ended = fee(6000, effective_to=JUN)
    assert resolve_fee([ended], Service(on=JUN, code="20560")) == ended
    assert resolve_fee([ended], Service(on=DEC, code="20560")) is None


def test_a_fee_not_yet_in_effect_does_not_apply() -> None:
    assert resolve_fee([fee(6000, since=DEC)], VISIT) is None


def test_a_code_fee_never_prices_an_appointment_type_and_back() -> None:
    typed = FeeRow(amount_minor=4000, effective_from=JAN, appointment_type_id=3)
    visit = Service(on=JUN, appointment_type_id=3)
    assert resolve_fee([fee(6000), typed], visit) == typed
    assert resolve_fee([typed], Service(on=JUN, code="20560")) is None
    assert resolve_fee([typed], Service(on=JUN, appointment_type_id=4)) is None
