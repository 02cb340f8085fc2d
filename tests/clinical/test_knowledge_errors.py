"""A broken knowledge file fails loudly, naming the file, the record and the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from taut.clinical.knowledge import DEFAULT_DIRECTORY, KnowledgeError, load_knowledge


def broken_copy(tmp_path: Path, file: str, old: str, new: str, count: int = 1) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {file}: {old!r}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return directory


def load_error(directory: Path) -> KnowledgeError:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return caught.value


BREAKAGES = {
    "misspelt table": (
        "conditions.toml",
        '[[condition]]\nid = "headache"',
        '[[conditon]]\nid = "headache"',
        ("conditions.toml", "conditon", "unknown top-level key"),
    ),
    "invalid TOML": (
        "regions.toml",
        'id = "temple"\n',
        'id = "temple\n',
        ("regions.toml", "file", "invalid TOML", "line"),
    ),
    "unknown region in a pattern": (
        "referral.toml",
        'essential = ["shoulder_anterior"]\n',
        'essential = ["shoulder_anteror"]\n',
        ("referral.toml", "pattern 'infraspinatus' (#16)", "unknown region 'shoulder_anteror'"),
    ),
    "evidence grade outside the vocabulary": (
        "muscles.toml",
        'id = "deltoid"\nname = "deltoid"',
        'id = "deltoid"\nname = "deltoid"\nhead_neck = "maybe"',
        ("muscles.toml", "muscle 'deltoid' (#26)", "head_neck"),
    ),
    "source key that does not exist": (
        "techniques.toml",
        'source = ["MPZ-RCT", "MPZ16", "Kalich10", "Griswold19"]',
        'source = ["MPZ-RCT", "MPZ17", "Kalich10", "Griswold19"]',
        ("techniques.toml", "technique 'deep' (#2)", "unknown source 'MPZ17'", "MPZ16"),
    ),
    "duplicate id": (
        "regions.toml",
        'id = "forehead"',
        'id = "vertex"',
        ("regions.toml", "region 'vertex' (#2)", "duplicate id 'vertex'"),
    ),
    "missing required field": (
        "regions.toml",
        'label = "temple"\n',
        "",
        ("regions.toml", "region 'temple' (#3)", "label: Field required"),
    ),
    "misspelt key": (
        "referral.toml",
        'muscle = "popliteus"\nessential',
        'muscle = "popliteus"\nessentail',
        ("referral.toml", "pattern 'popliteus' (#59)", "essentail"),
    ),
    "rule on a fact that does not exist": (
        "contraindications.toml",
        '{ fact = "diabetes", op = "eq", value = true }',
        '{ fact = "diabetic", op = "eq", value = true }',
        ("contraindications.toml", "rule 'diabetes'", "unknown intake fact 'diabetic'"),
    ),
    "rule comparing a yes/no fact with a number": (
        "contraindications.toml",
        '{ fact = "frail", op = "eq", value = true }',
        '{ fact = "frail", op = "ge", value = 2 }',
        ("contraindications.toml", "rule 'frail'", "does not fit the bool fact 'frail'"),
    ),
    "contraindication that does not block everything": (
        "contraindications.toml",
        'level = "contraindicated"\nwhen = [{ fact = "needle_phobia", op = "eq", value = true }]\n'
        "scope = { all = true }",
        'level = "contraindicated"\nwhen = [{ fact = "needle_phobia", op = "eq", value = true }]\n'
        'scope = { techniques = ["deep"] }',
        ("contraindications.toml", "rule 'needle_phobia' (#1)", "scope.all = true"),
    ),
    "muscle without a pattern": (
        "referral.toml",
        'muscle = "popliteus"',
        'muscle = "gastrocnemius"',
        ("referral.toml", "pattern 'gastrocnemius'", "duplicate muscle"),
    ),
    "adverse-event rate with more events than treatments": (
        "adverse_events.toml",
        "numerator = 355\n",
        "numerator = 9355\n",
        ("adverse_events.toml", "rate 'brady14_bleeding'", "numerator exceeds denominator"),
    ),
    "instrument with items that do not match its count": (
        "instruments.toml",
        "item_count = 13",
        "item_count = 12",
        ("instruments.toml", "instrument 'kujala' (#13)", "item_count 12 but 13 items"),
    ),
}


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=list(BREAKAGES))
def test_it_names_file_record_and_reason(tmp_path, breakage):
    file, old, new, expected = breakage
    error = load_error(broken_copy(tmp_path, file, old, new))
    message = str(error)
    for fragment in expected:
        assert fragment in message
    assert error.file == file


def test_it_reports_a_missing_file(tmp_path):
    directory = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    (directory / "instruments.toml").unlink()
    error = load_error(directory)
    assert (error.file, error.record) == ("instruments.toml", "file")
    assert "not found" in error.reason


def test_it_refuses_a_pattern_region_not_over_the_muscle(tmp_path):
    directory = broken_copy(
        tmp_path, "referral.toml", 'trp_site = ["knee_posterior"]', 'trp_site = ["calf"]'
    )
    error = load_error(directory)
    assert error.record == "pattern 'popliteus' (#59)"
    assert "not among the muscle's overlies" in error.reason


def test_it_refuses_overlapping_jurisdiction_rules(tmp_path):
    directory = broken_copy(tmp_path, "jurisdictions.toml", "effective_to = 2026-01-01\n", "")
    error = load_error(directory)
    assert error.record == "jurisdiction 'us_co' (#16)"
    assert "in force at the same time" in error.reason


def test_a_failed_load_is_not_cached(tmp_path):
    directory = broken_copy(tmp_path, "regions.toml", 'id = "temple"\n', 'id = "temple\n')
    load_error(directory)
    (directory / "regions.toml").write_text(
        (DEFAULT_DIRECTORY / "regions.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert load_knowledge(directory).region("temple").sided
