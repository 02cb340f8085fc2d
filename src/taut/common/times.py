"""How Taut writes a time for a person to read: in the clinic's (or location's) zone, always with
the zone's abbreviation, e.g. "3 Dec 2026, 09:15 MST".

Templates use the `when` filter (a builtin, no `{% load %}` needed); it converts to the time zone
that is active (the middleware's, or an enclosing `{% timezone %}`). Python code that writes text
(emails, messages, PDFs' filenames) calls `local_text` with the zone it means.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import dateformat, timezone

STYLES = {
    "": "j M Y, H:i T",  # 3 Dec 2026, 09:15 MST
    "long": "l j F Y, H:i T",  # Thursday 3 December 2026, 09:15 MST
    "full": "j F Y, H:i:s T",  # 3 December 2026, 09:15:42 MST
    "day": "j M, H:i T",  # 3 Dec, 09:15 MST
    "time": "H:i T",  # 09:15 MST
}
OPENS = r"H:i T \o\n j F"  # 09:15 MST on 3 December

register = template.Library()


def _format(style: str) -> str:
    pattern = STYLES.get(style, style)
    return pattern if "T" in pattern else f"{pattern} T"


def _written(value: dt.datetime, style: str) -> str:
    """Django leaves `T` empty for a local time the clocks make ambiguous (the hour that happens
    twice in autumn), the one time a reader needs it most; the datetime itself knows (its fold),
    so its own abbreviation goes into the pattern as escaped literal text."""
    abbreviation = "".join(f"\\{char}" for char in (value.tzname() or ""))
    pattern, escaped = [], False
    for char in _format(style):
        if char == "T" and not escaped:
            pattern.append(abbreviation)
        else:
            pattern.append(char)
        escaped = char == "\\" and not escaped
    return dateformat.format(value, "".join(pattern))


def local_text(value: dt.datetime, zone: dt.tzinfo, style: str = "") -> str:
    """`value` as read where `zone` is, with the zone's abbreviation."""
    return _written(value.astimezone(zone), style)


@register.filter(expects_localtime=True)
def when(value: object, style: str = "") -> str:
    """An aware datetime in the active time zone: `{{ note.signed_at|when }}`,
    `{{ alert.opened_at|when:"long" }}`; a style not listed is a date format, given the zone."""
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        raise TypeError(f"`when` writes datetimes; use `date` for {type(value).__name__} values.")
    if timezone.is_naive(value):
        raise ValueError("Taut stores aware datetimes only; a naive one has no zone to show.")
    return _written(value, style)
