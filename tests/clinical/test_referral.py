"""The referral engine ranks muscles whose patterns explain a pain drawing."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taut.clinical.anatomy import ReferralPattern, ZoneKind
from taut.clinical.knowledge import load_knowledge
from taut.clinical.records import Side
from taut.clinical.referral import UnknownRegionError, rank_muscles, valid_region_ids

KNOWLEDGE = load_knowledge()


def pattern(muscle, essential, trp_site, spillover=()):
    return ReferralPattern.model_validate(
        {
            "muscle": muscle,
            "essential": essential,
            "spillover": spillover,
            "trp_site": trp_site,
            "source": "TS1",
            "chapter": "test",
            "evidence": "secondary",
        }
    )


def with_patterns(*patterns: ReferralPattern):
    """The shipped knowledge with only the given referral patterns (sources and ids stay real)."""
    return dataclasses.replace(KNOWLEDGE, referral_patterns=patterns)


def ranked(regions, knowledge=KNOWLEDGE, top=10):
    return [(s.muscle, s.side.value) for s in rank_muscles(regions, knowledge=knowledge, top=top)]


def test_it_prefers_essential_over_spillover():
    knowledge = with_patterns(
        pattern("masseter", ("cheek",), ("jaw_tmj",)),
        pattern("temporalis", ("temple",), ("temple",), spillover=("cheek",)),
    )
    assert ranked(["cheek_l"], knowledge) == [("masseter", "l"), ("temporalis", "l")]


def test_local_pain_over_the_muscle_weighs_least():
    knowledge = with_patterns(
        pattern("deltoid", ("arm_lateral",), ("shoulder_lateral",)),
        pattern("supraspinatus", ("shoulder_top",), ("scapula",), spillover=("shoulder_lateral",)),
    )
    assert ranked(["shoulder_lateral_r"], knowledge) == [("supraspinatus", "r"), ("deltoid", "r")]


def test_left_pain_suggests_left_muscles():
    suggestions = rank_muscles(["temple_l", "occiput_l"])
    assert suggestions
    assert {s.side for s in suggestions} == {Side.LEFT}
    assert all(region.endswith("_l") for s in suggestions for region, _ in s.matched)


def test_midline_region_matches_both_sides():
    suggestions = rank_muscles(["vertex"])
    splenius = [s.side for s in suggestions if s.muscle == "splenius_capitis"]
    assert splenius == [Side.LEFT, Side.RIGHT]


def test_a_drawing_with_both_sides_gives_per_side_suggestions():
    both = ranked(["calf_l", "calf_r"], top=100)
    assert ("gastrocnemius", "l") in both and ("gastrocnemius", "r") in both


def test_bilateral_zone_suggests_the_muscle_on_either_side():
    sides = [
        s.side for s in rank_muscles(["forehead_r"], top=50) if s.muscle == "sternocleidomastoid"
    ]
    assert sides == [Side.LEFT, Side.RIGHT]


def test_rare_region_outweighs_common_region():
    knowledge = with_patterns(
        # Three muscles refer to the knee, only one to the big toe.
        pattern("vastus_medialis", ("knee_anterior",), ("thigh_medial",)),
        pattern("rectus_femoris", ("knee_anterior",), ("thigh_anterior",)),
        pattern("vastus_lateralis", ("knee_anterior",), ("thigh_lateral",)),
        pattern("flexor_hallucis_longus", ("toe_big",), ("calf",)),
    )
    assert ranked(["knee_anterior_l", "toe_big_l"], knowledge)[0] == ("flexor_hallucis_longus", "l")


def test_more_coverage_ranks_higher():
    knowledge = with_patterns(
        pattern("gluteus_medius", ("buttock", "hip_lateral"), ("buttock",)),
        pattern("piriformis", ("buttock",), ("buttock",)),
    )
    suggestions = rank_muscles(["buttock_r", "hip_lateral_r"], knowledge=knowledge)
    assert [(s.muscle, s.coverage) for s in suggestions] == [
        ("gluteus_medius", 1.0),
        ("piriformis", 0.5),
    ]


def test_ties_break_by_muscle_then_side():
    knowledge = with_patterns(
        pattern("soleus", ("heel",), ("calf",)),
        pattern("abductor_hallucis", ("heel",), ("foot_plantar",)),
    )
    result = rank_muscles(["heel_r", "heel_l"], knowledge=knowledge)
    assert [(s.muscle, s.side.value) for s in result] == [
        ("abductor_hallucis", "l"), ("abductor_hallucis", "r"), ("soleus", "l"), ("soleus", "r"),
    ]  # fmt: skip
    assert len({s.score for s in result}) == 1


def test_it_does_not_depend_on_the_order_or_repetition_of_regions():
    assert rank_muscles(["temple_l", "occiput_l"]) == rank_muscles(
        ["occiput_l", "temple_l", "occiput_l"]
    )


def test_unknown_region_lists_close_ids():
    with pytest.raises(UnknownRegionError) as caught:
        rank_muscles(["templ_l", "occiput_l"])
    assert isinstance(caught.value, ValueError)
    assert "templ_l" in str(caught.value) and "temple_l" in str(caught.value)
    assert "temple_l" in caught.value.close["templ_l"]


def test_a_base_id_of_a_sided_region_is_refused_with_its_sided_ids():
    with pytest.raises(UnknownRegionError, match="temple_l, temple_r"):
        rank_muscles(["temple"])


def test_empty_drawing_gives_no_suggestions():
    assert rank_muscles([]) == []


def test_top_limits_the_list():
    assert len(rank_muscles(["chest_l"], top=3)) == 3
    assert rank_muscles(["chest_l"], top=0) == []


def test_a_single_string_is_refused():
    with pytest.raises(TypeError):
        rank_muscles("temple_l")


def test_suggestion_is_immutable_and_explains_itself():
    suggestion = rank_muscles(["temple_l"], top=1)[0]
    with pytest.raises(AttributeError):
        suggestion.score = 0  # type: ignore[misc]
    assert suggestion.muscle in {"temporalis", "upper_trapezius", "semispinalis_capitis"}
    assert "Left temple (essential zone)" in suggestion.explanation
    assert "temple_l" not in suggestion.explanation
    assert suggestion.source.startswith("TS1")
    assert suggestion.matched[0] == ("temple_l", ZoneKind.ESSENTIAL)


def test_known_headache_drawing_suggests_the_classic_muscles():
    top5 = {s.muscle for s in rank_muscles(["temple_l", "occiput_l"], top=5)}
    assert {"upper_trapezius", "suboccipitals", "semispinalis_capitis"} <= top5


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(valid_region_ids()), max_size=8))
def test_any_drawing_ranks_by_score_and_only_with_drawn_regions(regions):
    suggestions = rank_muscles(regions, top=20)
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    for suggestion in suggestions:
        assert suggestion.matched
        assert {region for region, _ in suggestion.matched} <= set(regions)
        assert 0 < suggestion.coverage <= 1
        assert suggestion.score > 0
