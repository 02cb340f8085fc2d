from __future__ import annotations

from django.urls import reverse

from tests.conftest import World, client_for


def test_the_owner_browses_and_filters_the_log(world: World) -> None:
    client_for(world.clinician_a).get(reverse("patients:detail", args=[world.patient_a.public_id]))
    owner = client_for(world.owner_a)
    page = owner.get(reverse("audit:log"))
    assert page.status_code == 200 and b"clinician_a" in page.content
    filtered = owner.get(reverse("audit:log"), {"action": "create"})
    assert b"clinician_a" not in filtered.content


def test_the_log_shows_only_the_owners_clinic(world: World) -> None:
    client_for(world.clinician_b).get(reverse("patients:detail", args=[world.patient_b.public_id]))
    page = client_for(world.owner_a).get(reverse("audit:log"))
    assert b"clinician_b" not in page.content


def test_a_bad_date_range_is_explained(world: World) -> None:
    page = client_for(world.owner_a).get(
        reverse("audit:log"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert b"The end date is before the start date." in page.content
