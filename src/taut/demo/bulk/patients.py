"""The synthetic history's patients (patients_patient)."""

from __future__ import annotations

from taut import clock
from taut.demo.bulk.plan import Chunk, Setting
from taut.demo.bulk.writer import Writer

COLUMNS = (
    "id",
    "public_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address",
    "given_key",
    "family_key",
    "phone_digits",
    "phone_reversed",
    "email_key",
    "created_at",
    "updated_at",
    "clinic_id",
    "created_by_id",
)


def seed_patients(setting: Setting, w: Writer, chunk: Chunk) -> None:
    now = w.when(clock.now())
    rows = [
        (
            pid,
            w.uuid(p.public_id),
            p.given_name,
            p.family_name,
            w.day(p.date_of_birth),
            p.sex,
            p.phone,
            p.email,
            p.address,
            p.given_key,
            p.family_key,
            p.phone_digits,
            p.phone_reversed,
            p.email_key,
            now,
            now,
            setting.clinic.pk,
            setting.desk.pk,
        )
        for pid, (p, *_) in zip(chunk.patient_ids, chunk.plans, strict=True)
    ]
    w.insert("patients_patient", COLUMNS, rows)
