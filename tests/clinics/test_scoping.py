"""Every URL, asked by clinic B's staff about clinic A's records, answers 404.

The test walks the whole URL configuration, so a new view that forgets the shared scoping fails
here. A URL parameter it does not know how to fill fails the test too: teach it below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from taut.clinics.models import Membership
from tests.conftest import World, client_for

# How to fill each URL parameter with a record of clinic A.
PARAMETER_FACTORIES: dict[str, Callable[[World], str]] = {
    "patient_id": lambda w: str(w.patient_a.public_id),
    "user_id": lambda w: str(w.clinician_a.public_id),
}
# Parameters that are not record ids (Django's own password-reset tokens).
NOT_RECORD_PARAMETERS = {"uidb64", "token"}


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from walk(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def record_routes() -> list[tuple[str, list[str]]]:
    routes = []
    for name, pattern in walk(get_resolver().url_patterns):
        params = sorted(pattern.pattern.regex.groupindex)
        if params and not set(params) <= NOT_RECORD_PARAMETERS:
            routes.append((name, params))
    return routes


def test_every_record_route_is_covered_by_a_parameter_factory() -> None:
    unknown = {p for _, params in record_routes() for p in params} - set(PARAMETER_FACTORIES)
    assert not unknown, f"teach tests/clinics/test_scoping.py to fill: {sorted(unknown)}"


def test_there_are_record_routes_to_check() -> None:
    assert len(record_routes()) >= 5


@pytest.mark.parametrize(("name", "params"), record_routes(), ids=[r[0] for r in record_routes()])
def test_clinic_b_staff_get_404_for_clinic_a_records(
    world: World, name: str, params: list[str]
) -> None:
    """Staff whose role grants the view get 404; the others are refused (403) before any lookup."""
    url = reverse(name, kwargs={p: PARAMETER_FACTORIES[p](world) for p in params})
    permission = getattr(resolve(url).func, "taut_permission", None)
    assert permission is not None, f"{name} is not behind staff_required(...)"
    checked = 0
    for membership in Membership.objects.filter(clinic=world.clinic_b):
        client = client_for(membership.user)
        statuses = {client.get(url).status_code, client.post(url, {}).status_code}
        if membership.may(permission):
            checked += 1
            assert 404 in statuses and statuses <= {404, 405}, f"{url} as {membership.role}"
        else:
            assert statuses <= {403, 405}, f"{url} as {membership.role}: {statuses}"
    assert checked, f"no role of clinic B may use {name}; the test proves nothing for it"


def test_clinic_a_records_are_reachable_by_clinic_a_staff(world: World) -> None:
    url = reverse("patients:detail", kwargs={"patient_id": world.patient_a.public_id})
    assert client_for(world.frontdesk_a).get(url).status_code == 200
