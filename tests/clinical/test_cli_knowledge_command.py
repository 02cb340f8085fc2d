"""`taut knowledge check` validates the data; `taut knowledge show` lists it."""

from __future__ import annotations

import json
import shutil

import pytest

from taut.cli.knowledge import TOPICS, main
from taut.clinical.knowledge import DEFAULT_DIRECTORY


def test_check_prints_counts_per_file(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "muscles.toml" in out and "72" in out
    assert "drawing ids" in out and "130" in out


def test_check_fails_with_the_message_for_a_broken_file(tmp_path, capsys):
    directory = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    path = directory / "conditions.toml"
    path.write_text(path.read_text().replace('"kujala", ', '"kujalla", '), encoding="utf-8")
    assert main(["--directory", str(directory), "check"]) == 1
    error = capsys.readouterr().err
    assert "conditions.toml" in error
    assert "condition 'patellofemoral_pain'" in error
    assert "unknown instrument 'kujalla'" in error


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_show_lists_every_topic_as_text_and_json(topic, capsys):
    assert main(["show", topic]) == 0
    assert len(capsys.readouterr().out.splitlines()) > 2
    assert main(["show", topic, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)


def test_show_jurisdictions_leads_with_the_confirm_notice(capsys):
    assert main(["show", "jurisdictions"]) == 0
    assert capsys.readouterr().out.startswith("Scope-of-practice rules change")
