"""Schemathesis fuzzes every operation of the OpenAPI document against the live WSGI app.

Each operation gets valid (positive) and schema-violating (negative) cases, half of them aimed at
real records of clinic A (a patient, an open session, a consent), the rest at random ids. Every
response must be a non-5xx that the document describes: its status, content type and body schema;
invalid input must be refused. The number of cases per operation and mode is TAUT_FUZZ_EXAMPLES
(a small bound here, so the run takes about a minute; `make fuzz` runs a long one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import make_token
from tests.api.test_scoping import OPERATIONS
from tests.clinics.test_scoping import PARAMETER_FACTORIES
from tests.conftest import World

EXAMPLES = int(os.environ.get("TAUT_FUZZ_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Django closes the database connection after each WSGI request; the test's transaction
    lives on that connection, so (as Django's own test client does) keep it open meanwhile."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@cache
def openapi() -> Any:
    from taut.clinic.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "path"),
    [(method, path) for _, method, path, _ in OPERATIONS],
    ids=[f"{method} {name}" for name, method, _, _ in OPERATIONS],
)
def test_the_api_answers_every_generated_request_as_documented(
    world: World, keep_test_connection: None, method: str, path: str
) -> None:
    secret = make_token(world.clinician_a)[1]
    real = {
        name: factory(world)
        for name, factory in PARAMETER_FACTORIES.items()
        if f"{{{name}}}" in path
    }
    operation = openapi()[path][method]
    statuses: list[int] = []

    headers = {"Authorization": f"Bearer {secret}"}
    raw = operation.definition.raw
    takes_input = bool(raw.get("parameters")) or "requestBody" in raw
    # An operation that takes no input (GET /practitioners) has nothing to make invalid.
    modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if takes_input else [])
    for mode in modes:
        cases = operation.as_strategy(generation_mode=mode, headers=headers)
        if real and mode is GenerationMode.POSITIVE:
            # Half the valid cases name real records, so operations get past their lookups.
            aimed = operation.as_strategy(
                generation_mode=mode, headers=headers, path_parameters=real
            )
            cases = st.one_of(cases, aimed)
        _fuzz(cases, statuses)
    assert statuses, "no case was sent"


def _fuzz(cases: st.SearchStrategy[Any], statuses: list[int]) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def run(case: Any) -> None:
        response = case.call_and_validate(checks=CHECKS)
        statuses.append(response.status_code)

    run()
