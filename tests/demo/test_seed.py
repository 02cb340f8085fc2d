from __future__ import annotations

import pytest
from django.core.management import call_command

from taut.clinics.models import Clinic, Location, Membership
from taut.demo.seed import seed_demo
from taut.patients.models import Patient


def _snapshot() -> list[tuple[object, ...]]:
    return list(
        Patient.objects.order_by("pk").values_list(
            "given_name", "family_name", "date_of_birth", "phone", "email", "address"
        )
    )


def test_demo_seeds_a_clinic_with_every_role_and_40_patients(db: None) -> None:
    logins = seed_demo(password="x-demo-password")
    clinic = Clinic.objects.get(slug="demo")
    roles = sorted(Membership.objects.filter(clinic=clinic).values_list("role", flat=True))
    assert roles == ["clinician", "clinician", "front_desk", "owner"]
    assert Patient.objects.for_clinic(clinic).count() == 40
    assert Patient.objects.filter(portal_user__username="patient").count() == 1
    assert {login.username for login in logins} == {
        "owner",
        "clinician",
        "clinician2",
        "frontdesk",
        "patient",
    }


def test_demo_is_deterministic(db: None) -> None:
    seed_demo(password="x-demo-password")
    first = _snapshot()
    Patient.objects.all().delete()
    Membership.objects.all().delete()
    Location.objects.all().delete()
    Clinic.objects.all().delete()
    from django.contrib.auth import get_user_model

    get_user_model().objects.all().delete()
    seed_demo(password="x-demo-password")
    assert _snapshot() == first


def test_demo_twice_changes_nothing(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo")
    call_command("demo")
    assert "already there" in capsys.readouterr().out
    assert Patient.objects.count() == 40
