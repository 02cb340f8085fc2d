"""The synthetic history's consents: one per patient, with no drawing and no frozen PDF (nobody
signed it)."""

from __future__ import annotations

import hashlib
import random

from taut.demo.bulk.plan import Chunk, Setting, at, new_uuid
from taut.demo.bulk.writer import Writer

EMPTY_PDF_SHA256 = hashlib.sha256(b"").hexdigest()
COLUMNS = (
    "id",
    "public_id",
    "signed_name",
    "signature_svg",
    "signed_at",
    "channel",
    "pdf",
    "pdf_sha256",
    "withdrawal_reason",
    "clinic_id",
    "patient_id",
    "taken_by_id",
    "document_id",
)


def seed_consents(setting: Setting, w: Writer, rng: random.Random, chunk: Chunk) -> None:
    rows = [
        (
            cid,
            w.uuid(new_uuid(rng)),
            plan.patient.full_name,
            "",
            w.when(at(plan.first_day, -10)),
            "tablet",
            b"",
            EMPTY_PDF_SHA256,
            "",
            setting.clinic.pk,
            pid,
            setting.desk.pk,
            setting.document.pk,
        )
        for cid, pid, plan in zip(chunk.consent_ids, chunk.patient_ids, chunk.plans, strict=True)
    ]
    w.insert("consent_consent", COLUMNS, rows)
