"""Referral engine benchmark: accuracy on the published cases and suggestions per second.

    .venv/bin/python bench/bench_referral.py

Prints plain text lines. Accuracy needs tests/clinical/referral_cases.json; speed is measured on
random 1-4-region drawings in one process (goal: at least 20,000 rankings per second).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from taut.clinical.knowledge import load_knowledge  # noqa: E402
from taut.clinical.referral import rank_muscles, valid_region_ids  # noqa: E402
from taut.clinical.referral_eval import KS, evaluate, load_cases  # noqa: E402

CASES_FILE = ROOT / "tests" / "clinical" / "referral_cases.json"
DRAWINGS = 5_000
ROUNDS = 4
GOAL_PER_SECOND = 20_000


def report_accuracy() -> None:
    cases = load_cases(CASES_FILE)
    if not cases:
        print(f"accuracy: skipped, no cases in {CASES_FILE.relative_to(ROOT)}")
        return
    result = evaluate(cases)
    print(f"cases: {result.cases}")
    for k in KS:
        print(f"recall@{k}: {result.recall[k]:.3f}  (hit@{k}: {result.hit[k]:.3f})")
    print(f"mrr: {result.mrr:.3f}")
    print(f"missed (not in top {max(KS)}): {', '.join(result.misses) or 'none'}")


def report_speed() -> None:
    load_knowledge()
    rank_muscles(["temple_l"])  # build the index outside the timed loop
    ids = valid_region_ids()
    generator = random.Random(20_260_101)
    drawings = [generator.sample(ids, generator.randint(1, 4)) for _ in range(DRAWINGS)]
    best = 0.0
    suggestions = 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        suggestions = sum(len(rank_muscles(drawing)) for drawing in drawings)
        best = max(best, DRAWINGS / (time.perf_counter() - start))
    per_ranking = suggestions / DRAWINGS
    verdict = "meets" if best >= GOAL_PER_SECOND else "misses"
    print(f"rankings/s: {best:,.0f} (top 10, 1-4 regions; {verdict} the {GOAL_PER_SECOND:,} goal)")
    print(f"suggestion objects/s: {best * per_ranking:,.0f} ({per_ranking:.1f} per ranking)")


if __name__ == "__main__":
    report_accuracy()
    report_speed()
