"""A patient ready for needling: screened (precautions acknowledged), consented, and a clinician
with credentials and needle stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest

from taut.charting.models import NeedleLot, NeedleProduct, PractitionerProfile
from taut.screening import services as screening
from tests.conftest import World, publish_consent_document, sign_consent

TODAY = date(2026, 11, 23)


@dataclass
class Ready:
    world: World
    lot: NeedleLot
    expired_lot: NeedleLot
    profile: PractitionerProfile


def make_ready(world: World, facts: dict[str, Any] | None = None) -> None:
    screening.intake_submit(
        request=None,
        actor=world.frontdesk_a,
        patient=world.patient_a,
        facts=facts or {},
        history={},
        channel="desk",
    )
    record = screening.screening_perform(
        request=None, actor=world.clinician_a, patient=world.patient_a, as_of=TODAY
    )
    for finding in record.findings_of_level("precaution"):
        screening.precaution_acknowledge(
            request=None,
            actor=world.clinician_a,
            screening=record,
            code=finding["code"],
            note="Discussed and planned for.",
        )
    sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.frontdesk_a
    )


# A needling entry as the entry form cleans it; tests override what they are about.
ENTRY: dict[str, Any] = {
    "muscle": "infraspinatus",
    "side": "l",
    "technique": "deep",
    "needles_in": 2,
    "depth_mm": None,
    "insertions": 4,
    "twitch": "some",
    "minutes_in": None,
    "frequency_hz": None,
    "pulse_width_us": None,
    "intensity_ma": None,
    "stimulation_minutes": None,
}


def stock_and_profile(world: World) -> Ready:
    """Clinic A's needle stock (a usable and an expired lot) and clinician A's credentials; a
    second call (one sweep filling several URL parameters) finds the same rows."""
    product, _ = NeedleProduct.objects.get_or_create(
        clinic=world.clinic_a, brand="Seirin J", gauge_mm="0.30", length_mm=50
    )
    lot, _ = NeedleLot.objects.get_or_create(
        clinic=world.clinic_a,
        product=product,
        lot_number="L2026A",
        defaults={
            "expires_on": TODAY + timedelta(days=365),
            "received_on": TODAY - timedelta(days=30),
        },
    )
    expired, _ = NeedleLot.objects.get_or_create(
        clinic=world.clinic_a,
        product=product,
        lot_number="OLD1",
        defaults={
            "expires_on": TODAY - timedelta(days=1),
            "received_on": TODAY - timedelta(days=400),
        },
    )
    profile, _ = PractitionerProfile.objects.get_or_create(
        clinic=world.clinic_a,
        user=world.clinician_a,
        defaults={
            "profession": "physical_therapist",
            "licence_number": "PT-4411",
            "licence_expires": TODAY + timedelta(days=200),
            "licensed_since": date(2015, 1, 1),
            "training_hours": 60,
            "training_course": "DN level 1",
            "training_date": date(2020, 3, 1),
        },
    )
    return Ready(world, lot, expired, profile)


@pytest.fixture
def ready(world: World) -> Ready:
    make_ready(world)
    return stock_and_profile(world)


def ready_session(world: World) -> tuple[Any, Any]:
    """A started session of clinic A's patient with one entry (for the scoping test)."""
    from taut.charting import services
    from taut.clinics.models import Membership

    make_ready(world)
    prepared = stock_and_profile(world)
    session = services.session_start(
        request=None,
        membership=Membership.objects.get(user=world.clinician_a),
        patient=world.patient_a,
        today=TODAY,
    )
    entry = services.entry_add(
        request=None,
        actor=world.clinician_a,
        session=session,
        data={**ENTRY, "lot_id": prepared.lot.pk},
    )
    return session, entry
