"""Maps stored charting records onto the clinical core's value objects (one small function each)."""

from __future__ import annotations

from typing import Any

from taut.clinical.knowledge import load_knowledge
from taut.clinical.practice import is_electrical
from taut.clinical.records import Side
from taut.clinical.safety import NeedlingEntry as CoreEntry
from taut.clinical.safety import SessionPlan
from taut.clinical.wording import sided
from taut.screening.findings import screening_of


def core_entry(entry: Any) -> CoreEntry:
    return CoreEntry(
        muscle=entry.muscle,
        side=Side(entry.side),
        technique=entry.technique,
        needles_in=entry.needles_in,
        needles_out=entry.needles_out,
        depth_mm=float(entry.depth_mm) if entry.depth_mm is not None else None,
        insertions=entry.insertions,
        stimulation=not is_electrical(entry.technique) and entry.frequency_hz is not None,
        needle_length_mm=_needle_length(entry),
    )


def _needle_length(entry: Any) -> float | None:
    lot = getattr(entry, "lot", None)
    return float(lot.product.length_mm) if lot is not None else None


def plan_of(session: Any, *, entries: list[Any] | None = None) -> SessionPlan:
    rows = (
        entries
        if entries is not None
        else list(session.entries.select_related("lot__product").order_by("pk"))
    )
    facts = session.screening.intake.facts
    return SessionPlan(
        entries=tuple(core_entry(e) for e in rows),
        first_session=session.first_session,
        screening=screening_of(session.screening),
        implanted_device=bool(facts.get("implanted_electrical_device")),
    )


def muscle_label(muscle_id: str, side: str) -> str:
    name = load_knowledge().muscle(muscle_id).name
    return sided(f"{name[:1].upper()}{name[1:]}", side)
