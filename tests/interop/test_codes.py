"""codes.toml: the cited terminology codes FHIR exports use, checked when the knowledge loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from taut.clinical.knowledge import DEFAULT_DIRECTORY, KnowledgeError, load_knowledge
from taut.interop.fhir.codes import code_source, coded


def test_nprs_and_the_sides_have_cited_codes() -> None:
    knowledge = load_knowledge()
    nprs = knowledge.code_for("instrument:nprs")
    assert nprs is not None and (nprs.system, nprs.code) == ("http://loinc.org", "72514-3")
    assert "loinc.org/72514-3" not in code_source("instrument:nprs")  # a citation, not a URL
    assert "LOINC 72514-3" in code_source("instrument:nprs")
    left = knowledge.code_for("side:l")
    assert left is not None and left.code == "7771000"


def test_concepts_without_a_cited_code_are_text_only() -> None:
    assert coded("instrument:ndi", "Neck Disability Index") == {"text": "Neck Disability Index"}
    assert code_source("instrument:ndi") == ""


def _with_codes(tmp_path: Path, extra: str) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    with (directory / "codes.toml").open("a") as handle:
        handle.write(extra)
    return directory


def test_a_code_for_an_unknown_instrument_is_refused(tmp_path: Path) -> None:
    directory = _with_codes(
        tmp_path,
        '\n[[code]]\nid = "x"\nconcept = "instrument:nprz"\nsystem = "http://loinc.org"\n'
        'code = "1-1"\ndisplay = "X"\nsource = "LOINC72514"\nevidence = "verified"\n',
    )
    with pytest.raises(KnowledgeError, match="unknown instrument 'nprz'.*did you mean nprs"):
        load_knowledge(directory)


def test_a_second_code_for_one_concept_is_refused(tmp_path: Path) -> None:
    directory = _with_codes(
        tmp_path,
        '\n[[code]]\nid = "nprs_again"\nconcept = "instrument:nprs"\nsystem = "http://loinc.org"\n'
        'code = "1-1"\ndisplay = "X"\nsource = "LOINC72514"\nevidence = "verified"\n',
    )
    with pytest.raises(KnowledgeError, match="second code for 'instrument:nprs'"):
        load_knowledge(directory)


def test_a_code_without_a_known_source_is_refused(tmp_path: Path) -> None:
    directory = _with_codes(
        tmp_path,
        '\n[[code]]\nid = "vas_code"\nconcept = "instrument:vas"\nsystem = "http://loinc.org"\n'
        'code = "1-1"\ndisplay = "X"\nsource = "Nowhere"\nevidence = "verified"\n',
    )
    with pytest.raises(KnowledgeError, match="unknown source 'Nowhere'"):
        load_knowledge(directory)
