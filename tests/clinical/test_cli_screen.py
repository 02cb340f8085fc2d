"""`taut screen FILE.json [--json]`: the stable JSON interface, the report and the exit codes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from taut import cli
from taut.cli.screen import main
from taut.clinical.anatomy import Limb
from taut.clinical.knowledge import load_knowledge
from taut.clinical.records import Side

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "intake-example.json"
INTAKE_FACTS = ROOT.parent / "shared" / "domain" / "intake-facts.md"
STABLE_KEYS = {"code", "level", "applies_to", "message", "source"}


def run_json(capsys, path: Path | str) -> dict:
    assert main([str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def by_code(output: dict) -> dict[str, dict]:
    return {finding["code"]: finding for finding in output["findings"]}


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_example_gives_the_pregnancy_anticoagulant_lymphoedema_and_device_findings(capsys):
    output = run_json(capsys, EXAMPLE)
    assert output["as_of"] == "2026-11-22" and output["blocked"] is False
    findings = by_code(output)
    assert findings["pregnancy"]["level"] == "precaution"
    assert findings["pregnancy_caution_sites"]["level"] == "precaution"
    assert findings["pregnancy_blocked_sites"]["level"] == "limit"
    assert findings["anticoagulant"]["level"] == "precaution"
    lymphoedema = findings["lymphoedema_limb"]
    assert lymphoedema["level"] == "limit"
    left_arm = load_knowledge().limb_regions(Side.LEFT, Limb.ARM)
    assert set(lymphoedema["applies_to"]) == set(left_arm)
    device = findings["implanted_device_electrical"]
    assert device["level"] == "limit" and device["applies_to"] == ["electrical"]


def test_every_finding_carries_the_stable_fields(capsys):
    for finding in run_json(capsys, EXAMPLE)["findings"]:
        assert set(finding) >= STABLE_KEYS
        assert finding["level"] in {"contraindicated", "precaution", "limit"}
        assert finding["applies_to"] == "all" or isinstance(finding["applies_to"], list)
        assert finding["source"] and all(isinstance(key, str) for key in finding["source"])


def test_limits_outside_the_plan_are_marked_not_relevant(capsys):
    findings = by_code(run_json(capsys, EXAMPLE))
    assert findings["lymphoedema_limb"]["relevant"] is False
    assert findings["implanted_device_electrical"]["relevant"] is True


def test_the_report_groups_findings_by_level_with_their_sources(capsys):
    assert main([str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Screening as of 2026-11-22: not blocked")
    precautions, limits = out.index("PRECAUTIONS"), out.index("LIMITS")
    assert precautions < out.index("  anticoagulant") < limits < out.index("  lymphoedema_limb")
    assert "source: Munoz22 (verified)" in out
    assert "lymphoedema_limb  [outside the plan]" in out
    assert "SOURCES" in out and "Munoz22: " in out


def test_a_contraindicated_result_still_exits_0_and_says_blocked(tmp_path, capsys):
    path = write(tmp_path, {"as_of": "2026-11-22", "facts": {"needle_phobia": True}})
    output = run_json(capsys, path)
    assert output["blocked"] is True
    assert output["findings"][0]["code"] == "needle_phobia"
    assert main([str(path)]) == 0
    assert "BLOCKED" in capsys.readouterr().out


def test_it_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"as_of": "2026-11-22", "facts": {}}'))
    assert "unanswered:needle_phobia" in by_code(run_json(capsys, "-"))


def test_the_taut_command_dispatches_to_it(capsys):
    assert cli.main(["screen", str(EXAMPLE), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2026-11-22"


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"facts": {}}, "as_of: required"),
        ({"as_of": "22.11.2026", "facts": {}}, "as_of: expected an ISO date"),
        ({"as_of": "2026-11-22", "facts": {"pregnancy_trimester": "two"}}, "pregnancy_trimester"),
        ({"as_of": "2026-11-22", "facts": {"pregnent": True}}, "did you mean pregnant"),
        (
            {"as_of": "2026-11-22", "facts": {}, "plan": {"regions": ["shoulder_l"]}},
            "plan.regions: unknown drawing region id 'shoulder_l'",
        ),
    ],
)
def test_a_bad_file_exits_2_naming_the_field(tmp_path, capsys, document, expected):
    assert main([str(write(tmp_path, document)), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert expected in captured.err and captured.err.startswith("taut screen: ")


def test_a_file_that_is_not_json_exits_2(tmp_path, capsys):
    path = tmp_path / "intake.json"
    path.write_text("{as_of: 2026-11-22}", encoding="utf-8")
    assert main([str(path)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main([str(tmp_path / "nowhere.json")]) == 2
    assert "cannot read the file" in capsys.readouterr().err


@pytest.mark.skipif(not INTAKE_FACTS.exists(), reason="shared/domain is not beside the checkout")
def test_the_documented_example_is_the_one_of_intake_facts():
    text = INTAKE_FACTS.read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, flags=re.DOTALL)
    assert block is not None
    assert json.loads(block.group(1)) == json.loads(EXAMPLE.read_text(encoding="utf-8"))
