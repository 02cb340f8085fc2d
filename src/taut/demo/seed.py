"""Seeds the demo clinic. Deterministic: the same seed gives the same clinic, byte for byte."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from taut import clock
from taut.clinics.models import Clinic, Location, Membership
from taut.clinics.roles import Role
from taut.demo import people
from taut.demo.billing import seed_billing, seed_packages
from taut.demo.charting import seed_profiles, seed_signed_session, seed_stock
from taut.demo.outcomes import seed_outcome_histories
from taut.demo.pathway import seed_pathway
from taut.demo.schedule import seed_schedule
from taut.patients.models import Patient, Sex
from taut.patients.services import _refresh_search_keys

DEMO_SLUG = "demo"
PATIENT_COUNT = 40


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    name: str


STAFF = [
    DemoLogin("owner", Role.OWNER, "Dana Whitfield"),
    DemoLogin("clinician", Role.CLINICIAN, "Sam Okafor"),
    DemoLogin("clinician2", Role.CLINICIAN, "Maria Jensen"),
    DemoLogin("frontdesk", Role.FRONT_DESK, "Alex Rivera"),
]
PATIENT_LOGIN = DemoLogin("patient", "patient", "")


def demo_exists() -> bool:
    return Clinic.objects.filter(slug=DEMO_SLUG).exists()


@transaction.atomic
def seed_demo(
    *, password: str, seed: int = 2026, progress: Callable[[str], None] = lambda _: None
) -> list[DemoLogin]:
    rng = random.Random(seed)  # noqa: S311 - demo data, deterministic on purpose
    clinic = Clinic.objects.create(
        name="Flatirons Dry Needling & Physiotherapy",
        slug=DEMO_SLUG,
        time_zone="America/Denver",
        jurisdiction="US-CO",
        address="1200 Pearl St, Boulder, CO 80302",
        phone="(303) 555-0100",
        email="front@flatirons.example.com",
    )
    Location.objects.create(
        clinic=clinic,
        name="Boulder — Pearl Street",
        address="1200 Pearl St, Boulder, CO 80302",
        phone="(303) 555-0100",
    )
    Location.objects.create(
        clinic=clinic,
        name="Denver — Capitol Hill",
        address="850 E Colfax Ave, Denver, CO 80203",
        phone="(303) 555-0101",
    )
    progress("clinic and locations")
    user_model = get_user_model()
    for login in STAFF:
        given, family = login.name.split(" ", 1)
        user = user_model.objects.create_user(
            username=login.username,
            password=password,
            first_name=given,
            last_name=family,
            email=f"{login.username}@flatirons.example.com",
        )
        Membership.objects.create(clinic=clinic, user=user, role=login.role)
    progress(f"{len(STAFF)} staff accounts")
    patients = [_demo_patient(rng, clinic, index) for index in range(PATIENT_COUNT)]
    Patient.objects.bulk_create(patients)
    portal_patient = Patient.objects.for_clinic(clinic).order_by("pk").first()
    assert portal_patient is not None  # noqa: S101 - just created
    portal_user = user_model.objects.create_user(
        username=PATIENT_LOGIN.username,
        password=password,
        email=portal_patient.email,
        first_name=portal_patient.given_name,
        last_name=portal_patient.family_name,
    )
    portal_patient.portal_user = portal_user
    portal_patient.save(update_fields=["portal_user"])
    progress(f"{PATIENT_COUNT} patients, one with a portal login")
    staff = {
        m.user.username: m.user
        for m in Membership.objects.filter(clinic=clinic).select_related("user")
    }
    pathway_patients = list(Patient.objects.for_clinic(clinic).order_by("pk")[1:7])
    seed_pathway(
        clinic=clinic,
        owner=staff["owner"],
        clinician=staff["clinician"],
        desk=staff["frontdesk"],
        patients=pathway_patients,
        today=clock.today_in(clinic.zone),
    )
    progress("consent documents; six patients with intake, screening and consent")
    today = clock.today_in(clinic.zone)
    lots = seed_stock(clinic=clinic, today=today)
    seed_profiles(clinic=clinic, clinicians=[staff["clinician"], staff["clinician2"]], today=today)
    seed_signed_session(
        membership=Membership.objects.get(clinic=clinic, user=staff["clinician"]),
        patient=pathway_patients[0],
        lot=lots[1],
        today=today,
    )
    progress("needle stock, clinicians' credentials, one signed session")
    seed_outcome_histories(
        clinic=clinic,
        clinician=staff["clinician"],
        desk=staff["frontdesk"],
        patients=list(Patient.objects.for_clinic(clinic).order_by("pk")[7:11]),
        lot=lots[1],
        today=today,
    )
    progress("four outcome histories of 3-6 signed sessions")
    booked = seed_schedule(
        clinic=clinic,
        rng=rng,
        owner=staff["owner"],
        desk=staff["frontdesk"],
        clinicians={"clinician": staff["clinician"], "clinician2": staff["clinician2"]},
        patients=list(Patient.objects.for_clinic(clinic).order_by("pk")[11:]),
        portal_patient=portal_patient,
        established=pathway_patients[0],
    )
    progress(f"working hours, {booked} bookings over the coming week, one care plan")
    invoices = seed_billing(
        clinic=clinic, owner=staff["owner"], desk=staff["frontdesk"], today=today
    )
    seed_packages(
        clinic=clinic,
        desk=staff["frontdesk"],
        patients=[portal_patient, pathway_patients[0]],
        today=today,
    )
    progress(f"fees, {invoices} invoices with payments and a void, two packages")
    return [*STAFF, DemoLogin(PATIENT_LOGIN.username, "patient", portal_patient.full_name)]


def _demo_patient(rng: random.Random, clinic: Clinic, index: int) -> Patient:
    female = rng.random() < 0.55
    given = rng.choice(people.GIVEN_FEMALE if female else people.GIVEN_MALE)
    family = rng.choice(people.FAMILY)
    born = date(1948, 1, 1) + timedelta(days=rng.randrange(0, 365 * 60))
    town, postcode = rng.choice(people.TOWNS)
    email_name = f"{given}.{family}".lower().replace("'", "")
    patient = Patient(
        clinic=clinic,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex=Sex.FEMALE if female else Sex.MALE,
        phone=f"(303) 555-{index + 110:04d}",
        email=f"{email_name.encode('ascii', 'ignore').decode()}{index}@example.com",
        address=f"{rng.randrange(10, 2999)} {rng.choice(people.STREETS)}, {town}, CO {postcode}",
    )
    _refresh_search_keys(patient)
    return patient
