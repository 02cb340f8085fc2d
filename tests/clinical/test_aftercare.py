"""Aftercare: items of aftercare.toml selected by the session's facts, in the data's order."""

from __future__ import annotations

from datetime import date

import pytest

from taut.clinical.aftercare import aftercare_for, aftercare_for_plan
from taut.clinical.knowledge import load_knowledge
from taut.clinical.practice import AppliesWhen
from taut.clinical.records import Side
from taut.clinical.safety import ChartingError, NeedlingEntry, SessionPlan
from taut.clinical.screening import screen

K = load_knowledge()
ALWAYS = [item.id for item in K.aftercare if AppliesWhen.ALWAYS in item.applies_when]


def ids(items):
    return [item.id for item in items]


def test_a_plain_limb_session_gets_only_the_always_items():
    care = aftercare_for(muscles=["deltoid"])
    assert ids(care.items) == ALWAYS
    assert ids(care.red_flags) == ["infection", "allergy"]


def test_thorax_needling_adds_the_breathlessness_red_flag():
    care = aftercare_for(muscles=["rhomboids"])
    (pneumothorax,) = [item for item in care.red_flags if item.id == "pneumothorax"]
    assert "shortness of breath" in pneumothorax.text
    assert pneumothorax.urgency == "emergency"
    assert "emergency services" in pneumothorax.action
    assert "pneumothorax" in ids(aftercare_for(thorax=True).red_flags)


def test_drowsiness_adds_do_not_drive():
    assert "no_driving_if_drowsy" in ids(aftercare_for(drowsy_or_fainted=True).advice)
    assert "no_driving_if_drowsy" not in ids(aftercare_for().advice)


def test_head_and_neck_or_a_first_session_adds_the_fainting_advice():
    assert "faint_first_session" in ids(aftercare_for(muscles=["masseter"]).advice)
    assert "faint_first_session" in ids(aftercare_for(first_session=True).advice)
    assert "faint_first_session" not in ids(aftercare_for(muscles=["soleus"]).advice)


def test_spinal_muscles_add_the_spinal_red_flag():
    assert "spinal" in ids(aftercare_for(muscles=["thoracolumbar_multifidi"]).red_flags)


def test_items_keep_the_order_of_the_data_file():
    care = aftercare_for(
        electrical=True,
        thorax=True,
        head_neck=True,
        spinal=True,
        anticoagulant=True,
        first_session=True,
        drowsy_or_fainted=True,
    )
    assert ids(care.items) == ids(K.aftercare)


def test_an_unknown_muscle_is_an_error():
    with pytest.raises(ChartingError, match="did you mean deltoid"):
        aftercare_for(muscles=["deltiod"])


def test_a_charted_session_derives_its_facts():
    screening = screen({"anticoagulant": True}, as_of=date(2026, 11, 22))
    plan = SessionPlan(
        entries=(
            NeedlingEntry("upper_trapezius", Side.LEFT, "electrical", 2, 2),
            NeedlingEntry("iliocostalis_lumborum", Side.RIGHT, "deep", 0, 0),
        ),
        first_session=False,
        screening=screening,
    )
    care = aftercare_for_plan(plan, drowsy_or_fainted=False)
    assert {
        AppliesWhen.THORAX,
        AppliesWhen.HEAD_NECK,
        AppliesWhen.ELECTRICAL,
        AppliesWhen.ANTICOAGULANT,
    } <= care.conditions
    assert {"electrical_device", "pressure_if_bleeding", "faint_first_session"} <= set(
        ids(care.advice)
    )
    assert "pneumothorax" in ids(care.red_flags)
