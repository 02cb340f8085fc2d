"""Issue #14, part 3: the consent's plain-language summary of risks, from the cited rates."""

from __future__ import annotations

from taut.clinical.knowledge import load_knowledge
from taut.clinical.risk_summary import frequency_words, risk_summary, summary_rates


def _line(group: tuple, event: str):  # type: ignore[no-untyped-def]
    return next(line for line in group if line.event == event)


def test_the_common_risks_give_the_published_rates_as_natural_frequencies() -> None:
    summary = risk_summary()
    bruising = _line(summary.common, "bruising")
    assert bruising.frequency == "about 8 in 100 treatments"  # Brady 7.55%, Boyce 7.7%
    assert bruising.text.startswith("A small bruise")
    bleeding = _line(summary.common, "bleeding")
    assert bleeding.frequency == (
        "from about 5 in 100 to about 16 in 100 treatments, depending on the study"
    )


def test_the_serious_risks_name_the_collapsed_lung_with_its_rate() -> None:
    serious = risk_summary().serious
    lung = _line(serious, "pneumothorax")
    assert "collapsed lung" in lung.text and lung.frequency == "about 1 in 100,000 treatments"
    assert _line(serious, "any_significant").frequency == "about 1 in 1,000 treatments"


def test_a_rate_of_zero_is_left_to_the_appendix_and_visits_are_said_as_visits() -> None:
    rates = load_knowledge().reference_rates
    quoted = summary_rates("pneumothorax", rates)
    assert [r.id for r in quoted] == ["acupuncture_pneumothorax"]  # Brady's 0 is not quoted
    fainting = summary_rates("fainting", rates)
    assert frequency_words(fainting) == "about 1 in 5,300 visits"


def test_per_treatment_rates_are_preferred_over_per_person_ones() -> None:
    rates = load_knowledge().reference_rates
    assert {r.id for r in summary_rates("any_mild", rates)} == {
        "brady14_any_mild",
        "boyce20_any_mild",
    }
