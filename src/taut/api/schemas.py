"""Shapes shared by every endpoint: the error body, pagination by cursor, references to people."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    JsonValue,
    ModelWrapValidatorHandler,
    ValidationInfo,
    model_validator,
)

from taut.api.errors import ApiError
from taut.keyset import InvalidCursor, page_across

MAX_PAGE = 100

# Text a client sends: never a NUL character, which PostgreSQL cannot store.
Text = Annotated[str, Field(pattern=r"^[^\x00]*$")]
ShortText = Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")]

# The patterns below state in the OpenAPI document what the pages' forms and the services check,
# so that a body valid by the document is not refused for its form (pydantic enforces them before
# any service runs). Each is the server's rule or a little stricter, never looser. Python's strip()
# and split() also take \x1c-\x1f for spaces, which JSON Schema's \s does not: hence the ranges.
REQUIRED_TEXT = r"^[^\x00]*[^\s\x00-\x1f][^\x00]*$"  # something besides spaces
NAME = r"^[^\x00<>{}]*[^\s\x00-\x1f<>{}][^\x00<>{}]*$"  # as the patient form: no < > { }
PHONE = r"^ *(\+?[0-9()\-.][0-9 ()\-.]{4,28}[0-9()\-.])? *$"  # 6-30 digits and marks, or none
EMAIL = (  # what Django's EmailValidator takes, narrowed to ASCII; or nothing
    r"^$|^[A-Za-z0-9_%+\-]+(\.[A-Za-z0-9_%+\-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def choice_of(values: list[str], what: str) -> Any:
    """Field metadata for text that must be one of `values`: listed as the document's enum,
    enforced by pydantic with a message naming `what`."""

    def known(value: str) -> str:
        if value not in values:
            raise ValueError(f"Not a known {what}; use one of: {', '.join(values)}.")
        return value

    listed: list[JsonValue] = list(values)
    return (Field(json_schema_extra={"enum": listed}), AfterValidator(known))


RequiredText = Annotated[str, Field(min_length=1, pattern=REQUIRED_TEXT)]
PersonName = Annotated[str, Field(min_length=1, max_length=100, pattern=NAME)]
Phone = Annotated[str, Field(max_length=40, pattern=PHONE)]
Email = Annotated[str, Field(max_length=254, pattern=EMAIL)]


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


class BodyIn(Schema):
    """A request body: a JSON object and nothing else. (django-ninja reads a schema's fields as
    attributes of whatever arrives, so without this an array or a number is an empty body and a
    PATCH of `[...]` "succeeds" doing nothing.)"""

    @model_validator(mode="wrap")
    @classmethod
    def _a_json_object(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        if not isinstance(values, dict | Schema):
            raise ValueError("The request body must be a JSON object.")
        return handler(values)


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
