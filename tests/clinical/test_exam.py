"""Examination reference data: vital limits before needling, norms, grades, tests, criteria."""

from __future__ import annotations

import pytest

from taut.clinical.exam import (
    Level,
    Region,
    VitalReadingError,
    load_exam,
    needling_deferred,
    rom_percent_of_norm,
    trigger_point_call,
    vital_flags,
)
from taut.clinical.knowledge import UnknownIdError


def test_a_normal_blood_pressure_raises_no_flag():
    assert vital_flags({"systolic_bp": 118, "diastolic_bp": 76, "heart_rate": 64}) == []


def test_a_crisis_range_systolic_defers_needling_and_cites_acc_aha():
    flags = vital_flags({"systolic_bp": 186, "diastolic_bp": 88})
    assert flags[0].level is Level.DEFER
    assert flags[0].limit.source == ("Whelton17", "TautDesign")
    assert needling_deferred(flags)


def test_exactly_180_systolic_is_not_over_180():
    flags = vital_flags({"systolic_bp": 180})
    assert [flag.level for flag in flags] == [Level.NOTE]


def test_a_diastolic_of_112_holds_exercise_but_does_not_defer_needling():
    flags = vital_flags({"diastolic_bp": 112})
    assert [flag.level for flag in flags] == [Level.CAUTION]
    assert not needling_deferred(flags)


def test_stage_2_starts_at_140_inclusive():
    assert vital_flags({"systolic_bp": 139}) == []
    assert vital_flags({"systolic_bp": 140})[0].level is Level.NOTE


def test_the_worst_flag_comes_first_across_vitals():
    flags = vital_flags({"systolic_bp": 150, "diastolic_bp": 125})
    assert [(f.vital, f.level) for f in flags] == [
        ("diastolic_bp", Level.DEFER),
        ("systolic_bp", Level.NOTE),
    ]


def test_heart_rate_has_no_cited_limit_and_says_so():
    exam = load_exam()
    heart = next(vital for vital in exam.vitals if vital.id == "heart_rate")
    assert "[U]" in heart.note
    assert not [limit for limit in exam.vital_limits if limit.vital == "heart_rate"]
    assert vital_flags({"heart_rate": 130}) == []


def test_an_implausible_reading_is_refused_with_the_vital_named():
    with pytest.raises(VitalReadingError, match="Systolic blood pressure: 400"):
        vital_flags({"systolic_bp": 400})
    with pytest.raises(VitalReadingError, match="unknown vital"):
        vital_flags({"pulse": 70})


def test_rom_norms_cover_the_joints_the_issue_names():
    assert {"cervical", "shoulder", "lumbar", "hip", "knee"} <= set(load_exam().joints())


def test_a_rom_reading_is_given_as_a_percentage_of_its_norm():
    assert rom_percent_of_norm("shoulder_flexion", 135) == 75.0
    with pytest.raises(UnknownIdError):
        rom_percent_of_norm("shoulder_flexon", 135)


def test_mmt_grades_run_from_0_to_5_with_definitions():
    grades = load_exam().mmt_grades
    assert [g.grade for g in grades] == [0, 1, 2, 3, 4, 5]
    assert "against gravity" in grades[3].definition


@pytest.mark.parametrize(
    ("test_id", "region"),
    [
        ("spurling", Region.CERVICAL),
        ("neer", Region.SHOULDER),
        ("hawkins_kennedy", Region.SHOULDER),
        ("empty_can", Region.SHOULDER),
        ("straight_leg_raise", Region.LUMBAR),
        ("slump", Region.LUMBAR),
        ("faber", Region.HIP),
        ("thomas", Region.HIP),
    ],
)
def test_each_named_special_test_is_listed_for_its_region_with_a_source(test_id, region):
    tests = {test.id: test for test in load_exam().tests_for(region)}
    assert test_id in tests
    assert tests[test_id].source and tests[test_id].accuracy


def test_three_essential_findings_make_a_trigger_point_and_recognition_makes_it_active():
    latent = trigger_point_call({"taut_band", "hypersensitive_spot", "referred_pain"})
    assert latent.meets_criteria and not latent.active
    active = trigger_point_call(
        {"taut_band", "hypersensitive_spot", "referred_pain", "symptom_recognition"}
    )
    assert active.active


def test_a_taut_band_alone_is_not_a_trigger_point_and_the_missing_criteria_are_named():
    call = trigger_point_call({"taut_band", "symptom_recognition"})
    assert not call.meets_criteria and not call.active
    assert call.missing == ("Hypersensitive spot (spot tenderness)", "Referred pain")


def test_an_unknown_palpation_finding_is_refused():
    with pytest.raises(UnknownIdError):
        trigger_point_call({"taut_bnd"})


def test_the_neuro_screen_lists_c5_to_t1_and_l2_to_s1():
    roots = [root.root for root in load_exam().roots]
    assert roots == ["C5", "C6", "C7", "C8", "T1", "L2", "L3", "L4", "L5", "S1"]
    assert all(root.key_sensory_point and root.key_muscle for root in load_exam().roots)


def test_a_limit_on_an_unknown_vital_fails_the_load_naming_the_record(tmp_path):
    from taut.clinical.knowledge import KnowledgeError, load_knowledge
    from tests.clinical.test_knowledge_errors import broken_copy

    directory = broken_copy(tmp_path, "exam.toml", 'vital = "systolic_bp"', 'vital = "sbp"')
    with pytest.raises(KnowledgeError, match="hypertensive_crisis_systolic.*unknown vital 'sbp'"):
        load_exam(load_knowledge(directory))


def test_an_exam_record_citing_an_unknown_source_fails_the_load(tmp_path):
    from taut.clinical.knowledge import KnowledgeError, load_knowledge
    from tests.clinical.test_knowledge_errors import broken_copy

    directory = broken_copy(tmp_path, "exam.toml", 'source = "Thoomes18"', 'source = "Thomes18"')
    with pytest.raises(KnowledgeError, match="spurling.*unknown source 'Thomes18'"):
        load_exam(load_knowledge(directory))
