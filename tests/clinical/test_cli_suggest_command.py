"""`taut suggest` prints ranked muscles as a table or JSON and refuses unknown regions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from taut.cli.suggest import main

ROOT = Path(__file__).resolve().parents[2]


def test_it_prints_json_best_first(capsys):
    assert main(["--regions", "temple_l,occiput_l", "--top", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result) == 3
    assert {"muscle", "side", "score", "matched", "coverage", "explanation", "source"} <= set(
        result[0]
    )
    assert [row["score"] for row in result] == sorted(
        (row["score"] for row in result), reverse=True
    )
    assert all(row["side"] == "l" for row in result)
    assert result[0]["matched"][0] == {"region": "occiput_l", "zone": "essential"}


def test_it_prints_an_aligned_table(capsys):
    assert main(["--regions", "heel_r", "--top", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["#", "muscle", "side", "score"]
    assert len(lines) == 3
    assert lines[1].index(" r ") == lines[2].index(" r ")


def test_unknown_region_exits_2_naming_close_ids(capsys):
    assert main(["--regions", "temple_left"]) == 2
    error = capsys.readouterr().err
    assert "temple_left" in error and "temple_l" in error


def test_an_empty_drawing_says_so(capsys):
    assert main(["--regions", ","]) == 0
    assert "No muscle" in capsys.readouterr().out


def test_it_runs_as_the_taut_command():
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "taut.cli", "suggest", "--regions", "heel_l", "--json"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    rows = json.loads(result.stdout)
    assert rows[0]["side"] == "l" and rows[0]["score"] > 0
