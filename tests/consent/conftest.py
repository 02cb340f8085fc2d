"""Consent tests run on the fixed clinic clock, and read signed PDFs back as text."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from taut.audit.models import AuditEntry

DOCUMENT_POST = {
    "kind": "general",
    "title": "Consent to dry needling",
    "introduction": "What dry needling is.",
    "techniques": ["superficial", "deep"],
    "alternatives": "Exercise.",
}


@pytest.fixture(autouse=True)
def _fixed_clock(clinic_clock: Any) -> None:
    """Signing and publishing stamp the clock's time; every consent test reads a fixed one."""


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with whitespace collapsed, as a reader of the printed copy sees it."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def audit_entries(object_id: object) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_id=str(object_id)).order_by("pk"))
