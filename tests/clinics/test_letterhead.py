"""Issue #14, part 4: every PDF carries the clinic (name, address, phone, logo) and shows its name
as written: "&", "<" and quotes are never printed as HTML entities (the footer once read
"Flatirons Dry Needling &amp; Physiotherapy", escaped twice inside the style sheet)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from pypdf import PdfReader

from taut.charting.documents import document_pdf
from taut.clinics.logo import logo_from_upload
from taut.clinics.services import clinic_logo_set
from taut.outcomes.documents import document_pdf as outcome_pdf
from taut.outcomes.selectors.patient_course import patient_outcomes
from tests.conftest import World, publish_consent_document, sign_consent
from tests.outcomes.conftest import History

NAME = 'Smith & Jones <Physio> "Best" Rehab'
ESCAPED = ("&amp;", "&lt;", "&gt;", "&quot;", "&#")


def pdf_pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def every_pdf(world: World) -> dict[str, bytes]:
    clinic = world.clinic_a
    clinic.name, clinic.address, clinic.phone = NAME, "12 High Street\nBoulder", "(303) 555-0199"
    clinic.save()
    history = History(clinic, world.owner_a)
    session = history.session(world.patient_a, date(2026, 1, 5), clinician=world.clinician_a)
    history.session(world.patient_a, date(2026, 1, 12), clinician=world.clinician_a, nprs=4)
    consent = sign_consent(
        world.patient_a, publish_consent_document(clinic, world.owner_a), world.frontdesk_a
    )
    outcomes = patient_outcomes(patient=world.patient_a)
    return {
        "consent": bytes(consent.pdf),
        **{kind: document_pdf(session, kind) for kind in ("note", "aftercare", "superbill")},
        **{
            kind: outcome_pdf(outcomes, kind, author=world.clinician_a, today=date(2026, 1, 12))
            for kind in ("progress", "discharge")
        },
    }


def test_every_pdf_shows_the_clinic_name_as_written_on_every_page(
    every_pdf: dict[str, bytes],
) -> None:
    for kind, pdf in every_pdf.items():
        for number, text in enumerate(pdf_pages(pdf), start=1):
            assert not [e for e in ESCAPED if e in text], f"{kind} page {number}: {text[-200:]}"
            assert text.count(NAME) >= 1, f"{kind} page {number} lacks the clinic in its footer"
        first = pdf_pages(pdf)[0]
        assert "12 High Street" in first and "(303) 555-0199" in first, kind


def test_the_footer_numbers_the_pages_after_the_clinic_and_the_document(
    every_pdf: dict[str, bytes],
) -> None:
    pages = pdf_pages(every_pdf["consent"])
    assert len(pages) >= 2
    assert f"{NAME} · Consent to dry needling (version " in pages[-1]
    assert pages[-1].endswith(f"page {len(pages)} of {len(pages)}")


def test_a_logo_is_drawn_on_every_pdf_once_uploaded(world: World) -> None:
    out = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 30, 30)).save(out, format="PNG")
    clinic_logo_set(
        request=None,
        actor=world.owner_a,
        clinic=world.clinic_a,
        logo=logo_from_upload(out.getvalue()),
    )
    history = History(world.clinic_a, world.owner_a)
    session = history.session(world.patient_a, date(2026, 1, 5), clinician=world.clinician_a)
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.frontdesk_a
    )
    assert image_count(bytes(consent.pdf)) >= 1
    for kind in ("note", "aftercare", "superbill"):
        assert image_count(document_pdf(session, kind)) >= 1, kind
