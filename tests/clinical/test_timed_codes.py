"""The 8-minute rule, checked against the worked examples of the Medicare Claims Processing
Manual, Pub. 100-04, chapter 5, section 20.2 (examples 1-4 as reproduced by FindACode 2015 and
the unit chart as published by First Coast Service Options). The case of several services of 7
minutes or less follows the section's text on them, not a numbered example."""

from __future__ import annotations

import pytest

from taut.clinical.knowledge import UnknownIdError
from taut.clinical.timed_codes import (
    Kind,
    Method,
    load_timed_codes,
    timed_units,
    units_for_minutes,
)


@pytest.mark.parametrize(
    ("minutes", "units"),
    [
        (0, 0),
        (7, 0),
        (8, 1),
        (22, 1),
        (23, 2),
        (37, 2),
        (38, 3),
        (52, 3),
        (53, 4),
        (67, 4),
        (68, 5),
        (113, 8),
        (127, 8),
        (128, 9),
    ],
)
def test_the_unit_chart_matches_the_cms_table(minutes, units):
    assert units_for_minutes(minutes) == units


def test_example_1_gives_the_extra_unit_to_the_service_with_the_most_minutes():
    # 24 min 97112 + 23 min 97110 = 47 min -> 3 units: 2 x 97112, 1 x 97110.
    result = timed_units({"97112": 24, "97110": 23})
    assert result.units == {"97112": 2, "97110": 1}
    assert result.total_timed_units == 3
    assert result.timed_minutes == 47
    assert result.choice_among == ()


def test_example_2_equal_minutes_leave_the_third_unit_to_the_clinician():
    # 20 + 20 = 40 min -> 3 units; either code takes 2, never 3 on one code.
    result = timed_units({"97112": 20, "97110": 20})
    assert sorted(result.units.values()) == [1, 2]
    assert set(result.choice_among) == {"97112", "97110"}


def test_example_3_seven_minutes_of_manual_therapy_beat_three_left_over_minutes():
    # 33 min 97110 + 7 min 97140 = 40 min -> 2 x 97110, 1 x 97140.
    result = timed_units({"97110": 33, "97140": 7})
    assert result.units == {"97110": 2, "97140": 1}


def test_example_4_ultrasound_of_8_minutes_goes_unbilled_when_units_run_out():
    # 18 97110 + 13 97140 + 10 97116 + 8 97035 = 49 min -> 3 units: 97110, 97140, 97116.
    result = timed_units({"97110": 18, "97140": 13, "97116": 10, "97035": 8})
    assert result.units == {"97110": 1, "97140": 1, "97116": 1}
    assert result.unbilled == ("97035",)


def test_three_services_of_7_minutes_give_one_unit_for_one_chosen_code():
    result = timed_units({"97112": 7, "97110": 7, "97140": 7})
    assert sum(result.units.values()) == 1
    assert set(result.choice_among) == {"97112", "97110", "97140"}


def test_a_lone_service_under_8_minutes_is_not_billed():
    result = timed_units({"97140": 7})
    assert result.units == {}
    assert result.unbilled == ("97140",)


def test_two_short_services_together_bill_the_longer_one():
    result = timed_units({"97110": 5, "97140": 6})
    assert result.units == {"97140": 1}


def test_the_per_service_method_counts_each_code_on_its_own_minutes():
    result = timed_units({"97110": 33, "97140": 7}, method=Method.PER_SERVICE)
    assert result.units == {"97110": 2}
    assert result.unbilled == ("97140",)


def test_the_two_methods_differ_where_short_services_add_up():
    minutes = {"97110": 7, "97112": 7}
    assert timed_units(minutes).total_timed_units == 1
    assert timed_units(minutes, method=Method.PER_SERVICE).total_timed_units == 0


def test_untimed_codes_bill_one_unit_and_add_no_minutes():
    result = timed_units({"97110": 10, "G0283": 15})
    assert result.units == {"97110": 1, "G0283": 1}
    assert result.timed_minutes == 10


def test_an_unknown_code_names_the_close_ones():
    with pytest.raises(UnknownIdError, match="97111"):
        timed_units({"97111": 10})


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="negative"):
        timed_units({"97110": -1})


def test_the_data_lists_the_codes_of_the_issue_with_their_kind_and_sources():
    data = load_timed_codes()
    kinds = {service.code: service.kind for service in data.services}
    for code in ("97110", "97112", "97140", "97530", "97035", "97032"):
        assert kinds[code] is Kind.TIMED
    assert kinds["97014"] is Kind.UNTIMED and kinds["G0283"] is Kind.UNTIMED
    assert all(service.source for service in data.services)
    assert {row.id for row in data.methods} == set(Method)
