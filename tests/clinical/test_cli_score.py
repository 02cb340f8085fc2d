"""`taut score INSTRUMENT --answers A,B,C [--json]`: the stable interface of design.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from taut.cli.score import main, parse_answers


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


def test_it_prints_the_score_and_its_scale_as_json(capsys):
    result = run_json(capsys, "quickdash", "--answers", ",".join(["3"] * 11))
    assert result["instrument"] == "quickdash"
    assert result["score"] == 50.0
    assert result["scale"] == {"min": 0, "max": 100, "unit": "points"}
    assert result["direction"] == "higher_is_worse"
    assert (result["items_answered"], result["items_missing"]) == (11, 0)


def test_it_lists_the_mcids_from_the_data_with_their_sources(capsys):
    result = run_json(capsys, "quickdash", "--answers", ",".join(["3"] * 11))
    assert result["mcids"][0] == {
        "value": 15.91,
        "value_max": None,
        "unit": "points",
        "context": "within_person",
        "population": "upper-limb disorders",
        "source": ["Franch14"],
        "evidence": "verified",
        "note": "",
    }
    assert [m["value"] for m in result["mcids"]] == [15.91, 14, 10.8]


def test_it_gives_the_hit6_band(capsys):
    result = run_json(capsys, "HIT-6", "--answers", "10,10,10,10,10,10")
    assert (result["instrument"], result["score"], result["band"]) == ("hit6", 60, "severe impact")


@pytest.mark.parametrize("name", ["hit6", "hit_6", "HIT6", "Hit-6"])
def test_it_accepts_the_id_in_any_case_and_obvious_aliases(capsys, name):
    assert run_json(capsys, name, "--answers", "6,6,6,6,6,6")["instrument"] == "hit6"


def test_a_dash_marks_an_unanswered_item_even_as_the_first_answer(capsys):
    result = run_json(capsys, "odi", "--answers", "-,3,3,3,3,3,3,3,3,3")
    assert (result["score"], result["items_missing"], result["raw_sum"]) == (60.0, 1, 27)


def test_it_accepts_a_negative_rating(capsys):
    assert run_json(capsys, "groc", "--answers", "-3")["score"] == -3
    assert run_json(capsys, "groc", "--answers=+5")["thresholds_met"] == [
        "success in the knee-osteoarthritis trial"
    ]


def test_it_averages_algometer_readings(capsys):
    assert run_json(capsys, "ppt", "--answers", "2.1, 2.3, 2.4")["score"] == 2.27


def test_without_json_it_prints_a_readable_line_and_the_mcids(capsys):
    code, out, _ = run(capsys, "hit6", "--answers", "10,10,10,10,10,10")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "HIT-6 60 on 36 to 78 points (higher is worse); 6 of 6 answered; severe impact"
    )
    assert lines[1].startswith("Minimal important change: 2.5-6 points")


def test_without_json_a_percentage_shows_its_decimal(capsys):
    _, out, _ = run(capsys, "ndi", "--answers", "2,2,2,2,2,2,2,2,2,-")
    assert out.startswith("NDI 40.0 on 0 to 100% (higher is worse); 9 of 10 answered")


def test_it_exits_2_naming_the_item_out_of_range(capsys):
    code, out, err = run(capsys, "ndi", "--answers", "2,2,2,7,2,2,2,2,2,2")
    assert (code, out) == (2, "")
    assert err == "taut score: item 4: 7 is outside 0-5\n"


def test_it_exits_2_on_the_wrong_number_of_items(capsys):
    code, _, err = run(capsys, "ndi", "--answers", "2,2,2,2,2,2,2,2,2", "--json")
    assert (code, err) == (2, "taut score: NDI expects 10 items, got 9\n")


def test_it_exits_2_with_too_many_missing_items(capsys):
    code, _, err = run(capsys, "dash", "--answers", ",".join(["-"] * 4 + ["3"] * 26))
    assert code == 2
    assert "DASH: 4 items missing (items 1, 2, 3, 4); the DASH rule allows at most 3" in err


def test_it_exits_2_on_a_kujala_answer_the_item_does_not_offer(capsys):
    code, _, err = run(capsys, "kujala", "--answers", "5,4,5,10,5,10,10,10,10,10,10,5,5")
    assert code == 2
    assert 'item 2 "support (weight bearing)": 4 is not one of' in err


def test_it_exits_2_on_an_unknown_instrument_and_lists_the_known_ones(capsys):
    code, _, err = run(capsys, "quickdahs", "--answers", "3")
    assert code == 2
    assert "unknown instrument id 'quickdahs' (did you mean quickdash?)" in err
    assert "known instruments: nprs" in err


@pytest.mark.parametrize(
    ("answers", "message"),
    [("3,x,3", "item 2: 'x' is not a number"), ("3,,3", "item 2: empty answer")],
)
def test_it_exits_2_on_an_answer_that_is_not_a_number(capsys, answers, message):
    code, _, err = run(capsys, "nprs", "--answers", answers)
    assert code == 2
    assert message in err


def test_parse_answers_keeps_whole_numbers_as_ints_and_dashes_as_none():
    assert parse_answers("3, -,2.5,-1") == [3, None, 2.5, -1]


def test_it_runs_as_taut_score_in_a_subprocess():
    env = {**os.environ, "TAUT_TESTING": "1"}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "taut.cli",
            "score",
            "quickdash",
            "--answers",
            "3,3,3,3,3,3,3,3,3,3,3",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["score"] == 50.0


def test_an_unscorable_form_exits_non_zero_in_a_subprocess():
    completed = subprocess.run(
        [sys.executable, "-m", "taut.cli", "score", "lefs", "--answers", "4,4,-"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 2
    assert completed.stderr == "taut score: LEFS expects 20 items, got 3\n"
