"""Demo outcome histories: four patients with 3-6 signed sessions and their measures, charted
through the same services a clinician uses, so the outcomes page and the dashboard show real
courses: a responder, a plateau, one at the end of the plan, and one early in care."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from taut.charting import services
from taut.charting.classify import session_classify
from taut.charting.models import NeedleLot
from taut.clinics.models import Location, Membership
from taut.consent.models import ConsentDocument, ConsentKind
from taut.consent.services import consent_sign
from taut.demo.charting import needle_and_count
from taut.demo.pathway import _signature, safe_answers
from taut.patients.models import Patient
from taut.screening.services import intake_submit, precaution_acknowledge, screening_perform

# HIT-6 answers (response points 6/8/10/11/13) that sum to each total.
HIT6 = {
    64: [11, 11, 11, 11, 10, 10],
    62: [11, 11, 10, 10, 10, 10],
    60: [10, 10, 10, 10, 10, 10],
    58: [10, 10, 10, 10, 10, 8],
    56: [10, 10, 10, 10, 8, 8],
    55: [11, 10, 10, 8, 8, 8],
}


def _ten(total: int) -> list[int]:
    """Ten 0-5 answers that sum to `total` (NDI and ODI: the percentage is total x 2)."""
    return [total // 10 + (1 if i < total % 10 else 0) for i in range(10)]


@dataclass(frozen=True)
class Story:
    condition: str
    muscles: tuple[str, ...]
    technique: str
    nprs: tuple[int, ...]  # before each session
    questionnaire: str
    answers: tuple[list[int] | None, ...]  # per session; None = not taken that day
    events: dict[int, tuple[str, str]] = field(default_factory=dict)  # session -> (event, severity)


STORIES = (
    Story(  # a responder: NPRS 7 -> 2, NDI 40% -> 20%
        "neck_shoulder_pain",
        ("upper_trapezius", "levator_scapulae"),
        "deep",
        (7, 5, 4, 3, 2),
        "ndi",
        (_ten(20), None, _ten(15), None, _ten(10)),
        {2: ("bruising", "mild")},
    ),
    Story(  # a plateau: NPRS 6, 5, 5, 5 and ODI 40% -> 36%
        "low_back_pain",
        ("quadratus_lumborum", "gluteus_medius"),
        "deep",
        (6, 5, 5, 5),
        "odi",
        (_ten(20), _ten(19), _ten(19), _ten(18)),
        {1: ("pain_after", "mild")},
    ),
    Story(  # the end of a six-session plan, a responder on NPRS: discharge
        "headache",
        ("upper_trapezius", "suboccipitals"),
        "superficial",
        (6, 5, 5, 4, 4, 3),
        "hit6",
        tuple(HIT6[t] for t in (64, 62, 60, 58, 56, 55)),
    ),
    Story(  # early in care
        "lateral_elbow_pain",
        ("extensor_carpi_radialis_brevis",),
        "deep",
        (7, 6, 6),
        "quickdash",
        ([3] * 11, None, [3] * 10 + [2]),
        {3: ("bleeding", "mild")},
    ),
)


def seed_outcome_histories(
    *,
    clinic: Any,
    clinician: Any,
    desk: Any,
    patients: list[Patient],
    lot: NeedleLot,
    today: date,
) -> None:
    membership = Membership.objects.get(clinic=clinic, user=clinician)
    document = (
        ConsentDocument.objects.for_clinic(clinic)
        .filter(kind=ConsentKind.GENERAL)
        .order_by("-pk")
        .first()
    )
    locations = list(Location.objects.for_clinic(clinic).order_by("pk"))
    for index, (patient, story) in enumerate(zip(patients, STORIES, strict=False)):
        first_day = today - timedelta(days=7 * len(story.nprs) + 3)
        _make_ready(patient, clinician, desk, document, first_day, index)
        for number, nprs in enumerate(story.nprs, start=1):
            day = first_day + timedelta(days=7 * (number - 1))
            _session(
                membership,
                patient,
                story,
                number,
                nprs,
                day=day,
                lot=lot,
                location=locations[index % len(locations)],
            )


def _make_ready(
    patient: Patient, clinician: Any, desk: Any, document: Any, day: date, index: int
) -> None:
    intake_submit(
        request=None,
        actor=desk,
        patient=patient,
        facts=safe_answers(),
        history={
            "medications": "",
            "conditions": "",
            "previous_needling": "never",
            "previous_needling_notes": "",
        },
        channel="desk",
    )
    record = screening_perform(request=None, actor=clinician, patient=patient, as_of=day)
    for finding in record.findings_of_level("precaution"):
        precaution_acknowledge(
            request=None,
            actor=clinician,
            screening=record,
            code=finding["code"],
            note="Discussed with the patient.",
        )
    consent_sign(
        request=None,
        actor=desk,
        patient=patient,
        document=document,
        signed_name=patient.full_name,
        signature=_signature(20 + index),
        channel="tablet",
    )


def _session(
    membership: Membership,
    patient: Patient,
    story: Story,
    number: int,
    nprs: int,
    *,
    day: date,
    lot: NeedleLot,
    location: Location,
) -> None:
    clinician = membership.user
    session = services.session_start(
        request=None, membership=membership, patient=patient, today=day
    )
    session_classify(
        request=None, actor=clinician, session=session, condition=story.condition, location=location
    )
    services.session_notes_save(
        request=None,
        actor=clinician,
        session=session,
        data={
            "pain_regions": [],
            "subjective": f"Session {number}: pain {nprs}/10 this week.",
            "assessment": "Trigger points as charted; progressing as expected."
            if number > 1
            else "Active trigger points reproduce the familiar pain.",
            "plan": f"Dry needling weekly, {max(len(story.nprs), 4)} sessions, with home exercise.",
            "diagnosis_codes": "M79.1 Myalgia",
            "skin_check": "Skin intact.",
            "patient_response": "Tolerated well.",
        },
    )
    services.measure_add(
        request=None,
        actor=clinician,
        session=session,
        instrument="nprs",
        timing="before",
        answers=[nprs],
    )
    answers = story.answers[number - 1]
    if answers is not None:
        services.measure_add(
            request=None,
            actor=clinician,
            session=session,
            instrument=story.questionnaire,
            timing="before",
            answers=list(answers),
        )
    for muscle in story.muscles:
        needle_and_count(
            clinician, session, lot, muscle=muscle, technique=story.technique, insertions=3
        )
    services.measure_add(
        request=None,
        actor=clinician,
        session=session,
        instrument="nprs",
        timing="after",
        answers=[min(10, nprs + 1)],
    )
    if number in story.events:
        event, severity = story.events[number]
        services.adverse_event_add(
            request=None,
            actor=clinician,
            session=session,
            event=event,
            severity=severity,
            action_taken="Pressure and reassurance; resolved before the patient left.",
        )
    services.session_sign(request=None, actor=clinician, session=session)
