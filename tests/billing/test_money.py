"""Money arithmetic: minor units, the one rounding rule, formatting for readers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from taut.billing.money import MAX_MINOR, format_money, parse_amount, tax_on, to_minor
from taut.common.refusals import Invalid


def test_half_a_minor_unit_rounds_up() -> None:
    assert to_minor(Decimal("12.345"), "USD") == 1235
    assert to_minor(Decimal("12.344"), "USD") == 1234
    assert to_minor(Decimal("-0.005"), "EUR") == -1  # half away from zero


def test_tax_is_rounded_half_up_in_basis_points() -> None:
    assert tax_on(199, 750) == 15  # 7.5 % of 1.99 = 0.14925
    assert tax_on(1000, 500) == 50
    assert tax_on(10, 500) == 1  # 0.5 cent rounds up
    assert tax_on(5000, 0) == 0


@pytest.mark.parametrize(
    ("minor", "code", "shown"),
    [
        (123450, "USD", "$1,234.50"),
        (-300, "GBP", "-£3.00"),
        (5, "EUR", "€0.05"),
        (9900, "CAD", "CA$99.00"),
        (9900, "AUD", "A$99.00"),
    ],
)
def test_amounts_read_with_the_currency_symbol(minor: int, code: str, shown: str) -> None:
    assert format_money(minor, code) == shown


def test_typed_amounts_become_minor_units() -> None:
    assert parse_amount(" 45 ", "USD") == 4500
    assert parse_amount("$1,200.5", "USD") == 120050
    assert parse_amount("1200.505", "USD") == 120051
    assert parse_amount("£12.345", "GBP") == 1235


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "abc",
        "-5",
        "0",
        "0.004",
        "NaN",
        "Infinity",
        "1e30",
        "12,34.5.6",
        "١٢",
        "1 000",
        "9" * 400,
    ],
)
def test_hostile_amounts_are_refused_with_the_field_named(typed: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_amount(typed, "USD")
    assert "amount" in refused.value.fields


def test_the_largest_entry_is_accepted_and_one_more_is_not() -> None:
    assert parse_amount(str(MAX_MINOR // 100), "USD") == MAX_MINOR
    with pytest.raises(Invalid):
        parse_amount(str(MAX_MINOR // 100 + 1), "USD")


def test_an_unknown_currency_is_refused() -> None:
    with pytest.raises(Invalid):
        format_money(100, "JPY")
