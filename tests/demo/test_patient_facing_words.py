"""Issue #14, parts 3 and 4: every page and PDF a patient or a payer of the demo clinic sees speaks
to them. It names no region, muscle, rule or source by its id, carries no research note ("[U]",
"not retrieved", "Taut merges ..."), and shows no HTML entity escaped twice (the demo clinic is
"Flatirons Dry Needling & Physiotherapy").

The demo is seeded as `taut demo` seeds it. The demo patient signs the consent in the portal, and
every patient with a signed session or a consent is given a portal login, so the walk reaches the
documents of a real portal: consent PDFs, aftercare sheets, and the superbill and progress report
that go to payers.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from taut.charting.documents import document_pdf
from taut.charting.models import TreatmentSession
from taut.clinical.knowledge import load_knowledge
from taut.clinical.records import RESEARCH_MARKERS
from taut.clinics.models import Clinic
from taut.consent.models import Consent
from taut.demo.seed import DEMO_SLUG, seed_demo
from taut.outcomes.documents import document_pdf as outcome_pdf
from taut.outcomes.selectors.patient_course import patient_outcomes
from taut.patients.models import Patient
from tests.conftest import SIGNATURE

PASSWORD = "demo-words-password"
ESCAPED = ("&amp;", "&lt;", "&gt;", "&quot;", "&#")
# Seen by a screen reader or on hover, so checked like text.
READ_ATTRIBUTES = {"alt", "aria-label", "title", "placeholder"}


class _Text(HTMLParser):
    """The words of a page as its reader gets them: text and read attributes, entities decoded
    once (as a browser does), scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        self.parts.extend(value for name, value in attrs if name in READ_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def vocabulary() -> set[str]:
    """Ids that cannot be ordinary words: every region, drawing, muscle, rule and site id with an
    underscore or a digit, and every source key with a digit ("Brady14")."""
    k = load_knowledge()
    ids = {
        *(r.id for r in k.regions),
        *(d.id for d in k.drawing_regions),
        *(m.id for m in k.muscles),
        *(r.code for r in k.contraindications),
        *(s.id for s in k.sites),
    }
    words = {i for i in ids if re.search(r"[_\d]", i)}
    keys = {s.key for s in k.sources if re.search(r"\d", s.key)}
    return words | keys


def offences(text: str, ids: set[str]) -> list[str]:
    found = [token for token in re.findall(r"[\w-]+", text) if token in ids]
    lowered = text.lower()
    found += [marker for marker in RESEARCH_MARKERS if marker.lower() in lowered]
    found += re.findall(r"\bTaut\b|\[(?:verified|secondary|unverified)\]", text)
    found += [entity for entity in ESCAPED if entity in text]
    return found


def portal_login(patient: Patient) -> Client:
    if patient.portal_user is None:
        patient.portal_user = get_user_model().objects.create_user(
            username=f"portal-{patient.pk}", password=PASSWORD
        )
        patient.save(update_fields=["portal_user"])
    client = Client()
    client.force_login(patient.portal_user)
    return client


PORTAL_PAGES = (
    "portal:home",
    "portal:intake",
    "portal:consents",
    "portal:aftercare",
    "portal:appointments",
    "portal:messages",
    "portal_diary:home",
    "portal_billing:home",
)
BILLING_PDFS_PER_PATIENT = 3  # an invoice, a receipt, a credit note: each PDF costs time


def portal_documents(client: Client) -> dict[str, str]:
    """Every page and document a patient reaches from the portal, by URL: its text."""
    seen: dict[str, str] = {}
    for name in PORTAL_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        seen[reverse(name)] = page_text(response.content.decode())
    home = client.get(reverse("portal:home")).content.decode()
    for sign in re.findall(r'href="(/portal/consent/sign/[\w-]+/)"', home):
        seen[sign] = page_text(client.get(sign).content.decode())
    for url in re.findall(r'href="(/portal/(?:consent|aftercare)/[^"]*(?:pdf|\.pdf))"', home):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf", url
        seen[url] = pdf_text(response.content)
    bills = client.get(reverse("portal_billing:home")).content.decode()
    kinds: dict[str, str] = {}
    for url in re.findall(r'href="(/portal/billing/[^"]*\.pdf)"', bills):
        kinds.setdefault("credit" if url.endswith("credit-note.pdf") else url.split("/")[3], url)
    for url in list(kinds.values())[:BILLING_PDFS_PER_PATIENT]:
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf", url
        seen[url] = pdf_text(response.content)
    return seen


def public_pages(clinic: Clinic) -> dict[str, str]:
    client = Client()
    seen: dict[str, str] = {}
    index = reverse("education:index", args=[clinic.slug])
    html = client.get(index).content.decode()
    urls = [index, *dict.fromkeys(re.findall(rf'href="(/learn/{clinic.slug}/[\w-]+/)"', html))]
    urls += [
        reverse("booking:start", args=[clinic.slug]),
        reverse("booking:done", args=[clinic.slug]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = page_text(response.content.decode())
    return seen


def payer_documents(clinic: Clinic) -> dict[str, str]:
    """The PDFs a patient takes to an insurer: superbills, aftercare sheets, progress reports."""
    seen: dict[str, str] = {}
    signed = TreatmentSession.objects.for_clinic(clinic).filter(status="signed")
    for session in signed.select_related("patient", "clinic", "clinician"):
        for kind in ("superbill", "aftercare"):
            seen[f"{kind} of session {session.pk}"] = pdf_text(document_pdf(session, kind))
    owner = clinic.memberships.get(role="owner").user
    for patient in Patient.objects.filter(pk__in=signed.values("patient")):
        outcomes = patient_outcomes(patient=patient)
        report = outcome_pdf(
            outcomes, "progress", author=owner, today=signed.first().date_of_service
        )
        seen[f"progress report of patient {patient.pk}"] = pdf_text(report)
    return seen


@pytest.fixture
def demo(db: None) -> Clinic:
    seed_demo(password=PASSWORD)
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    demo_patient = Patient.objects.get(portal_user__username="patient")
    response = portal_login(demo_patient).post(
        reverse("portal:sign", args=["general"]),
        {"signed_name": demo_patient.full_name, "signature": SIGNATURE, "understood": "on"},
    )
    assert response.status_code == 302
    return clinic


def test_no_patient_or_payer_document_of_the_demo_shows_an_id_a_research_note_or_an_entity(
    demo: Clinic,
) -> None:
    readers = Patient.objects.filter(
        pk__in=[
            *Consent.objects.filter(clinic=demo).values_list("patient", flat=True),
            *TreatmentSession.objects.filter(clinic=demo, status="signed").values_list(
                "patient", flat=True
            ),
        ]
    )
    documents: dict[str, str] = {}
    for patient in readers:
        for url, text in portal_documents(portal_login(patient)).items():
            documents[f"{url} (as {patient.full_name})"] = text
    documents.update(public_pages(demo))
    documents.update(payer_documents(demo))
    ids = vocabulary()
    found = {where: sorted(set(offences(text, ids))) for where, text in documents.items()}
    bad = {where: words for where, words in found.items() if words}
    assert not bad, "\n".join(f"{where}: {words}" for where, words in bad.items())
    pdfs = [where for where in documents if "pdf" in where or " of " in where]
    assert len(pdfs) >= 10  # consents, aftercare sheets, superbills, progress reports
    assert all(demo.name in documents[where] for where in pdfs)  # the letterhead, unescaped


def test_the_check_finds_what_it_looks_for(demo: Clinic) -> None:
    """The walk above would pass on empty text; these are the words it must catch."""
    ids = vocabulary()
    assert {"neck_posterior_l", "upper_trapezius", "Brady14"} <= ids
    sample = "Needled neck_posterior_l [U]; Taut merges codes. Flatirons &amp; Co (not retrieved)"
    assert offences(sample, ids) == ["neck_posterior_l", "[U]", "not retrieved", "Taut", "&amp;"]
    assert offences("Upper trapezius (left), about 8 in 100 treatments", ids) == []
