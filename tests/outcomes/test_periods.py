from datetime import date, timedelta

import pytest

from taut.outcomes.periods import Periods, month_end, split_range


def test_whole_months_are_months_and_the_edges_are_days():
    assert split_range(date(2025, 11, 24), date(2026, 11, 23)) == Periods(
        (date(2025, 12, 1), date(2026, 10, 1)),
        ((date(2025, 11, 24), date(2025, 11, 30)), (date(2026, 11, 1), date(2026, 11, 23))),
    )


def test_a_range_of_whole_months_has_no_days():
    assert split_range(date(2026, 1, 1), date(2026, 2, 28)) == Periods(
        (date(2026, 1, 1), date(2026, 2, 1)), ()
    )


def test_a_range_inside_one_month_is_days():
    assert split_range(date(2026, 1, 5), date(2026, 1, 12)) == Periods(
        None, ((date(2026, 1, 5), date(2026, 1, 12)),)
    )


def test_a_range_across_two_partial_months_is_days():
    assert split_range(date(2026, 1, 20), date(2026, 2, 10)) == Periods(
        None, ((date(2026, 1, 20), date(2026, 2, 10)),)
    )


def test_month_ends_know_leap_years():
    assert month_end(date(2024, 2, 3)) == date(2024, 2, 29)
    assert month_end(date(2026, 12, 31)) == date(2026, 12, 31)


@pytest.mark.parametrize("length", [0, 1, 27, 31, 45, 62, 365, 800])
@pytest.mark.parametrize("start", [date(2024, 1, 1), date(2024, 2, 15), date(2025, 12, 31)])
def test_every_day_of_the_range_is_covered_exactly_once(start, length):
    end = start + timedelta(days=length)
    periods = split_range(start, end)
    covered = []
    for first, last in periods.days:
        covered += [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if periods.months:
        month = periods.months[0]
        while month <= periods.months[1]:
            covered += [month + timedelta(days=n) for n in range(month_end(month).day)]
            month = month_end(month) + timedelta(days=1)
    assert sorted(covered) == [start + timedelta(days=n) for n in range(length + 1)]


def test_a_backwards_range_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        split_range(date(2026, 2, 1), date(2026, 1, 1))
