"""Which MCID judges a patient's change: the one published for the patient's condition, or a
fallback that says so.

    pick = mcid_for("nprs", "headache")
    pick.fallback          # True: no NPRS MCID was measured in headache
    pick.choice.population # "low back pain (consensus)": the yardstick used instead
    pick.statement         # says both, for the outcomes page

An MCID belongs to an instrument (instruments.toml) and a population; `conditions` on each MCID
names the conditions.toml ids that population matches. Only within-person MCIDs judge one
patient. Points on the instrument's scale are preferred over a percent change, and verified
values over secondary or unverified ones; among equals the data order decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from taut.clinical.course import MCIDChoice
from taut.clinical.knowledge import Knowledge, load_knowledge
from taut.clinical.measures import Context, Mcid, McidUnit
from taut.clinical.outcomes import resolve_instrument
from taut.clinical.records import Evidence

EVIDENCE_RANK = {Evidence.VERIFIED: 0, Evidence.SECONDARY: 1, Evidence.UNVERIFIED: 2}


@dataclass(frozen=True)
class McidPick:
    instrument: str
    condition: str | None
    choice: MCIDChoice | None  # None: the instrument has no within-person MCID at all
    fallback: bool  # True when the MCID was not measured in the patient's condition
    statement: str  # for clinicians: which MCID and why, with its source and grade
    plain: str = ""  # the same for a report's reader: no source keys, no evidence grades

    @property
    def found(self) -> bool:
        return self.choice is not None


def mcid_for(
    instrument_id: str, condition_id: str | None, *, knowledge: Knowledge | None = None
) -> McidPick:
    """The MCID for this instrument in this condition (None: the condition is not known)."""
    knowledge = knowledge or load_knowledge()
    instrument = resolve_instrument(instrument_id, knowledge=knowledge)
    condition_name = knowledge.condition(condition_id).name if condition_id else None
    usable = sorted(
        (m for m in instrument.mcids if m.context is Context.WITHIN_PERSON), key=_preference
    )
    matching = [m for m in usable if condition_id and condition_id in m.conditions]
    name = instrument.abbreviation
    if matching:
        best = matching[0]
        statement = (
            f"{name}: MCID {_value(best)} measured in {best.population} "
            f"({', '.join(best.source)}, {best.evidence.value})."
        )
        plain = f"{name}: judged by the change that matters in {best.population} ({_value(best)})."
        choice = MCIDChoice(instrument.id, best)
        return McidPick(instrument.id, condition_id, choice, False, statement, plain)
    wanted = condition_name.lower() if condition_name else "this patient's condition"
    if not usable:
        statement = f"{name}: no MCID is on record for {wanted} or any other group."
        plain = f"{name}: no published figure on record says how much change matters."
        return McidPick(instrument.id, condition_id, None, True, statement, plain)
    fallback = usable[0]
    statement = (
        f"{name}: no MCID measured in {wanted} is on record; "
        f"using {_value(fallback)} from {fallback.population} "
        f"({', '.join(fallback.source)}, {fallback.evidence.value}) instead."
    )
    plain = (
        f"{name}: no published figure for {wanted} is on record; the change is judged against "
        f"the one for {fallback.population} ({_value(fallback)}) instead."
    )
    choice = MCIDChoice(instrument.id, fallback)
    return McidPick(instrument.id, condition_id, choice, True, statement, plain)


def _preference(mcid: Mcid) -> tuple[int, int]:
    return (EVIDENCE_RANK[mcid.evidence], 0 if mcid.unit is McidUnit.POINTS else 1)


def _value(mcid: Mcid) -> str:
    number = f"{mcid.value:g}" + (f"-{mcid.value_max:g}" if mcid.value_max is not None else "")
    return f"{number}% change" if mcid.unit is McidUnit.PERCENT_CHANGE else f"{number} points"


__all__ = ["McidPick", "mcid_for"]
