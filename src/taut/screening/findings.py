"""Findings as stored and shown: the engine's output plus the full citation of each source.

A screening record keeps the text exactly as the clinician saw it, so a later change to the
knowledge data does not rewrite what an old screening said.
"""

from __future__ import annotations

from typing import Any

from taut.clinical.knowledge import load_knowledge


def _citations(keys: Any) -> list[dict[str, str]]:
    knowledge = load_knowledge()
    keys = [keys] if isinstance(keys, str) else list(keys)
    out = []
    for key in keys:
        source = knowledge.source(key)
        out.append({"key": key, "citation": source.citation, "url": source.url})
    return out


def findings_as_records(result: Any) -> list[dict[str, Any]]:
    return [{**f.to_json(), "sources": _citations(f.source)} for f in result.findings]
