"""Shapes shared by every endpoint: the error body, pagination by cursor, references to people."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import AwareDatetime, BeforeValidator

from taut.api.errors import ApiError
from taut.keyset import InvalidCursor, page_across

MAX_PAGE = 100

# Text a client sends: never a NUL character, which PostgreSQL cannot store.
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]
ShortText = Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")]


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_only(value: Any) -> Any:
    """Dates and moments in ISO 8601 only: pydantic would also read numbers as Unix timestamps,
    which the OpenAPI document (format date, date-time) does not promise."""
    if isinstance(value, date | datetime):
        return value
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("Use ISO 8601, e.g. 2026-11-23 or 2026-11-23T09:30:00Z.")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_only)]
IsoDatetime = Annotated[AwareDatetime, BeforeValidator(_iso_only)]


class ErrorDetail(Schema):
    code: str = Field(description="A stable, machine-readable code, e.g. not_found.")
    message: str = Field(description="What went wrong, in plain words.")
    fields: dict[str, list[str]] = Field(
        description="For validation errors: each field's messages (`__all__` for the whole)."
    )


class ErrorOut(Schema):
    error: ErrorDetail


READ_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 409: ErrorOut}


class PageQuery(Schema):
    limit: int = Field(50, ge=1, le=MAX_PAGE, description=f"At most {MAX_PAGE} items.")
    cursor: str | None = Field(
        None,
        max_length=1000,
        pattern=r"^[A-Za-z0-9_-]*$",
        description="Where the page starts: the `next` of the page before, unchanged. "
        "Leave it out for the first page.",
    )


NextCursor = Annotated[
    str | None,
    Field(description="The `cursor` that asks for the following page; null on the last page."),
]


class UserRef(Schema):
    id: UUID
    name: str


def user_ref(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.public_id, "name": user.display_name}


Row = TypeVar("Row")


def page_of(
    rows: QuerySet[Any] | Sequence[QuerySet[Any]],
    query: PageQuery,
    convert: Callable[[Any], dict[str, Any]],
) -> tuple[dict[str, Any], list[Any]]:
    """One page of an ordered query set (or of ordered parts read one after the other, as a
    patient search gives) as {limit, next, items}, and the rows on it. The page is found by its
    cursor in the rows' own order (which ends with the primary key), with no OFFSET and no COUNT,
    so a deep page costs what the first one does."""
    parts = [rows] if isinstance(rows, QuerySet) else list(rows)
    try:
        page = page_across(parts, query.cursor, query.limit)
    except InvalidCursor as bad:
        raise ApiError(
            422,
            "The cursor is not one this list handed out.",
            fields={"cursor": ["Use the `next` of the page before, unchanged."]},
        ) from bad
    body = {"limit": query.limit, "next": page.next, "items": [convert(row) for row in page.rows]}
    return body, page.rows


def ids(values: Iterable[Any]) -> list[str]:
    """Distinct ids in first-seen order, as strings for the audit log."""
    return list(dict.fromkeys(str(value) for value in values))
