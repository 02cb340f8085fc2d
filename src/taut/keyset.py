"""Keyset pagination: the rows after (or before) a cursor in a fixed order, with no OFFSET and no
COUNT, so the ten-thousandth page of a list costs what its first page costs.

A cursor holds the order values of the last row shown; the next page seeks to it through the
index that serves the order and reads `limit + 1` rows (the extra one says whether there is
more). An order is a list of field names, each with "-" for descending, ending with "pk" so
that every row has exactly one place. Only fields of the model itself can be ordered on.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet, TextField


class InvalidCursor(ValueError):
    """A cursor that no page of this list handed out."""


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next: str | None  # the cursor of the following page; None on the last one
    previous: str | None = None  # the cursor of the page before (when asked for)


def page_after(rows: QuerySet[Any], order: Sequence[str], cursor: str | None, limit: int) -> Page:
    """Up to `limit` rows of `rows` after the cursor (from the start without one)."""
    ordered = rows.order_by(*order)
    if cursor:
        ordered = _beyond(ordered, order, decode(cursor, rows.model, order))
    found = list(ordered[: limit + 1])
    shown = found[:limit]
    following = encode(values_of(shown[-1], order)) if len(found) > limit else None
    earlier = encode(values_of(shown[0], order)) if cursor and shown else None
    return Page(shown, following, earlier)


def page_before(rows: QuerySet[Any], order: Sequence[str], cursor: str, limit: int) -> Page:
    """Up to `limit` rows of `rows` just before the cursor, still in `order`."""
    backwards = [_reversed(field) for field in order]
    found = list(
        _beyond(rows.order_by(*backwards), backwards, decode(cursor, rows.model, order))[
            : limit + 1
        ]
    )
    shown = list(reversed(found[:limit]))
    earlier = encode(values_of(shown[0], order)) if len(found) > limit else None
    following = encode(values_of(shown[-1], order)) if shown else None
    return Page(shown, following, earlier)


def page_across(parts: Sequence[QuerySet[Any]], cursor: str | None, limit: int) -> Page:
    """Up to `limit` rows of several ordered lists read one after the other (a search's closer
    matches, say, then the others). The cursor names the list and the place in it."""
    index, inner = _part_cursor(cursor, len(parts))
    rows: list[Any] = []
    while index < len(parts) and len(rows) < limit:
        part = parts[index]
        page = page_after(part, order_of(part), inner, limit - len(rows))
        rows += page.rows
        if page.next is not None:
            return Page(rows, encode([index, page.next]))
        index, inner = index + 1, None
    more = any(part.exists() for part in parts[index:])
    return Page(rows, encode([index, ""]) if more else None)


def order_of(rows: QuerySet[Any]) -> list[str]:
    """A query set's ordering, as the field (or annotation) names a keyset works with."""
    return [str(field) for field in rows.query.order_by]


def _part_cursor(cursor: str | None, parts: int) -> tuple[int, str | None]:
    if not cursor:
        return 0, None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, UnicodeDecodeError, ValueError) as bad:
        raise InvalidCursor(cursor) from bad
    if not (
        isinstance(raw, list)
        and len(raw) == 2
        and isinstance(raw[0], int)
        and not isinstance(raw[0], bool)
        and 0 <= raw[0] < parts
        and isinstance(raw[1], str)
    ):
        raise InvalidCursor(cursor)
    return raw[0], raw[1] or None


def values_of(row: Model, order: Sequence[str]) -> list[Any]:
    return [getattr(row, field.lstrip("-")) for field in order]


def encode(values: Sequence[Any]) -> str:
    text = json.dumps([str(v) if not isinstance(v, int | str) else v for v in values])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str, model: type[Model], order: Sequence[str]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(order) or not all(map(_storable, raw)):
            raise InvalidCursor(cursor)
        return [
            _field(model, name.lstrip("-")).to_python(value)
            for name, value in zip(order, raw, strict=True)
        ]
    except (binascii.Error, UnicodeDecodeError, ValueError, ValidationError) as bad:
        raise InvalidCursor(cursor) from bad


def _storable(value: Any) -> bool:
    """A value a database column can be compared with (a made-up cursor may hold anything)."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, str) and "\x00" not in value and len(value) <= 200


def _field(model: type[Model], name: str) -> Any:
    """The model field behind an order name; an annotation (a collated search key) is text."""
    if name == "pk":
        return model._meta.pk
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return TextField()


def _reversed(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def _beyond(rows: QuerySet[Any], order: Sequence[str], values: Sequence[Any]) -> QuerySet[Any]:
    """Rows strictly after `values` in `order`: the first field as a range the index can seek
    (a >= x for ascending), then the exact lexicographic condition for the ties."""
    names = [field.lstrip("-") for field in order]
    steps = ["lt" if field.startswith("-") else "gt" for field in order]
    after = Q(**{f"{names[-1]}__{steps[-1]}": values[-1]})
    for name, step, value in reversed(list(zip(names[:-1], steps[:-1], values[:-1], strict=True))):
        after = Q(**{f"{name}__{step}": value}) | (Q(**{name: value}) & after)
    seek = Q(**{f"{names[0]}__{steps[0]}e": values[0]})
    return rows.filter(seek & after)
