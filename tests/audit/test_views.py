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


def _entries(world: World, n: int) -> list[int]:
    from taut.audit.models import Action
    from taut.audit.services import audit_record

    return [
        audit_record(
            request=None,
            actor=world.clinician_a,
            clinic=world.clinic_a,
            action=Action.VIEW,
            object_type="patient",
            object_id=f"record-{i:03d}",
        ).pk
        for i in range(n)
    ]


def _shown(content: bytes) -> list[str]:
    import re

    return re.findall(r"record-(\d{3})", content.decode())


def test_the_log_pages_back_and_forth_without_page_numbers(world: World) -> None:
    import re

    _entries(world, 120)
    owner = client_for(world.owner_a)
    first = owner.get(reverse("audit:log"))
    assert _shown(first.content)[:2] == ["119", "118"] and len(_shown(first.content)) == 50
    assert b"Newer" not in first.content and b"Page 1 of" not in first.content
    older = re.search(rb"older=([\w-]+)", first.content)
    assert older is not None
    second = owner.get(reverse("audit:log"), {"older": older.group(1).decode()})
    assert _shown(second.content)[0] == "069" and _shown(second.content)[-1] == "020"
    newer = re.search(rb"newer=([\w-]+)", second.content)
    assert newer is not None
    back = owner.get(reverse("audit:log"), {"newer": newer.group(1).decode()})
    assert _shown(back.content) == _shown(first.content)


def test_a_made_up_page_cursor_is_not_found(world: World) -> None:
    page = client_for(world.owner_a).get(reverse("audit:log"), {"older": "not-a-cursor"})
    assert page.status_code == 404


def test_the_date_filter_takes_whole_utc_days(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    _entries(world, 1)
    today = timezone.now().date()
    owner = client_for(world.owner_a)
    shown = owner.get(reverse("audit:log"), {"date_from": today, "date_to": today})
    assert _shown(shown.content) == ["000"]
    earlier = today - timedelta(days=400)
    hidden = owner.get(reverse("audit:log"), {"date_from": earlier, "date_to": earlier})
    assert _shown(hidden.content) == []
