"""The API's one error shape, and the one map from exceptions to it.

Every failure answers `{"error": {"code", "message", "fields"}}` with JSON, never HTML: the handlers
below are installed on the NinjaAPI, and `not_found` answers unknown paths under /api/.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from taut.api.tokens import TOKEN_PREFIX
from taut.common.refusals import Refused

logger = logging.getLogger("taut.api")

CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    429: "rate_limited",
    500: "server_error",
}
NON_FIELD = "__all__"


class ApiError(Exception):
    """An API failure with its status, code and message; services never raise it."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.fields = {key: list(messages) for key, messages in (fields or {}).items()}
        self.headers = dict(headers or {})


def error_body(
    code: str, message: str, fields: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": dict(fields or {})}}


def error_response(error: ApiError) -> HttpResponse:
    response = JsonResponse(
        error_body(error.code, error.message, error.fields), status=error.status
    )
    for name, value in error.headers.items():
        response[name] = value
    if error.status == 401:
        response["WWW-Authenticate"] = f'Bearer realm="{TOKEN_PREFIX}"'
    return response


def refusal_error(refusal: Refused) -> ApiError:
    """Every service refusal (taut.common.refusals): its status, its code, its reasons; a reason
    that belongs to one input is listed under that field."""
    fields = {name: [reason] for name, reason in refusal.fields.items()}
    return ApiError(refusal.status, refusal.message, code=refusal.code, fields=fields)


def form_fields(form: Any) -> dict[str, list[str]]:
    """A Django form's errors as {field: [messages]} (`__all__` for the whole form)."""
    return {
        field: [str(message) for message in messages] for field, messages in form.errors.items()
    }


def validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Pydantic's error list as {field: [messages]}; the source (body, query, path) is dropped."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] in {"body", "query", "path", "header", "cookie", "form"}:
            source, location = location[0], location[1:]
            if source == "body" and location:
                location = location[1:]  # the operation's parameter name, e.g. "payload"
        key = ".".join(location) or NON_FIELD
        fields.setdefault(key, []).append(str(error.get("msg", "Not valid.")))
    return fields


def _handlers() -> list[tuple[type[Exception], Callable[[Exception], ApiError]]]:
    def validation(exc: Exception) -> ApiError:
        assert isinstance(exc, NinjaValidationError)  # noqa: S101
        return ApiError(
            422, "The request is not valid.", fields=validation_fields(list(exc.errors))
        )

    def http_error(exc: Exception) -> ApiError:
        assert isinstance(exc, HttpError)  # noqa: S101
        status = exc.status_code
        message = str(exc)
        if status == 400 and message == "Cannot parse request body":
            message = "The request body is not valid JSON."
        return ApiError(status, message)

    def refused(exc: Exception) -> ApiError:
        assert isinstance(exc, Refused)  # noqa: S101
        return refusal_error(exc)

    return [
        (ApiError, lambda exc: exc),  # type: ignore[return-value,arg-type]
        (NinjaValidationError, validation),
        (
            AuthenticationError,
            lambda exc: ApiError(401, "Send a valid API token: Authorization: Bearer <token>."),
        ),
        (HttpError, http_error),
        (Http404, lambda exc: ApiError(404, str(exc) or "Not found.")),
        (PermissionDenied, lambda exc: ApiError(403, str(exc) or "Your role does not allow this.")),
        (Refused, refused),
    ]


def install(api: NinjaAPI) -> None:
    """Install the map on the API: each exception class answers with the error shape."""
    for exception, to_error in _handlers():
        api.add_exception_handler(exception, _handler(to_error))

    def server_error(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("API request failed: %s %s", request.method, request.path, exc_info=exc)
        return error_response(ApiError(500, "Something went wrong on our side; it is logged."))

    api.add_exception_handler(Exception, server_error)


def _handler(
    to_error: Callable[[Exception], ApiError],
) -> Callable[[HttpRequest, Any], HttpResponse]:
    def handle(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(to_error(exc))

    return handle


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Unknown paths under /api/ answer in the error shape too, not with the HTML 404 page."""
    return error_response(ApiError(404, "There is no such API path."))
