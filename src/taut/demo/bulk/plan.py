"""What the synthetic history holds: its rates and shapes, the patients of a chunk and how many
sessions each has, and the small deterministic helpers every table's rows use."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from taut.charting.models import NeedleLot
from taut.clinical.measures import Instrument
from taut.clinical.records import Direction
from taut.clinics.models import Clinic, Location, Membership
from taut.clinics.roles import Role
from taut.consent.models import ConsentDocument, ConsentKind
from taut.demo import people
from taut.patients.models import Patient, Sex
from taut.patients.services import _refresh_search_keys

HISTORY_DAYS = 3 * 365
PATIENTS_PER_CHUNK = 2_000

# (condition, its questionnaire, muscles needled) — instruments and muscles from the knowledge.
CONDITIONS = (
    ("neck_shoulder_pain", "ndi", 0.30),
    ("low_back_pain", "odi", 0.25),
    ("headache", "hit6", 0.12),
    ("lateral_elbow_pain", "quickdash", 0.08),
    ("patellofemoral_pain", "kujala", 0.07),
    ("hip_gluteal_pain", "lefs", 0.08),
    ("plantar_heel_pain", "lefs", 0.05),
    ("sciatica_like_pain", "odi", 0.05),
)
TECHNIQUES = (("deep", 0.6), ("superficial", 0.2), ("pistoning", 0.1), ("electrical", 0.1))
# Per-treatment probabilities, near Brady 2014 (mild) and Boyce 2020 (significant).
EVENTS = (
    ("bleeding", "mild", 0.047),
    ("bruising", "mild", 0.075),
    ("pain_during", "mild", 0.030),
    ("pain_after", "mild", 0.022),
    ("aggravation", "mild", 0.009),
    ("drowsiness", "mild", 0.003),
    ("headache", "mild", 0.0015),
    ("nausea", "mild", 0.0013),
    ("fainting", "significant", 0.0004),
)
# Course shapes: (share, total NPRS fall as a fraction of baseline, plateau after session 2)
SHAPES = (("responder", 0.55), ("partial", 0.2), ("plateau", 0.2), ("worse", 0.05))


@dataclass(frozen=True)
class Setting:
    clinic: Clinic
    clinicians: list[Any]
    desk: Any
    locations: list[Location]
    lot: NeedleLot
    document: ConsentDocument
    today: date


class PatientPlan(NamedTuple):
    patient: Patient
    sessions: int
    first_day: date
    condition: str
    questionnaire: str
    shape: str


@dataclass(frozen=True)
class Chunk:
    """The patients written in one transaction, with the ids their rows get in each table."""

    plans: list[PatientPlan]
    patient_ids: range
    intake_ids: range
    screening_ids: range
    consent_ids: range

    @property
    def sessions(self) -> int:
        return sum(plan.sessions for plan in self.plans)


def plan_patients(
    setting: Setting, rng: random.Random, wanted: int, first: int
) -> list[PatientPlan]:
    """New patients (numbered from `first`) with about `wanted` sessions between them."""
    plans: list[PatientPlan] = []
    planned = 0
    while planned < wanted and len(plans) < PATIENTS_PER_CHUNK:
        count = min(wanted - planned, rng.choice((2, 3, 4, 4, 5, 5, 6, 6, 7, 8)))
        first_day = setting.today - timedelta(days=rng.randrange(7 * count, HISTORY_DAYS))
        condition = weighted(rng, [(c, weight) for c, _, weight in CONDITIONS])
        questionnaire = next(q for c, q, _ in CONDITIONS if c == condition)
        shape = weighted(rng, list(SHAPES))
        patient = new_patient(rng, setting.clinic, first + len(plans))
        plans.append(PatientPlan(patient, count, first_day, condition, questionnaire, shape))
        planned += count
    return plans


def setting_for(clinic: Clinic, today: date) -> Setting:
    members = Membership.objects.for_clinic(clinic).select_related("user")
    clinicians = [m.user for m in members if m.role == Role.CLINICIAN]
    desk = next((m.user for m in members if m.role == Role.FRONT_DESK), None)
    locations = list(Location.objects.for_clinic(clinic).order_by("pk"))
    lot = NeedleLot.objects.for_clinic(clinic).order_by("pk").first()
    document = ConsentDocument.objects.for_clinic(clinic).filter(kind=ConsentKind.GENERAL).first()
    if not clinicians or desk is None or not locations or lot is None or document is None:
        raise ValueError(
            "the clinic needs clinicians, a front desk, locations, a needle lot and a "
            "general consent document: seed the demo clinic first"
        )
    return Setting(clinic, clinicians, desk, locations, lot, document, today)


def new_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(15, 0), tzinfo=UTC) + timedelta(minutes=minutes)


def score(instrument: Instrument, severity: float) -> float:
    """A score `severity` (0 = best, 1 = worst) of the way along the instrument's scale."""
    worse = instrument.direction is Direction.HIGHER_IS_WORSE
    best, worst = (instrument.min, instrument.max) if worse else (instrument.max, instrument.min)
    value = best + (worst - best) * max(0.0, min(1.0, severity))
    return round(value) if instrument.scoring.method.value == "sum" else round(value, 1)


def progress(shape: str, number: int, count: int) -> float:
    """How far along its improvement a course is at session `number` (negative = worse)."""
    share = (number - 1) / max(1, count - 1)
    if shape == "responder":
        return share
    if shape == "partial":
        return 0.35 * share
    if shape == "plateau":
        return min(share, 1 / max(1, count - 1)) * 0.4
    return -0.4 * share


def weighted(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    pick, total = rng.random() * sum(w for _, w in choices), 0.0
    for value, weight in choices:
        total += weight
        if pick <= total:
            return value
    return choices[-1][0]


def new_patient(rng: random.Random, clinic: Clinic, index: int) -> Patient:
    female = rng.random() < 0.55
    given = rng.choice(people.GIVEN_FEMALE if female else people.GIVEN_MALE)
    family = rng.choice(people.FAMILY)
    town, postcode = rng.choice(people.TOWNS)
    patient = Patient(
        clinic=clinic,
        public_id=new_uuid(rng),
        given_name=given,
        family_name=family,
        date_of_birth=date(1945, 1, 1) + timedelta(days=rng.randrange(0, 365 * 62)),
        sex=Sex.FEMALE if female else Sex.MALE,
        phone=f"(720) {500 + index // 10000 % 500:03d}-{index % 10000:04d}",
        email=f"synthetic{index}@example.com",
        address=f"{rng.randrange(10, 2999)} {rng.choice(people.STREETS)}, {town}, CO {postcode}",
    )
    _refresh_search_keys(patient)
    return patient
