"""Issue #14, part 4: one helper words every generated article and plural."""

from __future__ import annotations

import pytest

from taut.clinical.knowledge import load_knowledge
from taut.clinical.records import Side
from taut.clinical.safety import NeedlingEntry, reconcile_needles
from taut.clinical.wording import article, counted, plural, side_word, sided, with_article


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("initial evaluation", "an initial evaluation"),
        ("follow-up", "a follow-up"),
        ("unit of measure", "a unit of measure"),
        ("one-off visit", "a one-off visit"),
        ("European form", "a European form"),
        ("hour", "an hour"),
        ("MRI", "an MRI"),
        ("NPRS score", "an NPRS score"),
        ("URL", "a URL"),
        ("X-ray", "an X-ray"),
        ("8-week plan", "an 8-week plan"),
        ("18-year-old", "an 18-year-old"),
        ("1-week plan", "a 1-week plan"),
        ("Observation", "an Observation"),
        ("Bundle", "a Bundle"),
    ],
)
def test_it_picks_the_article_by_how_the_word_is_said(phrase: str, expected: str) -> None:
    assert with_article(phrase) == expected


def test_a_name_in_sentence_case_reads_in_lower_case_mid_sentence() -> None:
    assert with_article("Initial evaluation", name=True) == "an initial evaluation"
    assert with_article("Initial evaluation", name=True, capital=True) == "An initial evaluation"
    assert with_article("DN visit", name=True) == "a DN visit"


def test_an_empty_phrase_still_gets_an_article() -> None:
    assert article("") == "a"


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [
        (0, "session", "0 sessions"),
        (1, "session", "1 session"),
        (2, "match", "2 matches"),
        (3, "entry", "3 entries"),
        (2, "day", "2 days"),
        (1_200, "treatment", "1,200 treatments"),
    ],
)
def test_it_counts_a_noun(count: int, noun: str, expected: str) -> None:
    assert counted(count, noun) == expected


def test_an_irregular_plural_is_given() -> None:
    assert plural(2, "has", "have") == "have" and plural(1, "has", "have") == "has"


# --- sides --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("side", "word"),
    [("l", "left"), ("r", "right"), (Side.LEFT, "left"), (Side.RIGHT, "right"), ("left", "left")],
)
def test_a_side_reads_as_a_word_whether_stored_as_a_code_or_an_enum(side, word):
    assert side_word(side) == word


def test_a_midline_region_has_no_side_word():
    assert side_word(None) == ""
    assert side_word("midline") == ""


def test_a_sided_name_puts_the_side_after_the_name_in_brackets():
    assert sided("upper trapezius", "l") == "upper trapezius (left)"
    assert sided("sacrum", None) == "sacrum"


def test_a_leading_side_reads_as_a_list_entry_in_sentence_case():
    assert sided("temple", Side.RIGHT, leading=True) == "Right temple"
    assert sided("crown of the head", None, leading=True) == "Crown of the head"


def test_every_place_that_names_a_side_says_it_the_same_way():
    knowledge = load_knowledge()
    assert knowledge.region_name("temple_l") == "Left temple"
    entry = NeedlingEntry("infraspinatus", Side.LEFT, "deep", needles_in=3, needles_out=2)
    (mismatch,) = reconcile_needles([entry]).mismatches
    assert mismatch.message.startswith("infraspinatus (left):")
