"""The referral engine finds the responsible muscle in published cases (referral_cases.json)."""

from __future__ import annotations

from pathlib import Path

import pytest

from taut.clinical.knowledge import load_knowledge
from taut.clinical.referral_eval import KS, evaluate, load_cases

CASES_FILE = Path(__file__).with_name("referral_cases.json")
CASES = load_cases(CASES_FILE)
needs_cases = pytest.mark.skipif(
    not CASES, reason=f"no referral cases yet: {CASES_FILE.name} is missing or empty"
)

# Regression floors, set below the figures measured when the engine was written (32 cases:
# hit@5 0.81, recall@5 0.72, MRR 0.50; with 40 cases: hit@5 0.83, recall@5 0.74, MRR 0.50) so
# that a worse scorer or worse data fails loudly.
MIN_HIT_AT_5 = 0.70
MIN_RECALL_AT_5 = 0.60
MIN_MRR = 0.40


@needs_cases
def test_cases_use_known_region_and_muscle_ids():
    knowledge = load_knowledge()
    drawing = {region.id for region in knowledge.drawing_regions}
    muscles = {muscle.id for muscle in knowledge.muscles}
    for case in CASES:
        assert case.regions and set(case.regions) <= drawing, case.id
        assert case.expected_muscles and set(case.expected_muscles) <= muscles, case.id


@needs_cases
def test_it_ranks_the_published_muscle_high_enough():
    result = evaluate(CASES)
    summary = f"hit@k {result.hit}, recall@k {result.recall}, MRR {result.mrr:.3f}"
    assert result.hit[5] >= MIN_HIT_AT_5, summary
    assert result.recall[5] >= MIN_RECALL_AT_5, summary
    assert result.mrr >= MIN_MRR, summary


@needs_cases
def test_recall_grows_with_k():
    result = evaluate(CASES)
    assert [result.recall[k] for k in KS] == sorted(result.recall[k] for k in KS)


def test_an_absent_cases_file_means_no_cases(tmp_path):
    assert load_cases(tmp_path / "referral_cases.json") == []
    with pytest.raises(ValueError, match="no cases"):
        evaluate([])
