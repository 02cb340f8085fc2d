"""ICD-10-CM from the shipped code set: describe, validate, search, and the conditions' codes."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from taut.clinical import icd10
from taut.clinical.icd10 import Icd10Error, describe, is_valid, search, validate
from taut.clinical.knowledge import load_knowledge


@pytest.fixture(scope="module", autouse=True)
def code_set():
    icd10._index()  # parse the CDC file once for the module (a few seconds)


def test_the_recorded_code_set_is_the_installed_package_version():
    assert version("simple-icd-10-cm") in icd10.CODE_SET
    source = load_knowledge().source(icd10.SOURCE_KEY)
    assert "April 1, 2026" in source.citation and version("simple-icd-10-cm") in source.citation


def test_it_describes_a_code_whatever_its_dot_and_case():
    assert describe("m5450").description == "Low back pain, unspecified"
    assert describe(" M54.50 ").code == "M54.50"


def test_a_category_is_described_but_not_valid_for_a_diagnosis():
    assert describe("M54.5").billable is False
    with pytest.raises(Icd10Error, match=r"M54\.5 is a category.*M54\.50"):
        validate("M54.5")


def test_an_unknown_code_is_refused_with_the_code_set_named():
    with pytest.raises(Icd10Error, match="not an ICD-10-CM code.*April 2026"):
        describe("M99.999")
    assert is_valid("Z99.999") is False


def test_a_code_prefix_lists_the_code_then_its_children():
    codes = [found.code for found in search("M54.5")]
    assert codes == ["M54.5", "M54.50", "M54.51", "M54.59"]


def test_words_rank_the_description_that_opens_with_them_first():
    found = search("low back pain", limit=5)
    assert found[0].code == "M54.50"
    assert all("low back pain" in f.description.lower() for f in found[:4])


def test_words_match_as_prefixes_in_any_order():
    codes = {found.code for found in search("epicond lateral", limit=10)}
    assert {"M77.10", "M77.11", "M77.12"} <= codes


def test_an_inclusion_term_finds_the_code_it_belongs_to():
    assert search("plantar fasciitis", limit=3)[0].code == "M72.2"


def test_a_query_matching_nothing_returns_nothing():
    assert search("xylophone needling") == []
    assert search("   ") == []


def test_every_condition_maps_to_billable_codes_of_the_shipped_set():
    for condition in load_knowledge().conditions:
        assert condition.icd10, f"{condition.id} has no ICD-10-CM code"
        for code in condition.icd10:
            assert validate(code).billable, f"{condition.id}: {code}"


@pytest.mark.parametrize(
    ("condition", "code", "words"),
    [
        ("low_back_pain", "M54.50", "low back pain"),
        ("neck_shoulder_pain", "M54.2", "cervicalgia"),
        ("headache", "G44.209", "tension-type headache"),
        ("tmj_pain", "M26.629", "temporomandibular"),
        ("patellofemoral_pain", "M22.2X9", "patellofemoral"),
        ("plantar_heel_pain", "M72.2", "plantar fascial"),
        ("lateral_elbow_pain", "M77.10", "lateral epicondylitis"),
        ("hip_gluteal_pain", "M25.559", "pain in unspecified hip"),
        ("sciatica_like_pain", "M54.30", "sciatica"),
        ("post_surgical_scar", "L90.5", "scar"),
    ],
)
def test_each_conditions_first_code_says_what_the_condition_is(condition, code, words):
    mapped = load_knowledge().condition(condition).icd10
    assert mapped[0] == code
    assert words in describe(code).description.lower()
