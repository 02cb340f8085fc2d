"""ICD-10-CM: look codes up, search them by code or words, and check a diagnosis code.

    search("low back pain")[0].code      # "M54.50" (ranked: whole words, billable, shortest)
    search("M54.5")                       # the code itself, then its children
    describe("m545").description          # "Low back pain" (dots and case do not matter)
    validate("M54.5")                     # "M54.5 is a category: choose a billable code ..."

The code set is the one the PyPI package simple-icd-10-cm ships (its version and ICD-10-CM
release are recorded in sources.toml, key ICD10CM2026, and in CODE_SET below). Loading it parses
the CDC's tabular XML once (a few seconds), so nothing is read until the first call.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass
from types import ModuleType

CODE_SET = "ICD-10-CM April 2026 release (simple-icd-10-cm 1.5.0)"
SOURCE_KEY = "ICD10CM2026"
SYSTEM_URI = "http://hl7.org/fhir/sid/icd-10-cm"  # the FHIR code system of ICD-10-CM
_CODE_LIKE = re.compile(r"^[A-Za-z]\d[0-9A-Za-z]?\.?[0-9A-Za-z]{0,4}$")
_WORD = re.compile(r"[a-z0-9]+")


class Icd10Error(ValueError):
    """A code that is not in the shipped code set, or not billable as a diagnosis."""


@dataclass(frozen=True)
class Icd10Code:
    code: str  # with its dot, as printed: "M54.50"
    description: str
    billable: bool  # a leaf of the classification: a code a claim may carry


@dataclass(frozen=True)
class _Entry:
    code: Icd10Code
    compact: str  # the code without its dot, upper case: "M5450"
    words: tuple[str, ...]  # of the description
    also: tuple[str, ...]  # of the inclusion terms ("Plantar fasciitis" under M72.2)
    text: str  # description and inclusion terms, lower case: a quick first filter


def _package() -> ModuleType:
    with warnings.catch_warnings():
        # The package reads its data with importlib.resources.read_text, deprecated in 3.11-3.12.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as package

    module: ModuleType = package
    return module


@functools.cache
def _index() -> tuple[_Entry, ...]:
    cm = _package()
    entries = []
    for code in cm.get_all_codes(True):
        if cm.is_chapter_or_block(code):
            continue
        description = str(cm.get_description(code))
        included = " ".join(str(term) for term in cm.get_inclusion_term(code)).lower()
        entries.append(
            _Entry(
                Icd10Code(code, description, bool(cm.is_leaf(code))),
                code.replace(".", "").upper(),
                tuple(_WORD.findall(description.lower())),
                tuple(_WORD.findall(included)),
                f"{description.lower()} {included}",
            )
        )
    return tuple(entries)


@functools.cache
def _by_compact() -> dict[str, _Entry]:
    return {entry.compact: entry for entry in _index()}


def _compact(code: str) -> str:
    return code.strip().replace(".", "").upper()


def describe(code: str) -> Icd10Code:
    """The code as the code set has it; Icd10Error when it is not in the set."""
    entry = _by_compact().get(_compact(code))
    if entry is None:
        raise Icd10Error(f"{code.strip()} is not an ICD-10-CM code ({CODE_SET})")
    return entry.code


def validate(code: str) -> Icd10Code:
    """A billable diagnosis code, or Icd10Error saying why not (unknown, or a category)."""
    found = describe(code)
    if not found.billable:
        children = [entry.code.code for entry in _children(found.code)]
        shown = ", ".join(children[:6]) + (" ..." if len(children) > 6 else "")
        raise Icd10Error(f"{found.code} is a category: choose a billable code ({shown})")
    return found


def is_valid(code: str) -> bool:
    try:
        validate(code)
    except Icd10Error:
        return False
    return True


def _children(code: str) -> list[_Entry]:
    prefix = _compact(code)
    return [
        entry
        for entry in _index()
        if entry.compact.startswith(prefix) and entry.compact != prefix and entry.code.billable
    ]


def search(query: str, *, limit: int = 20) -> list[Icd10Code]:
    """Codes for a code prefix ("M54.5") or for words ("low back pain"), best first."""
    text = query.strip()
    if not text:
        return []
    if _CODE_LIKE.match(text):
        hits = _by_prefix(_compact(text))
        if hits:
            return hits[:limit]
    return _by_words(text.lower(), limit)


def _by_prefix(prefix: str) -> list[Icd10Code]:
    entries = [entry for entry in _index() if entry.compact.startswith(prefix)]
    entries.sort(key=lambda e: (e.compact != prefix, len(e.compact), e.compact))
    return [entry.code for entry in entries]


def _by_words(text: str, limit: int) -> list[Icd10Code]:
    wanted = _WORD.findall(text)
    if not wanted:
        return []
    scored = []
    for entry in _index():
        if not all(word in entry.text for word in wanted):
            continue
        rank = _word_rank(entry, wanted, text)
        if rank is not None:
            scored.append((rank, entry.code.code, entry.code))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [code for _, _, code in scored[:limit]]


def _word_rank(entry: _Entry, wanted: list[str], text: str) -> tuple[int, ...] | None:
    """Every query word must start a word of the description (or, ranked lower, of an
    inclusion term); lower ranks come first."""
    via_inclusion = 0
    whole = _prefix_misses(entry.words, wanted)
    if whole is None:
        whole = _prefix_misses(entry.words + entry.also, wanted)
        if whole is None:
            return None
        via_inclusion = 1
    description = entry.code.description.lower()
    return (
        via_inclusion,
        0 if description.startswith(text) else 1,  # the query opens the description
        whole,  # words matched only as a prefix ("lumb" in "lumbar") rank lower
        0 if entry.code.billable else 1,
        len(entry.words) - len(wanted),  # fewer extra words: closer to what was asked
    )


def _prefix_misses(words: tuple[str, ...], wanted: list[str]) -> int | None:
    """How many wanted words match only as a prefix; None when one does not match at all."""
    misses = 0
    for word in wanted:
        if word in words:
            continue
        if not any(candidate.startswith(word) for candidate in words):
            return None
        misses += 1
    return misses


__all__ = [
    "CODE_SET",
    "SOURCE_KEY",
    "SYSTEM_URI",
    "Icd10Code",
    "Icd10Error",
    "describe",
    "is_valid",
    "search",
    "validate",
]
