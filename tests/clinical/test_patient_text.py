"""Issue #14, part 3: the knowledge data keeps the patient's words apart from the clinician's note,
and the loader (and so `taut knowledge check`) refuses a patient text that carries a research
note or an id."""

from __future__ import annotations

from pathlib import Path

import pytest

from taut.cli.knowledge import main
from taut.clinical.billing import load_billing
from taut.clinical.knowledge import load_knowledge
from taut.clinical.records import research_markers
from tests.clinical.test_knowledge_errors import broken_copy, load_error

SUPERFICIAL = 'patient_text = "A fine needle is placed just under the skin'


def test_every_technique_has_patient_words_apart_from_the_clinical_description() -> None:
    for technique in load_knowledge().techniques:
        assert technique.patient_text and technique.patient_text != technique.description
    pistoning = load_knowledge().technique("pistoning")
    assert "[U]" in pistoning.description  # the clinician still sees the research note
    assert research_markers(pistoning.patient_text) == []


def test_a_research_marker_in_a_patient_text_is_refused_naming_the_record(tmp_path: Path) -> None:
    directory = broken_copy(
        tmp_path, "techniques.toml", SUPERFICIAL, 'patient_text = "Not retrieved [U]. A fine'
    )
    error = load_error(directory)
    assert (error.file, error.record) == ("techniques.toml", "technique 'superficial' (#1)")
    assert "patient_text" in error.reason and "research notes and ids" in error.reason


def test_an_id_in_a_patient_text_is_refused(tmp_path: Path) -> None:
    directory = broken_copy(
        tmp_path,
        "aftercare.toml",
        'text = "A small bruise can appear',
        'text = "Over neck_posterior_l a small bruise can appear',
    )
    error = load_error(directory)
    assert error.file == "aftercare.toml" and "neck_posterior_l" in error.reason


def test_an_event_in_the_consent_summary_needs_patient_words(tmp_path: Path) -> None:
    directory = broken_copy(
        tmp_path,
        "adverse_events.toml",
        'patient_text = "A small bruise where a needle went in; it fades within a few days"\n',
        "",
    )
    error = load_error(directory)
    assert error.record == "event 'bruising' (#4)" and "needs its patient_text" in error.reason


def test_an_event_in_the_consent_summary_needs_a_rate_above_zero(tmp_path: Path) -> None:
    directory = broken_copy(
        tmp_path,
        "adverse_events.toml",
        'label = "headache"\ntypical_severity = "mild"\n',
        'label = "headache"\ntypical_severity = "mild"\npatient_text = "A headache"\n'
        'consent_summary = "common"\n',
    )
    text = (directory / "adverse_events.toml").read_text()
    (directory / "adverse_events.toml").write_text(
        text.replace("numerator = 11\ndenominator = 7629", "numerator = 0\ndenominator = 7629")
    )
    error = load_error(directory)
    assert error.record == "event 'headache' (#9)" and "above zero" in error.reason


def test_knowledge_check_refuses_a_billing_statement_with_a_marker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = broken_copy(
        tmp_path,
        "billing.toml",
        'patient_text = "Muscles are counted, not needles',
        'patient_text = "Unverified: muscles are counted, not needles',
    )
    assert main(["--directory", str(directory), "check"]) == 1
    error = capsys.readouterr().err
    assert "billing.toml" in error and "rule 'count_muscles'" in error


def test_knowledge_check_counts_the_patient_texts_it_vouches_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "patient texts" in out and "no research note and no id" in out


def test_the_superbill_states_only_the_rules_written_for_payers() -> None:
    statements = load_billing().payer_statements
    assert "The left and the right of one muscle count as two muscles." in statements
    assert all(research_markers(s) == [] for s in statements)
    assert not any("Taut" in s or "Medicare" in s for s in statements)
