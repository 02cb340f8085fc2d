"""`taut knowledge check` and `taut knowledge show TOPIC [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from taut.clinical.billing import BillingData, load_billing
from taut.clinical.knowledge import Knowledge, KnowledgeError, load_knowledge

# topic -> (records of the topic, the columns of its text table)
TOPICS: dict[str, tuple[Callable[[Knowledge], tuple[BaseModel, ...]], tuple[str, ...]]] = {
    "muscles": (lambda k: k.muscles, ("id", "name", "area", "lung.risk", "overlies")),
    "regions": (lambda k: k.regions, ("id", "label", "sided", "view", "group", "limb")),
    "techniques": (lambda k: k.techniques, ("id", "name", "local_twitch", "evidence")),
    "contraindications": (
        lambda k: k.contraindications,
        ("code", "level", "condition", "evidence"),
    ),
    "instruments": (
        lambda k: k.instruments,
        ("id", "abbreviation", "min", "max", "direction", "scoring.method"),
    ),
    "conditions": (lambda k: k.conditions, ("id", "name", "instruments", "evidence")),
    "aftercare": (lambda k: k.aftercare, ("id", "kind", "applies_when", "evidence")),
    "jurisdictions": (lambda k: k.jurisdictions, ("id", "name", "country", "code")),
    "adverse_events": (
        lambda k: k.adverse_events,
        ("id", "label", "typical_severity", "evidence"),
    ),
    "sources": (lambda k: k.sources, ("key", "citation")),
}


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        knowledge = load_knowledge(args.directory)
        billing = load_billing(knowledge=knowledge)
    except KnowledgeError as error:
        print(f"taut knowledge: {error}", file=sys.stderr)
        return 1
    if args.command == "check":
        return _check(knowledge, billing)
    return _show(knowledge, args.topic, as_json=args.json)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taut knowledge", description="Check or show the cited knowledge base."
    )
    parser.add_argument(
        "--directory", type=Path, default=None, help="knowledge directory (default: built in)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate every file and print the record counts")
    show = commands.add_parser("show", help="list the records of one file")
    show.add_argument("topic", choices=sorted(TOPICS))
    show.add_argument("--json", action="store_true", help="print the full records as JSON")
    return parser


def _check(knowledge: Knowledge, billing: BillingData) -> int:
    counts = {
        **knowledge.counts(),
        "billing.toml": len(billing.codes) + len(billing.rules),
        "drawing ids": len(knowledge.drawing_regions),
        "patient texts": len(patient_texts(knowledge, billing)),
    }
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        print(f"{name.ljust(width)}  {count}")
    print("knowledge base OK (patient texts carry no research note and no id)")
    return 0


def patient_texts(knowledge: Knowledge, billing: BillingData) -> list[str]:
    """Every text of the data written for patients or payers; the loader has checked each one
    (taut.clinical.records.PatientText), so this is what `check` vouches for."""
    texts = [t.patient_text for t in knowledge.techniques]
    texts += [e.patient_text for e in knowledge.adverse_events if e.patient_text]
    texts += [r.patient_text for r in knowledge.reference_rates if r.patient_text]
    texts += [q.patient_text for q in knowledge.quoted_figures]
    texts += [r.patient_text for r in billing.rules if r.patient_text]
    texts += [t for item in knowledge.aftercare for t in (item.text, item.action) if t]
    return texts


def _show(knowledge: Knowledge, topic: str, *, as_json: bool) -> int:
    records_of, columns = TOPICS[topic]
    records = records_of(knowledge)
    if as_json:
        payload: Any = [record.model_dump(mode="json") for record in records]
        if topic == "jurisdictions":
            payload = {"confirm_notice": knowledge.confirm_notice, "jurisdictions": payload}
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    lines = [knowledge.confirm_notice, ""] if topic == "jurisdictions" else []
    lines.append(format_table([columns, *(tuple(_cell(r, c) for c in columns) for r in records)]))
    print("\n".join(lines))
    return 0


def format_table(rows: list[tuple[str, ...]]) -> str:
    """Aligned columns; the last column is left ragged so long text does not pad every row."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def _cell(record: BaseModel, column: str) -> str:
    value: Any = record
    for step in column.split("."):
        value = getattr(value, step)
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return str(value)
