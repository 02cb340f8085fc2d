"""The electrical technique is named once (practice.ELECTRICAL); every rule reads that name."""

from __future__ import annotations

from taut.clinical.gate import GatePolicy
from taut.clinical.knowledge import load_knowledge
from taut.clinical.practice import ELECTRICAL, is_electrical
from taut.clinical.records import Side
from taut.clinical.safety import NeedlingEntry


def test_the_named_technique_exists_in_the_shipped_data():
    assert load_knowledge().technique(ELECTRICAL).name == "Electrical dry needling"


def test_only_the_electrical_technique_passes_current():
    ids = {technique.id for technique in load_knowledge().techniques}
    assert {t for t in ids if is_electrical(t)} == {ELECTRICAL}


def test_the_implanted_device_rule_refuses_the_same_technique():
    rule = next(
        r for r in load_knowledge().contraindications if r.code == "implanted_device_electrical"
    )
    assert rule.scope.techniques == (ELECTRICAL,)


def test_a_needling_entry_is_electrical_by_its_technique_or_by_stimulation():
    def entry(technique, stimulation=False):
        return NeedlingEntry(
            "upper_trapezius", Side.LEFT, technique, needles_in=1, stimulation=stimulation
        )

    assert entry(ELECTRICAL).electrical
    assert entry("deep", stimulation=True).electrical
    assert not entry("deep").electrical


def test_the_gate_asks_for_its_own_consent_by_the_same_name():
    from tests.clinical.test_gate import CONSENTED, gate

    assert "technique_not_consented" in gate(consent=CONSENTED, techniques=(ELECTRICAL,)).codes
    relaxed = GatePolicy(electrical_needs_own_consent=False)
    assert gate(consent=CONSENTED, techniques=(ELECTRICAL,), policy=relaxed).allowed
