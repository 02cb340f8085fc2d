"""Signed copies carry the clinic's own date and time, including on the nights the clocks change
and the night the year turns (the personas' clinics are in America/Denver)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import World, client_for, publish_consent_document, sign_consent
from tests.consent.conftest import pdf_text

UTC = dt.UTC


def _signed_at(world: World, clinic_clock: Any, moment: dt.datetime) -> Any:
    clinic_clock.move_to(moment, tick=False)
    document = publish_consent_document(world.clinic_a, world.owner_a)
    return sign_consent(world.patient_a, document, world.frontdesk_a)


@pytest.mark.parametrize(
    ("moment", "reads"),
    [
        # The clocks go back on 1 November 2026: 01:30 happens twice, first in MDT then in MST.
        pytest.param(
            dt.datetime(2026, 11, 1, 7, 30, tzinfo=UTC),
            "1 November 2026, 01:30:00 MDT",
        ),
        pytest.param(
            dt.datetime(2026, 11, 1, 8, 30, tzinfo=UTC),
            "1 November 2026, 01:30:00 MST",
        ),
        # They go forward on 14 March 2027: 02:00 MST is followed by 03:00 MDT.
        (dt.datetime(2027, 3, 14, 8, 59, tzinfo=UTC), "14 March 2027, 01:59:00 MST"),
        (dt.datetime(2027, 3, 14, 9, 0, tzinfo=UTC), "14 March 2027, 03:00:00 MDT"),
        # New Year's Eve in Denver is already New Year's Day in UTC.
        (dt.datetime(2027, 1, 1, 6, 30, tzinfo=UTC), "31 December 2026, 23:30:00 MST"),
        # The last day of February, the evening before UTC's March.
        (dt.datetime(2027, 3, 1, 6, 59, tzinfo=UTC), "28 February 2027, 23:59:00 MST"),
    ],
)
def test_the_signed_pdf_reads_the_clinic_s_time(
    world: World, clinic_clock: Any, moment: dt.datetime, reads: str
) -> None:
    consent = _signed_at(world, clinic_clock, moment)
    assert f"Signed at: {reads}" in pdf_text(bytes(consent.pdf))


def test_the_pdf_is_the_same_whatever_zone_the_server_runs_in(
    world: World, clinic_clock: Any, settings: Any
) -> None:
    from django.utils import timezone

    moment = dt.datetime(2027, 1, 1, 6, 30, tzinfo=UTC)
    with timezone.override("Asia/Tokyo"):
        consent = _signed_at(world, clinic_clock, moment)
    assert "31 December 2026, 23:30:00 MST" in pdf_text(bytes(consent.pdf))


def test_the_standing_shows_the_clinic_s_date_on_new_year_s_eve(
    world: World, clinic_clock: Any
) -> None:
    _signed_at(world, clinic_clock, dt.datetime(2027, 1, 1, 6, 30, tzinfo=UTC))
    page = client_for(world.clinician_a).get(
        reverse("consent:patient", args=[world.patient_a.public_id])
    )
    text = page.content.decode()
    assert "Signed 31 Dec 2026" in text and "1 Jan 2027" not in text


def test_the_downloaded_pdf_is_named_with_the_clinic_s_date(
    world: World, clinic_clock: Any
) -> None:
    consent = _signed_at(world, clinic_clock, dt.datetime(2027, 1, 1, 6, 30, tzinfo=UTC))
    url = reverse("consent:pdf", args=[world.patient_a.public_id, consent.public_id])
    response = client_for(world.clinician_a).get(url)
    assert (
        response["Content-Disposition"] == 'attachment; filename="consent-general-v1-20261231.pdf"'
    )


def test_the_downloaded_pdf_is_named_by_kind_and_version(world: World, clinic_clock: Any) -> None:
    publish_consent_document(world.clinic_a, world.owner_a, kind="electrical")
    second = publish_consent_document(world.clinic_a, world.owner_a, kind="electrical")
    consent = sign_consent(world.patient_a, second, world.frontdesk_a)
    url = reverse("consent:pdf", args=[world.patient_a.public_id, consent.public_id])
    disposition = client_for(world.clinician_a).get(url)["Content-Disposition"]
    assert disposition.startswith('attachment; filename="consent-electrical-v2-')


def test_the_pdf_read_back_names_the_signer_the_document_and_the_techniques(
    world: World,
) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a, kind="electrical")
    consent = sign_consent(world.patient_a, document, world.frontdesk_a)
    text = pdf_text(bytes(consent.pdf))
    assert "Signed by: Ada Lovelace" in text
    assert "version 1 (Electrical dry needling)" in text
    assert document.introduction in text
    assert "Signed at: 23 November 2026, 08:00" in text  # the clinic clock's Monday morning


def test_the_downloaded_pdf_is_the_stored_one_byte_for_byte(world: World) -> None:
    import hashlib

    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    url = reverse("consent:pdf", args=[world.patient_a.public_id, consent.public_id])
    body = client_for(world.frontdesk_a).get(url).content
    assert hashlib.sha256(body).hexdigest() == consent.pdf_sha256
