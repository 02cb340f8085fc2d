"""Demo pathway records: published consent documents, and patients at each step before needling."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

from taut.clinical.knowledge import load_knowledge
from taut.consent.models import ConsentKind
from taut.consent.services import consent_sign, document_publish
from taut.patients.models import Patient
from taut.screening.services import intake_submit, precaution_acknowledge, screening_perform

INTRODUCTION = (
    "Dry needling uses thin, solid, single-use needles inserted into tight bands in muscle "
    "(trigger points) and other soft tissue to ease pain and help you move. Nothing is injected. "
    "Your clinician explains what they plan before each session and you may ask questions at any "
    "time."
)
ALTERNATIVES = (
    "Exercise, manual therapy, education, heat or ice, and medicines your doctor may advise. "
    "You may choose any of these instead of, or as well as, dry needling."
)
# Each demo patient's answers, from all clear to a contraindication.
DEMO_FACTS: list[dict[str, Any]] = [
    {"anticoagulant": False, "pregnant": False, "implanted_electrical_device": False},
    {"anticoagulant": True, "pregnant": False, "diabetes": True},
    {"pregnant": True, "pregnancy_trimester": 2, "anticoagulant": False},
    {"implanted_electrical_device": True, "lymphoedema_regions": ["arm_anterior_l"]},
    {"needle_phobia": True},
    {"epilepsy": True, "epilepsy_controlled": True, "metal_allergy": True},
]


def safe_answers() -> dict[str, Any]:
    """Every patient question answered with the answer that raises no finding."""
    answers: dict[str, Any] = {}
    for question in load_knowledge().intake_questions:
        if question.show_if is not None or question.id == "age_years":
            continue  # follow-up questions are asked only when they apply; age is derived
        if str(question.type) == "bool":
            answers[question.id] = question.id == "can_consent"
        elif str(question.type) == "region_list":
            answers[question.id] = []
    return answers


def _signature(seed: int) -> str:
    """A plausible hand-drawn signature, the same for the same seed."""
    stroke = [
        [round(30 + i * 9, 1), round(100 + 30 * math.sin((i + seed) / 3), 1)] for i in range(50)
    ]
    flourish = [[round(80 + i * 12, 1), round(150 - i, 1)] for i in range(25)]
    return json.dumps([stroke, flourish])


def seed_pathway(
    *, clinic: Any, owner: Any, clinician: Any, desk: Any, patients: list[Patient], today: date
) -> None:
    general = document_publish(
        request=None,
        actor=owner,
        clinic=clinic,
        data={
            "kind": ConsentKind.GENERAL,
            "title": "Consent to dry needling",
            "introduction": INTRODUCTION,
            "techniques": ["superficial", "deep", "pistoning"],
            "alternatives": ALTERNATIVES,
            "show_quoted_figures": True,
            "requires_reconsent": False,
        },
    )
    document_publish(
        request=None,
        actor=owner,
        clinic=clinic,
        data={
            "kind": ConsentKind.ELECTRICAL,
            "title": "Consent to electrical dry needling",
            "introduction": INTRODUCTION
            + " With electrical dry needling a small current is passed "
            "between needles.",
            "techniques": ["electrical"],
            "alternatives": ALTERNATIVES,
            "show_quoted_figures": False,
            "requires_reconsent": False,
        },
    )
    for index, (patient, facts) in enumerate(zip(patients, DEMO_FACTS, strict=False)):
        intake_submit(
            request=None,
            actor=desk,
            patient=patient,
            facts=facts,
            history={
                "medications": "",
                "conditions": "",
                "previous_needling": "never",
                "previous_needling_notes": "",
            },
            channel="desk",
        )
        record = screening_perform(request=None, actor=clinician, patient=patient, as_of=today)
        if index % 2 == 0:
            for finding in record.findings_of_level("precaution"):
                precaution_acknowledge(
                    request=None,
                    actor=clinician,
                    screening=record,
                    code=finding["code"],
                    note="Discussed with the patient; plan adjusted.",
                )
        if not record.blocked:
            consent_sign(
                request=None,
                actor=desk,
                patient=patient,
                document=general,
                signed_name=patient.full_name,
                signature=_signature(index),
                channel="tablet",
            )
