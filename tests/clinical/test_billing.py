"""Billing: CPT 20560/20561 from the distinct muscles needled, one code per date of service."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taut.clinical.billing import (
    BillingError,
    codes_for_day,
    cpt_codes,
    load_billing,
)
from taut.clinical.knowledge import DEFAULT_DIRECTORY, KnowledgeError, load_knowledge
from taut.clinical.records import Evidence, Side
from taut.clinical.safety import NeedlingEntry

K = load_knowledge()
DAY = date(2026, 11, 22)
MUSCLES = [m.id for m in K.muscles]


def needled(muscle, side="l", needles=1, technique="deep", insertions=None):
    return NeedlingEntry(muscle, Side(side), technique, needles, needles, insertions=insertions)


def code_of(result):
    return None if result.code is None else result.code.code


def test_left_and_right_trapezius_count_as_two_muscles():
    result = cpt_codes(
        [needled("upper_trapezius", "l"), needled("upper_trapezius", "r")], date_of_service=DAY
    )
    assert result.distinct_muscles == 2
    assert result.counted == (("upper_trapezius", Side.LEFT), ("upper_trapezius", Side.RIGHT))
    assert code_of(result) == "20560"


def test_repeat_insertions_count_once():
    result = cpt_codes(
        [
            needled("deltoid", needles=4, insertions=9),
            needled("deltoid", technique="superficial"),
            needled("deltoid", technique="electrical", needles=2),
        ],
        date_of_service=DAY,
    )
    assert result.distinct_muscles == 1
    assert code_of(result) == "20560"


def test_three_muscles_bill_20561():
    result = cpt_codes(
        [needled("deltoid"), needled("infraspinatus"), ("rhomboids", "r")], date_of_service=DAY
    )
    assert result.distinct_muscles == 3
    (code,) = result.codes
    assert (code.code, code.units) == ("20561", 1)
    assert "3 or more muscles" in code.description
    assert code.source == ("APTA20",) and code.evidence is Evidence.VERIFIED


def test_no_muscle_needled_bills_no_code():
    result = cpt_codes([NeedlingEntry("deltoid", Side.LEFT, "deep", 0, 0)], date_of_service=DAY)
    assert result.codes == () and result.distinct_muscles == 0


def test_one_code_per_day_even_across_two_sessions():
    morning = cpt_codes([needled("deltoid"), needled("soleus", "r")], date_of_service=DAY)
    evening = cpt_codes([needled("soleus", "r"), needled("gastrocnemius")], date_of_service=DAY)
    assert code_of(morning) == code_of(evening) == "20560"
    day = codes_for_day([morning, evening])
    assert len(day.codes) == 1
    assert code_of(day) == "20561"
    assert day.distinct_muscles == 3  # soleus (right) twice counts once


def test_sessions_of_different_days_are_not_merged():
    first = cpt_codes([needled("deltoid")], date_of_service=DAY)
    other = cpt_codes([needled("deltoid")], date_of_service=date(2026, 11, 23))
    with pytest.raises(BillingError, match="2026-11-22, 2026-11-23"):
        codes_for_day([first, other])
    with pytest.raises(BillingError):
        codes_for_day([])


def test_the_rules_cite_their_sources_and_flag_what_is_unverified():
    rules = {rule.id: rule for rule in cpt_codes([], date_of_service=DAY).rules}
    assert rules["left_and_right"].source == ("AAPC",)
    assert rules["left_and_right"].evidence is Evidence.VERIFIED
    assert rules["counting_applies_to_dn"].evidence is Evidence.UNVERIFIED
    assert rules["one_code_per_day"].source == ("MiraHealth",)
    assert rules["medicare_non_covered"].source[0] == "Gawenda20"
    assert rules["medicare_non_covered"].evidence is Evidence.VERIFIED


def test_an_unknown_muscle_is_refused():
    with pytest.raises(BillingError, match="did you mean deltoid"):
        cpt_codes([("deltiod", "l")], date_of_service=DAY)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "billing.toml"
    shutil.copy(DEFAULT_DIRECTORY / "billing.toml", path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('source = "APTA20"', 'source = "APTA21"', "code '20560' (#1): unknown source 'APTA21'"),
        ("min_muscles = 3", "min_muscles = 4", "min_muscles should be 3"),
        ('[[rule]]\nid = "count_muscles"', '[[rul]]\nid = "x"', "rul: unknown top-level key"),
        ('kind = "counting"', 'kind = "countng"', "rule 'count_muscles' (#1): kind"),
    ],
)
def test_a_broken_billing_file_names_the_file_the_record_and_the_reason(
    tmp_path, old, new, expected
):
    with pytest.raises(KnowledgeError) as caught:
        load_billing(_broken(tmp_path, old, new), knowledge=K)
    assert str(caught.value).startswith("billing.toml: ")
    assert expected in str(caught.value)


PAIRS = st.tuples(st.sampled_from(MUSCLES), st.sampled_from(list(Side)))
ENTRIES = st.lists(
    st.builds(
        lambda pair, needles, technique: NeedlingEntry(pair[0], pair[1], technique, needles),
        PAIRS,
        st.integers(0, 5),
        st.sampled_from([t.id for t in K.techniques]),
    ),
    max_size=10,
)


@given(ENTRIES, st.randoms(use_true_random=False))
def test_the_code_depends_only_on_the_count_of_distinct_muscle_sides(entries, random):
    distinct = {(e.muscle, e.side) for e in entries if e.needles_in > 0}
    result = cpt_codes(entries, date_of_service=DAY)
    expected = None if not distinct else "20560" if len(distinct) <= 2 else "20561"
    assert result.distinct_muscles == len(distinct)
    assert code_of(result) == expected
    shuffled = [*entries, *entries]
    random.shuffle(shuffled)
    assert code_of(cpt_codes(shuffled, date_of_service=DAY)) == expected
