from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from taut.clinics.models import Clinic, Membership
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


def _seed_into_fresh_database(folder: Path) -> list[tuple[object, ...]]:
    env = {**os.environ, "TAUT_VAR_DIR": str(folder), "TAUT_TESTING": "1"}
    env.pop("DATABASE_URL", None)
    for command in (["migrate", "-v0"], ["demo"]):
        subprocess.run(
            [sys.executable, "-m", "taut.cli", *command],
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    with sqlite3.connect(folder / "taut.sqlite3") as db:
        return db.execute(
            "SELECT given_name, family_name, date_of_birth, phone, email, address "
            "FROM patients_patient ORDER BY id"
        ).fetchall()


def test_demo_is_deterministic(tmp_path: Path) -> None:
    first = _seed_into_fresh_database(tmp_path / "one")
    second = _seed_into_fresh_database(tmp_path / "two")
    assert len(first) == 40 and first == second


def test_demo_twice_changes_nothing(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo")
    call_command("demo")
    assert "already there" in capsys.readouterr().out
    assert Patient.objects.count() == 40


def test_demo_patients_stand_at_different_steps_of_the_pathway(db: None) -> None:
    from taut.consent.models import Consent, ConsentDocument
    from taut.screening.models import ScreeningRecord

    seed_demo(password="x-demo-password")
    assert ConsentDocument.objects.count() == 2
    records = ScreeningRecord.objects.all()
    assert records.count() == 6 + 4  # the pathway, and the four outcome histories (demo/outcomes)
    assert records.filter(blocked=True).count() == 1  # the patient with needle phobia
    assert Consent.objects.count() == 5 + 4


def test_demo_has_stock_credentials_and_a_signed_session(db: None) -> None:
    from taut.charting.models import NeedleLot, PractitionerProfile, TreatmentSession

    seed_demo(password="x-demo-password")
    assert NeedleLot.objects.count() == 3
    assert PractitionerProfile.objects.count() == 2
    assert TreatmentSession.objects.count() == 1 + 18  # one pathway session, 18 in the histories
    session = TreatmentSession.objects.order_by("pk").first()
    assert session is not None
    assert session.is_signed and session.billing["codes"][0]["code"] == "20560"


def test_demo_bills_its_signed_sessions_through_the_ledger(db: None) -> None:
    from taut.billing.models import EntryKind, Invoice, InvoiceStatus, LedgerEntry
    from taut.billing.packages import packages_of
    from taut.billing.selectors import invoice_balance, invoice_totals
    from taut.charting.models import TreatmentSession

    seed_demo(password="x-demo-password")
    clinic = Clinic.objects.get(slug="demo")
    invoices = Invoice.objects.for_clinic(clinic)
    assert sorted(invoices.values_list("number", flat=True)) == list(range(1, 22))  # no gaps
    void = invoices.get(status=InvoiceStatus.VOID)
    assert LedgerEntry.objects.filter(invoice=void, kind=EntryKind.REVERSAL).count() == 1
    visits = invoices.filter(session__isnull=False, status=InvoiceStatus.ISSUED)
    balances = [(invoice_balance(i), invoice_totals(i).total) for i in visits]
    assert sum(1 for owed, _ in balances if owed == 0) >= 10  # paid in full
    assert sum(1 for owed, total in balances if 0 < owed < total) >= 3  # part-paid
    oldest = visits.order_by("date_of_service", "number").first()
    assert oldest is not None and invoice_balance(oldest) == invoice_totals(oldest).total
    assert oldest.issued_at is not None
    assert oldest.issued_at.astimezone(clinic.zone).date() == oldest.date_of_service
    unbilled = TreatmentSession.objects.for_clinic(clinic).filter(status="signed")
    assert unbilled.exclude(pk__in=visits.values("session")).count() == 1  # today's, for the desk
    portal = Patient.objects.get(portal_user__username="patient")
    assert [(b.left, b.package.sessions) for b in packages_of(portal)] == [(6, 6)]
