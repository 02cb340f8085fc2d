"""The synthetic history's intakes and screenings: one of each per patient, with no findings."""

from __future__ import annotations

import random

from taut.demo.bulk.plan import Chunk, Setting, at, new_uuid
from taut.demo.bulk.writer import Writer

INTAKE_COLUMNS = (
    "id",
    "public_id",
    "version",
    "facts",
    "medications",
    "conditions",
    "previous_needling",
    "previous_needling_notes",
    "channel",
    "submitted_at",
    "clinic_id",
    "patient_id",
    "submitted_by_id",
)
SCREENING_COLUMNS = (
    "id",
    "public_id",
    "as_of",
    "findings",
    "blocked",
    "performed_at",
    "clinic_id",
    "intake_id",
    "patient_id",
    "performed_by_id",
)


def seed_intakes(setting: Setting, w: Writer, rng: random.Random, chunk: Chunk) -> None:
    rows = [
        (
            iid,
            w.uuid(new_uuid(rng)),
            1,
            "{}",
            "",
            "",
            "never",
            "",
            "desk",
            w.when(at(plan.first_day, -30)),
            setting.clinic.pk,
            pid,
            setting.desk.pk,
        )
        for iid, pid, plan in zip(chunk.intake_ids, chunk.patient_ids, chunk.plans, strict=True)
    ]
    w.insert("screening_intake", INTAKE_COLUMNS, rows)


def seed_screenings(setting: Setting, w: Writer, rng: random.Random, chunk: Chunk) -> None:
    rows = [
        (
            sid,
            w.uuid(new_uuid(rng)),
            w.day(plan.first_day),
            "[]",
            False,
            w.when(at(plan.first_day, -20)),
            setting.clinic.pk,
            iid,
            pid,
            setting.clinicians[0].pk,
        )
        for sid, iid, pid, plan in zip(
            chunk.screening_ids, chunk.intake_ids, chunk.patient_ids, chunk.plans, strict=True
        )
    ]
    w.insert("screening_screeningrecord", SCREENING_COLUMNS, rows)
