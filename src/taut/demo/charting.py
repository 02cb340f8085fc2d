"""Demo charting records: needle stock, the clinicians' credentials, and signed sessions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from taut.charting import services
from taut.charting.models import NeedleLot, NeedleProduct, PractitionerProfile
from taut.clinics.models import Membership
from taut.patients.models import Patient

PRODUCTS = [
    ("Seirin J-type", "0.25", 40),
    ("Seirin J-type", "0.30", 50),
    ("Dongbang DB100", "0.30", 60),
]


def seed_stock(*, clinic: Any, today: date) -> list[NeedleLot]:
    lots = []
    for index, (brand, gauge, length) in enumerate(PRODUCTS):
        product = NeedleProduct.objects.create(
            clinic=clinic, brand=brand, gauge_mm=gauge, length_mm=length
        )
        lots.append(
            NeedleLot.objects.create(
                clinic=clinic,
                product=product,
                lot_number=f"{brand.split()[0][:3].upper()}-{2026}{index:02d}",
                expires_on=today + timedelta(days=400 + 30 * index),
                received_on=today - timedelta(days=20),
            )
        )
    return lots


def seed_profiles(*, clinic: Any, clinicians: list[Any], today: date) -> None:
    for index, user in enumerate(clinicians):
        PractitionerProfile.objects.create(
            clinic=clinic,
            user=user,
            profession="physical_therapist",
            licence_number=f"PT-0{4410 + index}",
            licence_expires=today + timedelta(days=500),
            licensed_since=date(2012 + index, 6, 1),
            training_hours=54 + 10 * index,
            training_course="Dry needling level 1 and 2",
            training_date=date(2019, 3, 9),
        )


def seed_signed_session(
    *, membership: Membership, patient: Patient, lot: NeedleLot, today: date
) -> None:
    """One signed session over the neck and shoulder, as a clinician would chart it."""
    session = services.session_start(
        request=None, membership=membership, patient=patient, today=today
    )
    clinician = membership.user
    services.session_notes_save(
        request=None,
        actor=clinician,
        session=session,
        data={
            "pain_regions": ["temple_r", "neck_posterior_r", "shoulder_top_r"],
            "subjective": "Right-sided neck pain with temple headache for 6 weeks; desk work.",
            "assessment": "Active trigger points in right upper trapezius and levator scapulae.",
            "plan": "Weekly dry needling for 4 sessions with stretching and posture work.",
            "diagnosis_codes": "M79.1 Myalgia; M54.2 Cervicalgia",
            "skin_check": "Skin intact; no bleeding.",
            "patient_response": "Reported easing.",
        },
    )
    services.measure_add(
        request=None,
        actor=clinician,
        session=session,
        instrument="nprs",
        timing="before",
        answers=[6],
    )
    for muscle in ("upper_trapezius", "levator_scapulae"):
        needle_and_count(clinician, session, lot, muscle=muscle, technique="deep", insertions=4)
    services.measure_add(
        request=None,
        actor=clinician,
        session=session,
        instrument="nprs",
        timing="after",
        answers=[4],
    )
    services.session_sign(request=None, actor=clinician, session=session)


def needle_and_count(
    clinician: Any, session: Any, lot: Any, *, muscle: str, technique: str, insertions: int
) -> None:
    """Two needles into the right-side muscle through the charting service, counted back out."""
    entry = services.entry_add(
        request=None,
        actor=clinician,
        session=session,
        data={
            "muscle": muscle,
            "side": "r",
            "technique": technique,
            "lot_id": lot.pk,
            "needles_in": 2,
            "depth_mm": None,
            "insertions": insertions,
            "twitch": "some",
            "minutes_in": None,
            "frequency_hz": None,
            "pulse_width_us": None,
            "intensity_ma": None,
            "stimulation_minutes": None,
        },
    )
    services.entry_count_out(request=None, actor=clinician, entry=entry, needles_out=2)
