"""The frozen PDF holds exactly what was signed: read back, it names the version and the rates."""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfReader

from tests.conftest import World, publish_consent_document, sign_consent


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_signed_pdf_contains_the_version_the_rates_and_the_signer(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    consent = sign_consent(world.patient_a, document, world.frontdesk_a)
    text = " ".join(_text(bytes(consent.pdf)).split())
    assert "version 1" in text
    assert "7,629" in text and "20,464" in text  # Brady 2014 and Boyce 2020 denominators
    assert "Ada Lovelace" in text
    assert "Often quoted on consent forms" in text  # the clinic asked for the template figures
    assert hashlib.sha256(bytes(consent.pdf)).hexdigest() == consent.pdf_sha256


def test_a_later_document_version_does_not_change_an_earlier_signed_pdf(world: World) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    consent = sign_consent(world.patient_a, first, world.frontdesk_a)
    before = bytes(consent.pdf)
    publish_consent_document(world.clinic_a, world.owner_a, requires_reconsent=True)
    consent.refresh_from_db()
    assert bytes(consent.pdf) == before
    assert "version 1" in " ".join(_text(before).split())
