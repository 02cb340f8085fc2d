"""Charting safety: live warnings and refusals over the shipped data, and the needle count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taut.clinical.knowledge import load_knowledge
from taut.clinical.records import Evidence, Side
from taut.clinical.safety import (
    ChartingError,
    NeedlingEntry,
    SessionPlan,
    Severity,
    WarningCode,
    entry_check,
    needling_warnings,
    reconcile_needles,
)
from taut.clinical.screening import screen
from tests.clinical.facts import AS_OF, SAFE

K = load_knowledge()


def entry(muscle, side="l", technique="deep", needles_in=1, needles_out=None, **extra):
    return NeedlingEntry(muscle, Side(side), technique, needles_in, needles_out, **extra)


def plan(*entries, first_session=False, screening=None, implanted_device=False):
    return SessionPlan(entries, first_session, screening, implanted_device)


def screened(**facts):
    return screen({**SAFE, **facts}, as_of=AS_OF)


def codes(warnings):
    return [w.code for w in warnings]


def of(warnings, code):
    return [w for w in warnings if w.code is code]


# --- lung and thorax ----------------------------------------------------------------------------


def test_upper_trapezius_warns_of_the_lung_with_the_mri_depths():
    (lung,) = of(needling_warnings(plan(entry("upper_trapezius"))), WarningCode.LUNG)
    assert lung.severity is Severity.WARN
    assert (lung.muscle, lung.side) == ("upper_trapezius", Side.LEFT)
    assert "high lung risk" in lung.message
    assert any("46.7-53.5 mm (MRI, 57 people)" in d for d in lung.details)
    assert any("33.4 mm" in d for d in lung.details)
    assert "pincer grip" in lung.advice
    assert lung.source == ("ThaiMRI", "SA-Guide")
    assert lung.evidence is Evidence.VERIFIED


def test_a_caution_lung_muscle_warns_and_a_limb_muscle_does_not():
    warnings = needling_warnings(plan(entry("levator_scapulae"), entry("deltoid")))
    (lung,) = of(warnings, WarningCode.LUNG)
    assert lung.muscle == "levator_scapulae"
    assert "caution lung risk" in lung.message
    assert lung.evidence is Evidence.SECONDARY  # Cushman


def test_a_lung_warning_weakest_evidence_wins_when_records_combine():
    (lung,) = of(needling_warnings(plan(entry("middle_trapezius"))), WarningCode.LUNG)
    assert lung.source == ("Cushman", "CSP19")
    assert lung.evidence is Evidence.SECONDARY


def test_both_sides_of_the_thorax_in_one_session_warns():
    session = plan(entry("upper_trapezius", "l"), entry("deltoid", "r"), entry("rhomboids", "r"))
    (both,) = of(needling_warnings(session), WarningCode.BOTH_SIDES_OF_THORAX)
    assert both.severity is Severity.WARN
    assert both.entries == (0, 2)
    assert "left: upper trapezius; right: rhomboids" in both.message
    assert "bilateral pneumothorax" in both.advice
    assert both.source == ("SA-Guide",)
    assert both.evidence is Evidence.VERIFIED


def test_one_side_of_the_thorax_does_not_warn_of_both_sides():
    session = plan(entry("upper_trapezius", "l"), entry("rhomboids", "l"), entry("deltoid", "r"))
    assert not of(needling_warnings(session), WarningCode.BOTH_SIDES_OF_THORAX)


# --- neurovascular ------------------------------------------------------------------------------


def test_each_structure_near_a_muscle_warns_with_its_note_and_source():
    warnings = of(needling_warnings(plan(entry("suboccipitals"))), WarningCode.NEUROVASCULAR)
    assert [w.message for w in warnings] == [
        "suboccipital muscles (left): near the brainstem and spinal meninges. "
        "Take special care when needling near the spine.",
        "suboccipital muscles (left): near the vertebral artery.",
        "suboccipital muscles (left): near the greater occipital nerve.",
    ]
    assert warnings[1].source == ("DNHandout", "SA-Guide")
    assert "Palpate the pulse" in warnings[0].advice


def test_a_hazard_with_figures_shows_them():
    (nerve, _vessels) = of(needling_warnings(plan(entry("iliopsoas"))), WarningCode.NEUROVASCULAR)
    assert "femoral nerve to the AIIS, side-lying: 35.7 mm" in nerve.details


# --- screening limits ---------------------------------------------------------------------------


def test_a_region_limited_by_lymphoedema_is_refused_not_warned():
    screening = screened(lymphoedema_regions=["forearm_volar_l"])
    session = plan(entry("biceps_brachii", "l"), entry("biceps_brachii", "r"), screening=screening)
    warnings = needling_warnings(session)
    (refused,) = of(warnings, WarningCode.REGION_REFUSED)
    assert refused.severity is Severity.REFUSE
    assert (refused.muscle, refused.side, refused.entries) == ("biceps_brachii", Side.LEFT, (0,))
    assert refused.finding == "lymphoedema_limb"
    assert "Lymphoedema" in refused.message
    arm = "Left front of the upper arm over biceps, with the crease of the elbow"
    assert f"refused region: {arm}" in refused.details
    assert refused.source == screening.finding("lymphoedema_limb").source
    assert not [w for w in warnings if w.finding == "lymphoedema_limb" and w.severity != "refuse"]


def test_an_infected_region_refuses_only_the_muscle_over_it():
    screening = screened(infection_regions=["calf_r"])
    session = plan(entry("gastrocnemius", "r"), entry("soleus", "l"), screening=screening)
    assert entry_check(session.entries[0], session).refusals
    assert not entry_check(session.entries[1], session).refusals


def test_a_contraindicated_screening_refuses_every_entry():
    screening = screened(acute_illness=True)
    session = plan(entry("deltoid"), entry("soleus", "r"), screening=screening)
    (refusal,) = of(needling_warnings(session), WarningCode.CONTRAINDICATED)
    assert refusal.entries == () and refusal.finding == "acute_illness"
    for row in session.entries:
        check = entry_check(row, session)
        assert not check.allowed
        assert check.refusals[0].finding == "acute_illness"


def test_electrical_needling_with_a_pacemaker_is_refused():
    screening = screened(implanted_electrical_device=True)
    session = plan(entry("deltoid", technique="electrical"), screening=screening)
    check = entry_check(session.entries[0], session)
    (refusal,) = check.refusals
    assert refusal.code is WarningCode.TECHNIQUE_REFUSED
    assert refusal.finding == "implanted_device_electrical"
    assert refusal.technique == "electrical"
    assert not of(check.warnings, WarningCode.ELECTRICAL_DEVICE)


def test_current_through_a_periosteal_needle_counts_as_electrical():
    screening = screened(implanted_electrical_device=True)
    stimulated = entry("vastus_medialis", technique="periosteal", stimulation=True)
    plain = entry("vastus_medialis", "r", technique="periosteal")
    session = plan(stimulated, plain, screening=screening)
    assert entry_check(stimulated, session).refusals
    assert not entry_check(plain, session).refusals


def test_manual_needling_with_a_pacemaker_is_not_refused():
    screening = screened(implanted_electrical_device=True)
    session = plan(entry("deltoid"), screening=screening, implanted_device=True)
    assert entry_check(session.entries[0], session).allowed


def test_a_device_the_screening_does_not_refuse_warns_about_the_current():
    session = plan(entry("deltoid", technique="electrical"), implanted_device=True)
    (warning,) = of(needling_warnings(session), WarningCode.ELECTRICAL_DEVICE)
    assert warning.severity is Severity.WARN
    assert "across the heart" in warning.message
    assert warning.source == ("Sierpina05", "Goldfields")


def test_a_deep_needle_into_a_noncompressible_muscle_on_anticoagulants_warns():
    screening = screened(anticoagulant=True)
    deep = entry("piriformis", technique="deep")
    shallow = entry("piriformis", "r", technique="superficial")
    shallow_by_depth = entry("gluteus_minimus", technique="deep", depth_mm=8)
    compressible = entry("gluteus_maximus", technique="deep")
    session = plan(deep, shallow, shallow_by_depth, compressible, screening=screening)
    (warning,) = of(needling_warnings(session), WarningCode.BLEEDING_DEEP_MUSCLE)
    assert (warning.muscle, warning.entries, warning.finding) == (
        "piriformis",
        (0,),
        "anticoagulant",
    )
    assert "Munoz22" in warning.source


def test_a_bleeding_disorder_warns_for_deep_noncompressible_muscles_too():
    screening = screened(bleeding_disorder=True)
    session = plan(entry("iliopsoas"), screening=screening)
    (warning,) = of(needling_warnings(session), WarningCode.BLEEDING_DEEP_MUSCLE)
    assert warning.finding == "bleeding_disorder"


def test_a_precaution_over_the_entry_region_warns_naming_the_finding():
    screening = screened(pregnant=True, pregnancy_trimester=2)
    session = plan(entry("upper_trapezius"), entry("deltoid"), screening=screening)
    warnings = of(needling_warnings(session), WarningCode.SCREENING_PRECAUTION)
    assert [(w.muscle, w.finding) for w in warnings] == [
        ("upper_trapezius", "pregnancy_caution_sites")
    ]
    assert "sites: GB21 (upper trapezius, top of the shoulder)" in warnings[0].details


# --- first session, notes, order ----------------------------------------------------------------


def test_first_session_head_and_neck_warns_about_fainting():
    session = plan(
        entry("upper_trapezius"), entry("deltoid"), entry("masseter", "r"), first_session=True
    )
    (faint,) = of(needling_warnings(session), WarningCode.FIRST_SESSION_HEAD_NECK)
    assert faint.entries == (0, 2)
    assert "upper trapezius, masseter" in faint.message
    assert "lying down" in faint.advice
    assert {"EssOst", "White01"} <= set(faint.source)
    assert any("31,822 consultations" in d for d in faint.details)
    assert any("0.3%" in d for d in faint.details)
    later = plan(*session.entries, first_session=False)
    assert not of(needling_warnings(later), WarningCode.FIRST_SESSION_HEAD_NECK)


def test_technique_notes_of_a_muscle_without_lung_risk_are_info():
    (note,) = of(needling_warnings(plan(entry("infraspinatus"))), WarningCode.TECHNIQUE_NOTE)
    assert note.severity is Severity.INFO
    assert "congenital foramen" in note.message


def test_refusals_come_first_and_the_order_is_deterministic():
    screening = screened(lymphoedema_regions=["forearm_volar_r"])
    session = plan(
        entry("upper_trapezius"),
        entry("infraspinatus"),
        entry("pronator_teres", "r"),
        first_session=True,
        screening=screening,
    )
    warnings = needling_warnings(session)
    ranks = [("refuse", "warn", "info").index(w.severity) for w in warnings]
    assert ranks == sorted(ranks)
    assert warnings[0].code is WarningCode.REGION_REFUSED
    assert needling_warnings(session) == warnings


def test_identical_entries_are_reported_once_with_both_indexes():
    session = plan(entry("rhomboids"), entry("rhomboids", technique="superficial"))
    (lung,) = of(needling_warnings(session), WarningCode.LUNG)
    assert lung.entries == (0, 1)


def test_entry_check_sees_a_row_not_yet_in_the_plan():
    session = plan(entry("upper_trapezius", "l"))
    check = entry_check(entry("rhomboids", "r"), session)
    assert WarningCode.BOTH_SIDES_OF_THORAX in codes(check.warnings)
    assert WarningCode.LUNG in codes(check.warnings)
    assert all(w.muscle in (None, "rhomboids") for w in check.warnings)


def test_unknown_ids_and_bad_counts_are_charting_errors():
    with pytest.raises(ChartingError, match="infraspinatus"):
        needling_warnings(plan(entry("infraspinatis")))
    with pytest.raises(ChartingError, match="technique"):
        needling_warnings(plan(entry("deltoid", technique="dep")))
    with pytest.raises(ChartingError, match="needles_in"):
        entry("deltoid", needles_in=-1)
    with pytest.raises(ChartingError, match="side"):
        NeedlingEntry("deltoid", "x", "deep", 1)  # type: ignore[arg-type]


def test_warnings_serialise_to_json():
    (lung,) = of(needling_warnings(plan(entry("upper_trapezius"))), WarningCode.LUNG)
    data = lung.to_json()
    assert data["code"] == "lung" and data["side"] == "l" and data["entries"] == [0]


# --- recorded depth -----------------------------------------------------------------------------


def test_a_depth_deeper_than_the_needle_is_long_is_refused():
    row = entry("deltoid", depth_mm=45, needle_length_mm=40)
    check = entry_check(row, plan())
    (refusal,) = check.refusals
    assert refusal.code is WarningCode.DEPTH_BEYOND_NEEDLE and not check.allowed
    assert "45 mm is deeper than the needle is long (40 mm)" in refusal.message
    assert refusal.source == ("TautDesign",) and refusal.details == ("depth 45 mm, needle 40 mm",)


def test_a_depth_up_to_the_needle_length_is_allowed():
    assert entry_check(entry("deltoid", depth_mm=40, needle_length_mm=40), plan()).allowed
    assert entry_check(entry("deltoid", depth_mm=12.5, needle_length_mm=30), plan()).allowed


def test_an_unknown_depth_or_needle_length_refuses_nothing():
    assert entry_check(entry("deltoid", needle_length_mm=30), plan()).allowed
    assert entry_check(entry("deltoid", depth_mm=60), plan()).allowed


def test_a_rhomboid_depth_beyond_the_published_safe_depth_is_refused_with_its_source():
    check = entry_check(entry("rhomboids", "r", depth_mm=22, needle_length_mm=30), plan())
    (refusal,) = check.refusals
    assert refusal.code is WarningCode.DEPTH_BEYOND_SAFE_DEPTH
    assert (refusal.muscle, refusal.side) == ("rhomboids", Side.RIGHT)
    assert "22 mm is beyond the safe depth of 19 mm" in refusal.message
    assert refusal.source == ("Valera",) and refusal.evidence is Evidence.VERIFIED
    assert "no deeper than 19 mm" in refusal.advice
    assert refusal.details[0].startswith("safe depth 19 mm (59 healthy adults")


def test_the_safe_depth_itself_is_allowed_and_both_limits_can_refuse_at_once():
    assert entry_check(entry("rhomboids", depth_mm=19, needle_length_mm=30), plan()).allowed
    both = entry_check(entry("rhomboids", depth_mm=35, needle_length_mm=30), plan())
    assert codes(both.refusals) == [
        WarningCode.DEPTH_BEYOND_NEEDLE,
        WarningCode.DEPTH_BEYOND_SAFE_DEPTH,
    ]


def test_a_muscle_without_safe_depth_data_has_no_depth_limit_of_its_own():
    # The upper trapezius has lung distances, not an advised maximum: only the needle limits it.
    assert K.muscle("upper_trapezius").safe_depth is None
    assert entry_check(entry("upper_trapezius", depth_mm=45, needle_length_mm=50), plan()).allowed


def test_a_needle_length_must_be_a_positive_number():
    for bad in (0, -30, True, "40"):
        with pytest.raises(ChartingError, match="needle_length_mm"):
            entry("deltoid", needle_length_mm=bad)


# --- needle count -------------------------------------------------------------------------------


def test_a_missing_needle_blocks_signing_and_names_the_entry():
    count = reconcile_needles(
        [
            entry("upper_trapezius", "l", needles_in=3, needles_out=2),
            entry("deltoid", "r", needles_in=2, needles_out=2),
            entry("rhomboids", "r", needles_in=1),
        ]
    )
    assert not count.complete
    assert (count.total_in, count.total_out) == (6, 4)
    assert count.messages == (
        "upper trapezius (left): 3 in, 2 out",
        "rhomboids (right): 1 in, not counted out",
    )
    assert [m.entry_index for m in count.mismatches] == [0, 2]
    assert count.source == ("White01", "TautDesign")
    assert count.evidence is Evidence.UNVERIFIED


def test_a_full_count_out_allows_signing():
    count = reconcile_needles([entry("deltoid", needles_in=4, needles_out=4)])
    assert count.complete and not count.mismatches


def test_more_needles_out_than_in_is_a_mismatch_too():
    count = reconcile_needles([entry("deltoid", needles_in=2, needles_out=3)])
    assert count.messages == ("deltoid (left): 2 in, 3 out",)


COUNTS = st.lists(
    st.tuples(st.integers(0, 8), st.none() | st.integers(0, 8)), min_size=0, max_size=6
)


@given(COUNTS)
def test_reconcile_is_complete_iff_every_entry_counts_out_what_went_in(counts):
    entries = [entry("deltoid", needles_in=i, needles_out=o) for i, o in counts]
    count = reconcile_needles(entries)
    assert count.complete == all(o == i for i, o in counts)
    assert count.total_in == sum(i for i, _ in counts)
    assert len(count.mismatches) == sum(o != i for i, o in counts)
