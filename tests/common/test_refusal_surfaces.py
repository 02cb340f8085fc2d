"""One refusal, three surfaces: the pages, the REST API and FHIR each map it in one place."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from taut.api.errors import error_response, refusal_error
from taut.charting.finality import SIGNED_NOTE_FINAL, SignedNoteFinal
from taut.charting.services import SessionRefused
from taut.common.refusal_pages import RefusalMiddleware
from taut.common.refusals import Invalid, NotFound, Refused
from taut.interop.fhir.everything import refusal_outcome
from taut.patients.services import PatientError
from taut.scheduling.services import BookingRefused
from tests.interop.conftest import validate

SERVICE_REFUSALS = (SessionRefused, SignedNoteFinal, BookingRefused, PatientError)


@pytest.mark.parametrize("kind", SERVICE_REFUSALS)
def test_every_service_refusal_shares_the_one_base(kind):
    assert issubclass(kind, Refused)


def test_the_api_answers_a_refusal_with_409_and_its_words():
    response = error_response(refusal_error(SignedNoteFinal()))
    body = json.loads(response.content)
    assert response.status_code == 409
    assert body == {"error": {"code": "refused", "message": SIGNED_NOTE_FINAL, "fields": {}}}


def test_the_api_lists_a_reason_under_the_field_it_belongs_to():
    refusal = Invalid(["Phone: too short."], fields={"phone": "Phone: too short."})
    body = json.loads(error_response(refusal_error(refusal)).content)
    assert body["error"]["code"] == "validation_error"
    assert body["error"]["fields"] == {"phone": ["Phone: too short."]}


@pytest.mark.parametrize(
    ("refusal", "issue"),
    [
        (SignedNoteFinal(), "business-rule"),
        (Invalid("Bad."), "invalid"),
        (NotFound("Gone."), "not-found"),
    ],
)
def test_fhir_answers_a_valid_operation_outcome_typed_by_the_refusal(refusal, issue):
    outcome = validate(refusal_outcome(refusal))
    assert [i["code"] for i in outcome["issue"]] == [issue]
    assert outcome["issue"][0]["diagnostics"] == refusal.reasons[0]


def test_fhir_gives_each_reason_its_own_issue():
    outcome = refusal_outcome(BookingRefused(["Too late.", "Too far."]))
    assert [i["diagnostics"] for i in outcome["issue"]] == ["Too late.", "Too far."]


@pytest.mark.django_db
def test_a_refusal_that_leaves_a_view_becomes_the_refusal_fragment_with_its_status():
    request = RequestFactory().post("/anything/")
    request.htmx = True  # type: ignore[attr-defined]
    middleware = RefusalMiddleware(lambda request: pytest.fail("not called"))
    response = middleware.process_exception(request, NotFound("That booking is gone."))
    assert response is not None and response.status_code == 404
    assert "That booking is gone." in response.content.decode()


def test_the_middleware_leaves_other_errors_alone():
    middleware = RefusalMiddleware(lambda request: pytest.fail("not called"))
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("bug")) is None
