"""Course-of-care rules: responder, reassess, plateau, worsening and the end-of-plan suggestion.

NPRS (0-10, higher is worse) is the worked instrument: its first verified within-person MCID in
points is 2 (Ostelo08, low back pain consensus), which `default_mcid` picks.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from taut.clinical.course import (
    RULE_NOTE,
    CourseFlag,
    CoursePolicy,
    EndOfPlan,
    FlagCode,
    MCIDChoice,
    NoMcidError,
    Observation,
    course_flags,
    default_mcid,
    responder,
    split_into_episodes,
    summarise_course,
)
from taut.clinical.knowledge import load_knowledge
from taut.clinical.measures import McidUnit
from taut.clinical.records import Evidence

K = load_knowledge()
START = date(2026, 3, 2)


def series(*values: float, first_session: int = 1) -> list[Observation]:
    """One observation a week, sessions numbered from `first_session`."""
    return [
        Observation(first_session + i, START + timedelta(weeks=i), value)
        for i, value in enumerate(values)
    ]


def mcid(instrument: str, source: str, unit: McidUnit = McidUnit.POINTS):
    return next(m for m in K.instrument(instrument).mcids if source in m.source and m.unit is unit)


def codes(flags: tuple[CourseFlag, ...]) -> list[str]:
    return [flag.code.value for flag in flags]


# --- the MCID --------------------------------------------------------------------------------


def test_it_picks_the_first_verified_point_mcid_of_the_instrument():
    choice = default_mcid("nprs")
    assert (choice.instrument, choice.value, choice.unit) == ("nprs", 2, McidUnit.POINTS)
    assert choice.source == ("Ostelo08",)
    assert choice.population == "low back pain (consensus)"
    assert choice.evidence is Evidence.VERIFIED


def test_it_resolves_an_instrument_by_abbreviation():
    assert default_mcid("HIT-6", knowledge=K).instrument == "hit6"


def test_it_refuses_an_instrument_without_a_within_person_mcid():
    with pytest.raises(NoMcidError, match="ppt"):
        default_mcid("ppt")


def test_it_refuses_a_between_groups_difference():
    between = next(m for m in K.instrument("hit6").mcids if m.context.value == "between_groups")
    with pytest.raises(ValueError, match="between-groups"):
        MCIDChoice("hit6", between)


def test_it_refuses_an_mcid_chosen_for_another_instrument():
    with pytest.raises(ValueError, match="vas"):
        responder("nprs", *series(7, 4), mcid=default_mcid("vas"))


def test_the_rule_note_says_it_is_a_design_choice_and_cites_the_brief():
    assert "design choice" in RULE_NOTE
    assert "[U]" in RULE_NOTE
    assert "no guideline" in RULE_NOTE.lower()


# --- responder -------------------------------------------------------------------------------


def test_a_fall_of_three_nprs_points_is_a_response_with_ostelo08():
    baseline, latest = series(7, 4)
    status = responder("nprs", baseline, latest)
    assert status.responded
    assert status.change == 3
    assert (status.mcid_value, status.mcid_unit) == (2, McidUnit.POINTS)
    assert status.population == "low back pain (consensus)"
    assert status.source == ("Ostelo08",)
    assert status.evidence is Evidence.VERIFIED
    assert "improved by 3 points" in status.explanation
    assert "Ostelo08" in status.explanation
    assert status.explanation.endswith("a responder.")
    assert "Ostelo08" not in status.statement and "[" not in status.statement  # for reports
    assert status.statement.endswith("a responder.")


def test_a_change_of_exactly_the_mcid_counts():
    assert responder("nprs", *series(7, 5)).responded


def test_a_change_below_the_mcid_is_not_a_response():
    status = responder("nprs", *series(7, 5.5))
    assert not status.responded
    assert status.change == 1.5
    assert status.explanation.endswith("not a responder.")


def test_a_chosen_mcid_for_the_patients_population_applies():
    neck = mcid("nprs", "Cleland08")  # 1.3 points, mechanical neck pain
    status = responder("nprs", *series(7, 5.5), mcid=neck)
    assert status.responded
    assert (status.mcid_value, status.population) == (1.3, "mechanical neck pain")
    assert status.source == ("Cleland08",)


def test_improvement_follows_the_instruments_direction():
    # LEFS: higher is better, MCID 9 (Binkley99)
    assert responder("lefs", *series(30, 40)).responded
    assert not responder("lefs", *series(40, 30)).responded


def test_a_percent_change_mcid_is_relative_to_baseline():
    percent = mcid("nprs", "Ostelo08", McidUnit.PERCENT_CHANGE)  # 30 %
    assert responder("nprs", *series(5, 3.5), mcid=percent).responded  # 30 % less
    assert not responder("nprs", *series(5, 4), mcid=percent).responded  # 20 % less
    assert not responder("nprs", *series(0, 0), mcid=percent).responded  # no % of zero


# --- course flags ----------------------------------------------------------------------------


def test_it_flags_a_planned_reassessment_point():
    flags = course_flags("nprs", series(7, 6, 4), planned_sessions=6, reassess_at=(3, 6))
    assert codes(flags) == ["reassess"]
    assert flags[0].triggered_by == (Observation(3, START + timedelta(weeks=2), 4),)
    assert flags[0].suggestion is None


def test_it_flags_a_plateau_after_three_sessions_without_an_mcid_sized_change():
    obs = series(8, 6, 6, 5.5, 5.2)
    flags = course_flags("nprs", obs, planned_sessions=8)
    assert codes(flags) == ["plateau"]
    assert flags[0].triggered_by == tuple(obs[-3:])
    assert "sessions 3-5" in flags[0].message


def test_a_plateau_compares_the_windows_first_with_its_best_later_value():
    # 6 -> 3.9 (2.1 better) then back to 5.5: the best later value reached the MCID
    assert codes(course_flags("nprs", series(8, 6, 3.9, 5.5), planned_sessions=8)) == []


def test_there_is_no_plateau_with_too_few_observations():
    assert course_flags("nprs", series(7, 7), planned_sessions=8) == ()
    assert course_flags("nprs", series(7), planned_sessions=8) == ()


def test_the_plateau_window_follows_the_policy():
    obs = series(8, 7, 5.5, 5.2)  # 7 -> 5.2 over the last 3 is 1.8; 8 -> 5.2 over 4 is 2.8
    assert codes(course_flags("nprs", obs, planned_sessions=8)) == ["plateau"]
    policy = CoursePolicy(plateau_sessions=4)
    assert course_flags("nprs", obs, planned_sessions=8, policy=policy) == ()


def test_the_policy_needs_at_least_two_observations_in_the_window():
    with pytest.raises(ValueError, match="plateau_sessions"):
        CoursePolicy(plateau_sessions=1)


def test_a_plateau_in_a_higher_is_better_instrument():
    # LEFS MCID 9: 30 -> 35 -> 38 is 8 points, short of it
    assert codes(course_flags("lefs", series(20, 30, 35, 38), planned_sessions=8)) == ["plateau"]
    assert course_flags("lefs", series(20, 30, 35, 39), planned_sessions=8) == ()


def test_it_flags_worsening_by_at_least_the_mcid():
    obs = series(5, 7)
    flags = course_flags("nprs", obs, planned_sessions=8)
    assert codes(flags) == ["worsening"]
    assert flags[0].triggered_by == (obs[0], obs[1])
    assert "5 at session 1, 7 at session 2" in flags[0].message


def test_it_does_not_flag_worsening_below_the_mcid():
    assert course_flags("nprs", series(5, 6.5), planned_sessions=8) == ()


def test_the_end_of_plan_suggests_discharge_for_a_responder():
    obs = series(8, 6, 4, 2)
    (flag,) = course_flags("nprs", obs, planned_sessions=4)
    assert flag.code is FlagCode.END_OF_PLAN
    assert flag.suggestion == EndOfPlan.DISCHARGE == "discharge"
    assert flag.triggered_by == (obs[0], obs[-1])
    assert "the last planned session" in flag.message


def test_the_end_of_plan_suggests_a_new_plan_when_improving_short_of_the_mcid():
    (flag,) = course_flags("nprs", series(7, 5.5), planned_sessions=2)  # 1.5 better
    assert flag.code is FlagCode.END_OF_PLAN
    assert flag.suggestion == "continue with a new plan"
    assert "not a responder" in flag.message


def test_the_end_of_plan_suggests_discontinuing_without_improvement():
    flags = course_flags("nprs", series(6, 6, 6, 6), planned_sessions=4)
    assert codes(flags) == ["plateau", "end_of_plan"]
    assert flags[-1].suggestion == "discontinue and consider other treatment"


def test_the_end_of_plan_still_shows_after_the_planned_sessions():
    (flag,) = course_flags("nprs", series(8, 5, 4, 2, 1, first_session=2), planned_sessions=4)
    assert flag.code is FlagCode.END_OF_PLAN
    assert "past the 4 planned sessions" in flag.message


def test_flags_come_in_a_stable_order():
    flags = course_flags("nprs", series(5, 7, 7, 7), planned_sessions=4, reassess_at=(4,))
    assert codes(flags) == ["reassess", "plateau", "worsening", "end_of_plan"]
    assert flags[-1].suggestion == EndOfPlan.DISCONTINUE


def test_the_series_is_read_in_session_order():
    obs = series(8, 6, 4, 2)
    assert course_flags("nprs", list(reversed(obs)), planned_sessions=4) == course_flags(
        "nprs", obs, planned_sessions=4
    )


def test_it_refuses_two_observations_for_one_session():
    obs = [Observation(1, START, 7), Observation(1, START, 6)]
    with pytest.raises(ValueError, match="session 1"):
        course_flags("nprs", obs, planned_sessions=4)


def test_it_refuses_an_empty_series_and_an_empty_plan():
    with pytest.raises(ValueError, match="series"):
        course_flags("nprs", [], planned_sessions=4)
    with pytest.raises(ValueError, match="planned_sessions"):
        course_flags("nprs", series(7), planned_sessions=0)


# --- episodes and course summaries (the dashboard's roll-up) ---------------------------------


def test_a_pause_longer_than_the_gap_starts_a_new_episode():
    days = [date(2025, 6, 2), date(2026, 1, 5), date(2026, 1, 12), date(2026, 4, 13)]
    assert split_into_episodes(days, gap_days=90) == [range(0, 1), range(1, 3), range(3, 4)]


def test_a_pause_of_exactly_the_gap_stays_in_the_episode():
    days = [date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=90)]
    assert split_into_episodes(days, gap_days=90) == [range(0, 2)]


def test_episodes_need_days_in_order_and_a_positive_gap():
    assert split_into_episodes([]) == []
    with pytest.raises(ValueError, match="in order"):
        split_into_episodes([date(2026, 2, 1), date(2026, 1, 1)])
    with pytest.raises(ValueError, match="gap_days"):
        split_into_episodes([date(2026, 1, 1)], gap_days=0)


def test_a_summary_agrees_with_the_responder_and_flag_rules():
    course = series(8, 6, 5, 4)
    summary = summarise_course("nprs", course)
    assert (summary.observations, summary.baseline, summary.latest) == (4, 8, 4)
    assert summary.change == 4 and summary.mcid == 2
    assert summary.responded is responder("nprs", course[0], course[-1]).responded is True
    assert summary.worsened is False
    # 6 -> 4 over the last three reaches the MCID; 5 -> 4 over the last two does not
    assert summary.plateau_windows == {2}


def test_a_summary_lists_each_window_that_plateaued():
    summary = summarise_course("nprs", series(6, 6, 5))
    for window in range(2, 11):
        flags = course_flags(
            "nprs", series(6, 6, 5), planned_sessions=9, policy=CoursePolicy(window)
        )
        assert (window in summary.plateau_windows) == (FlagCode.PLATEAU in [f.code for f in flags])
    assert summary.plateau_windows == {2, 3}
    assert summary.plateau_mask == (1 << 2) | (1 << 3)


def test_a_summary_marks_worsening_by_the_mcid():
    summary = summarise_course("nprs", series(5, 8))
    assert (summary.change, summary.worsened, summary.responded) == (-3, True, False)


def test_a_single_observation_is_neither_responder_nor_worse():
    summary = summarise_course("nprs", series(5))
    assert (summary.responded, summary.worsened, summary.plateau_windows) == (
        False,
        False,
        frozenset(),
    )
