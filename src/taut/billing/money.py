"""Money in Taut: integer minor units (cents, pence) and the clinic's currency.

The one rounding rule: an amount that falls between two minor units (a typed "12.345", a tax of
7.5 % on 1.99) is rounded half up, away from zero, with `Decimal` arithmetic; never a float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from taut.common.refusals import Invalid


@dataclass(frozen=True)
class Currency:
    code: str
    symbol: str
    name: str
    exponent: int = 2  # every currency Taut offers has two minor digits


CURRENCIES: dict[str, Currency] = {
    c.code: c
    for c in (
        Currency("USD", "$", "US dollar"),
        Currency("CAD", "CA$", "Canadian dollar"),
        Currency("AUD", "A$", "Australian dollar"),
        Currency("GBP", "£", "Pound sterling"),
        Currency("EUR", "€", "Euro"),
    )
}
CURRENCY_CHOICES = [(c.code, f"{c.name} ({c.code})") for c in CURRENCIES.values()]

# The largest amount one entry may carry: ten million in major units, far above any clinic bill
# and far below what a 64-bit column holds, so sums of many entries never overflow.
MAX_MINOR = 10_000_000 * 100
BASIS_POINTS = Decimal(10_000)
# Plain ASCII digits, optional thousands commas, an optional decimal part: "1,200.50".
_AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", re.ASCII)


def currency(code: str) -> Currency:
    try:
        return CURRENCIES[code]
    except KeyError:
        raise Invalid(
            f"{code!r} is not a currency Taut takes.", fields={"currency": code}
        ) from None


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_minor(amount: Decimal, code: str) -> int:
    """Major units (12.50) to minor units (1250), rounded by the one rule."""
    return _round(amount * (10 ** currency(code).exponent))


def parse_amount(text: str, code: str, *, field: str = "amount") -> int:
    """A typed amount in major units to minor units; refuses anything but a positive number."""
    cleaned = (text or "").strip()
    symbol = currency(code).symbol
    if cleaned.startswith(symbol):
        cleaned = cleaned[len(symbol) :].strip()
    if cleaned.startswith("-") and _AMOUNT.fullmatch(cleaned[1:].strip()):
        raise Invalid(f"The {field} must be more than zero.", fields={field: text})
    if not _AMOUNT.fullmatch(cleaned):
        raise Invalid(f"Enter the {field} as a number, such as 45.00.", fields={field: text})
    digits = cleaned.replace(",", "")
    if len(digits.partition(".")[0]) > len(str(MAX_MINOR)):
        raise Invalid(f"The {field} is larger than Taut accepts.", fields={field: text})
    minor = to_minor(Decimal(digits), code)
    check_amount(minor, field=field)
    return minor


def check_amount(minor: int, *, field: str = "amount") -> None:
    if minor <= 0:
        raise Invalid(f"The {field} must be more than zero.", fields={field: str(minor)})
    if minor > MAX_MINOR:
        raise Invalid(
            f"The {field} is larger than Taut accepts for one entry.", fields={field: str(minor)}
        )


def tax_on(minor: int, basis_points: int) -> int:
    """The tax on an amount at a rate in basis points (500 = 5 %), rounded by the one rule."""
    return _round(Decimal(minor) * Decimal(basis_points) / BASIS_POINTS)


def major(minor: int, code: str) -> Decimal:
    return Decimal(minor).scaleb(-currency(code).exponent)


def format_money(minor: int, code: str) -> str:
    """For people: "$1,234.50", "-£3.00"."""
    c = currency(code)
    sign = "-" if minor < 0 else ""
    return f"{sign}{c.symbol}{major(abs(minor), code):,.{c.exponent}f}"


def pro_rata(minor: int, part: int, whole: int) -> int:
    """`part`/`whole` of an amount (a package's unused sessions), rounded by the one rule."""
    return _round(Decimal(minor) * Decimal(part) / Decimal(whole))
