"""FHIR search parameter values -> query conditions (https://hl7.org/fhir/R4/search.html).

Each kind of parameter (date, reference, token, string) turns one value, with its prefix or
modifier, into a Django `Q` over the field it searches. A value that cannot be read raises
`SearchError`, which the views answer with a 400 OperationOutcome naming the parameter.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from taut.patients.normalise import name_key

DATE_PREFIXES = ("eq", "ne", "lt", "le", "gt", "ge")
NOTHING = Q(pk__in=[])
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class SearchError(ValueError):
    """A search the server cannot run: names the parameter and why (answered with 400)."""

    def __init__(self, parameter: str, reason: str) -> None:
        self.parameter = parameter
        super().__init__(f"Search parameter '{parameter}': {reason}")


@dataclass(frozen=True)
class Bounds:
    """The instants a FHIR date value covers: from `start` (included) to `end` (excluded)."""

    start: datetime
    end: datetime


def _next_month(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)


def date_bounds(parameter: str, text: str, zone: ZoneInfo) -> Bounds:
    """A date of any FHIR precision (year, month, day, or an instant); dates without a zone are
    read in the clinic's zone."""
    found = _DATE.match(text)
    if found is None:
        try:
            instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as bad:
            raise SearchError(parameter, f"'{text}' is not a FHIR date or dateTime.") from bad
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=zone)
        return Bounds(instant, instant + timedelta(seconds=1))
    year, month, day = (int(part) if part else None for part in found.groups())
    assert year is not None  # noqa: S101 - the pattern requires it
    try:
        if month is None:
            first, after = date(year, 1, 1), date(year + 1, 1, 1)
        elif day is None:
            first, after = date(year, month, 1), _next_month(year, month)
        else:
            first = date(year, month, day)
            after = first + timedelta(days=1)
    except ValueError as bad:
        raise SearchError(parameter, f"'{text}' is not a calendar date.") from bad
    return Bounds(datetime.combine(first, time(), zone), datetime.combine(after, time(), zone))


def date_condition(parameter: str, field: str, value: str, zone: ZoneInfo, *, day: bool) -> Q:
    """`field` against a prefixed date (eq, ne, lt, le, gt, ge); `day` for a DateField."""
    prefix, text = (value[:2], value[2:]) if value[:2] in DATE_PREFIXES else ("eq", value)
    bounds = date_bounds(parameter, text, zone)
    start: date | datetime = bounds.start
    end: date | datetime = bounds.end
    if day:
        start = bounds.start.date()
        end = bounds.end.date() if bounds.end.time() == time() else bounds.start.date()
        end = max(end, start + timedelta(days=1))
    within = Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return {
        "eq": within,
        "ne": ~within,
        "lt": Q(**{f"{field}__lt": start}),
        "le": Q(**{f"{field}__lt": end}),
        "gt": Q(**{f"{field}__gte": end}),
        "ge": Q(**{f"{field}__gte": start}),
    }[prefix]


def reference_id(parameter: str, value: str, resource_type: str) -> uuid.UUID | None:
    """The id in `123`, `Patient/123` or `https://.../Patient/123`; None for another type."""
    parts = value.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] != resource_type:
        return None
    try:
        return uuid.UUID(parts[-1])
    except ValueError:
        return None


def reference_condition(parameter: str, field: str, value: str, resource_type: str) -> Q:
    """A reference to a resource whose id is its record's public id (`field` is the FK)."""
    public_id = reference_id(parameter, value, resource_type)
    return Q(**{f"{field}__public_id": public_id}) if public_id else NOTHING


def token(value: str) -> tuple[str | None, str]:
    """`system|code`, `|code` (no system) or `code` (any system) -> (system, code)."""
    if "|" not in value:
        return None, value
    system, code = value.split("|", 1)
    return system, code


def string_condition(fields: tuple[str, ...], value: str, modifier: str) -> Q:
    """FHIR string search over name keys (lower case, no accents): starts a word by default,
    `:contains` anywhere, `:exact` the whole (case and accents as written, on the raw fields)."""
    condition = Q()
    if modifier == "exact":
        for field in fields:
            condition |= Q(**{field.removesuffix("_key") + "_name": value})
        return condition
    key = name_key(value)
    for field in fields:
        if modifier == "contains":
            condition |= Q(**{f"{field}__contains": key})
        else:
            condition |= Q(**{f"{field}__startswith": key}) | Q(**{f"{field}__contains": " " + key})
    return condition


def any_of(values: list[str], condition: Any) -> Q:
    """A comma-separated value: a match for any one of them."""
    combined = NOTHING
    for value in values:
        combined |= condition(value)
    return combined
