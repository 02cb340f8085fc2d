"""One base for every "no" a service gives, mapped to words and status codes in one place each.

A service raises `Refused` (or a subclass named for its concern) with every reason, in words for
the person who asked, and, where a reason belongs to one input, the field it belongs to. Views show
the reasons as messages or beside the fields; the REST API answers 409 (422 for `Invalid`) with its
error shape; FHIR answers an OperationOutcome. Services never raise HTTP errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class Refused(Exception):
    """The action may not go ahead, for these reasons; nothing was written."""

    status = 409
    code = "refused"

    def __init__(
        self, reasons: Iterable[str] | str, *, fields: Mapping[str, str] | None = None
    ) -> None:
        self.reasons: tuple[str, ...] = (reasons,) if isinstance(reasons, str) else tuple(reasons)
        self.fields: dict[str, str] = dict(fields or {})
        super().__init__(" ".join(self.reasons))

    @property
    def message(self) -> str:
        return " ".join(self.reasons)


class Invalid(Refused):
    """The input itself is wrong (a field's value), as opposed to the state of the records."""

    status = 422
    code = "validation_error"


class NotFound(Refused):
    """A record named by the caller does not exist in the caller's clinic."""

    status = 404
    code = "not_found"
