"""The series pages: preview from the care plan, confirm with a choice per conflict; a visit
and all that follow cancelled from the appointment page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from taut.scheduling.models import AppointmentStatus, Series
from tests.conftest import client_for
from tests.scheduling.conftest import THANKSGIVING, TUESDAY, Desk, make_plan


def _data(desk: Desk, **extra: Any) -> dict[str, Any]:
    return {
        "appointment_type": desk.type("initial_evaluation").pk,
        "practitioner": str(desk.world.clinician_a.public_id),
        "weekdays": [TUESDAY.weekday(), THANKSGIVING.weekday()],
        "count": 3,
        "first_day": TUESDAY.isoformat(),
        "time": "10:00",
        **extra,
    }


def test_the_preview_lists_the_conflict_and_books_nothing(desk: Desk) -> None:
    plan = make_plan(desk.world)
    url = reverse("scheduling:plan_series", args=[plan.public_id])
    page = client_for(desk.world.frontdesk_a).post(url, _data(desk))
    assert page.status_code == 200
    assert "holiday or time off" in page.content.decode()
    assert [v.conflict for v in page.context["visits"]][1] == "holiday or time off"
    assert not Series.objects.exists()


def test_confirming_with_skip_books_the_rest_as_a_series(desk: Desk) -> None:
    plan = make_plan(desk.world)
    url = reverse("scheduling:plan_series", args=[plan.public_id])
    client = client_for(desk.world.frontdesk_a)
    response = client.post(url, _data(desk, confirm="yes", **{"choice-2": "skip"}))
    assert response.status_code == 302
    assert Series.objects.get().appointments.count() == 2


def test_the_desk_cancels_a_visit_and_all_following(desk: Desk) -> None:
    plan = make_plan(desk.world)
    client = client_for(desk.world.frontdesk_a)
    url = reverse("scheduling:plan_series", args=[plan.public_id])
    client.post(url, _data(desk, confirm="yes", weekdays=[0], first_day=TUESDAY.isoformat()))
    first, second, third = Series.objects.get().appointments.order_by("starts_at")
    page = client.get(reverse("scheduling:appointment", args=[second.public_id]))
    assert "Cancel this and all following" in page.content.decode()
    client.post(reverse("scheduling:cancel_following", args=[second.public_id]), {"reason": "Away"})
    statuses = [a.status for a in Series.objects.get().appointments.order_by("starts_at")]
    assert statuses == [AppointmentStatus.BOOKED, "cancelled", "cancelled"]
    assert first.starts_at + dt.timedelta(days=7) == second.starts_at


def test_a_clinician_of_another_clinic_cannot_preview(desk: Desk) -> None:
    plan = make_plan(desk.world)
    url = reverse("scheduling:plan_series", args=[plan.public_id])
    assert client_for(desk.world.frontdesk_b).post(url, _data(desk)).status_code == 404
