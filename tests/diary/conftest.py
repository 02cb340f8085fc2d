"""A signed session of clinic A's patient, with its diary prompts; and one answered with a red
flag (for the scoping test and the views)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from taut.charting import services as charting
from taut.charting.models import TreatmentSession
from taut.clinical.diary import DiaryAnswers
from taut.diary import services
from taut.diary.models import DiaryEntry, DiaryPrompt, RedFlagAlert
from tests.charting.conftest import ready_session
from tests.conftest import World


def sign(world: World, session: TreatmentSession, entry: Any) -> TreatmentSession:
    charting.entry_count_out(
        request=None, actor=world.clinician_a, entry=entry, needles_out=entry.needles_in
    )
    return charting.session_sign(request=None, actor=world.clinician_a, session=session)


def signed_session(world: World, prepared: tuple[Any, Any] | None = None) -> TreatmentSession:
    session, entry = prepared or ready_session(world)
    return sign(world, session, entry)


def prompts_of(session: TreatmentSession) -> list[DiaryPrompt]:
    return list(DiaryPrompt.objects.filter(session=session).order_by("hours_after"))


RED_FLAG_ANSWERS = DiaryAnswers(
    soreness=6,
    grades={"bruising": "mild", "drowsiness": "none", "fatigue": "moderate"},
    other="",
    red_flags=("chest_pain", "fever"),
)


@dataclass
class Answered:
    session: TreatmentSession
    prompt: DiaryPrompt
    entry: DiaryEntry
    alert: RedFlagAlert


def answered_with_red_flag(world: World, prepared: tuple[Any, Any] | None = None) -> Answered:
    session = signed_session(world, prepared)
    prompt = prompts_of(session)[0]
    entry, _ = services.diary_entry_submit(
        request=None,
        actor=world.portal_user_a,
        patient=world.patient_a,
        session=session,
        prompt=prompt,
        answers=RED_FLAG_ANSWERS,
        now=prompt.due_at + timedelta(minutes=5),
    )
    return Answered(session, prompt, entry, RedFlagAlert.objects.get(entry=entry))


@pytest.fixture
def signed(world: World) -> TreatmentSession:
    return signed_session(world)


@pytest.fixture
def answered(world: World) -> Answered:
    return answered_with_red_flag(world)
