from __future__ import annotations

from django import template

from taut.billing.money import format_money

register = template.Library()


@register.filter
def money(minor: int | None, currency: str) -> str:
    """`{{ entry.amount_minor|money:entry.currency }}` reads "$45.00"."""
    return "" if minor is None else format_money(int(minor), currency)


@register.filter
def money_abs(minor: int | None, currency: str) -> str:
    """The size of an amount, for sentences that say its direction: "in credit by $5.00"."""
    return "" if minor is None else format_money(abs(int(minor)), currency)
