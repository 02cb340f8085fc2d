"""Import & export in real Chromium: the front desk imports a CSV with one bad row (mapping, dry
run, skipping the bad row), and the owner starts a FHIR export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from taut.interop.models import ExportJob
from taut.patients.models import Patient
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import serious_accessibility_violations, sign_in

pytestmark = pytest.mark.e2e

CSV = (
    "Vorname,Nachname,Geburtsdatum,Telefon\n"
    "Lise,Meitner,07/11/1978,+43 1 555 0100\n"
    "Otto,Hahn,31/02/1979,\n"
)


def test_the_front_desk_imports_patients_from_csv_skipping_a_bad_row(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any, tmp_path: Path
) -> None:
    base = live_server.url
    upload = tmp_path / "patients.csv"
    upload.write_text(CSV, encoding="utf-8")
    sign_in(page, base, "frontdesk_a", PASSWORD)
    page.wait_for_url(f"{base}/patients/")
    page.get_by_role("link", name="Import & export").click()
    expect(page.get_by_role("heading", name="Import patients")).to_be_visible()
    page.get_by_label("Patients from CSV").check()
    page.get_by_label("File").set_input_files(str(upload))
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Upload and check").click()

    # German headers are not recognised: the mapping step asks for the columns.
    expect(page.get_by_text("Choose the columns for the given name")).to_be_visible()
    page.get_by_label("Given name (required)").select_option("Vorname")
    page.get_by_label("Family name (required)").select_option("Nachname")
    page.get_by_label("Date of birth (required)").select_option("Geburtsdatum")
    page.get_by_label("Phone").select_option("Telefon")
    page.get_by_label("Dates of birth are written as").select_option("dmy")
    page.get_by_role("button", name="Check the rows with this mapping").click()
    expect(page.locator("table")).to_contain_text("is not a date as DD/MM/YYYY")
    assert serious_accessibility_violations(page) == []
    shoot("dry-run")

    page.get_by_role("button", name="Import the patients").click()
    expect(page.get_by_text("Nothing was imported")).to_be_visible()
    page.get_by_label("Import the rows that pass and skip the rows with errors").check()
    page.get_by_role("button", name="Import the patients").click()
    expect(page.get_by_text("Imported 1 patient; refused 1 row with errors.")).to_be_visible()
    shoot("imported")
    assert Patient.objects.filter(family_name="Meitner", clinic=world.clinic_a).count() == 1
    assert not Patient.objects.filter(family_name="Hahn").exists()


def test_the_owner_starts_a_fhir_export(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "owner_a", PASSWORD)
    page.wait_for_url(f"{base}/patients/")
    page.get_by_role("link", name="Import & export").click()
    page.get_by_role("button", name="Start an export").click()
    expect(page.get_by_text("Export queued")).to_be_visible()
    expect(page.locator("table").first).to_contain_text("Queued")
    assert serious_accessibility_violations(page) == []
    shoot("export-queued")
    assert ExportJob.objects.filter(clinic=world.clinic_a).count() == 1
