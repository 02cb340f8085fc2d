"""Shared building blocks of the knowledge records: closed vocabularies and the cited base model.

Every record of the knowledge base names its source (one or several keys of sources.toml) and an
evidence grade, so the UI can show how far each fact has been checked.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
SOURCE_KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9-]*$"


class KnowledgeError(Exception):
    """A knowledge file is missing, malformed, or refers to something that does not exist."""

    def __init__(self, file: str, record: str, reason: str) -> None:
        self.file, self.record, self.reason = file, record, reason
        super().__init__(f"{file}: {record}: {reason}")


def record_label(table: str, index: int | None, record_id: object) -> str:
    """How an error names a record: ``muscle 'deltoid' (#26)``; #n counts from 1."""
    label = table
    if record_id is not None:
        label += f" '{record_id}'"
    if index is not None:
        label += f" (#{index + 1})"
    return label


class Evidence(StrEnum):
    """How far a fact was checked (the clinical brief's [V] / [S] / [U] tags)."""

    VERIFIED = "verified"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"


class Side(StrEnum):
    LEFT = "l"
    RIGHT = "r"

    @property
    def opposite(self) -> Side:
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    HIGHER_IS_WORSE = "higher_is_worse"


def _as_tuple(value: Any) -> Any:
    """Accept a single value where the data may give one or several (``source = "TS1"``)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(value)
    return value


# Research notes that belong in a clinician's note, never in words a patient or payer reads.
RESEARCH_MARKERS = (
    "[U]",
    "[S]",
    "[V]",
    "not retrieved",
    "unverified",
    "not verified",
    "placeholder",
    "TautDesign",
    "NoSource",
)
_RESEARCH = re.compile(
    "|".join(re.escape(marker) for marker in RESEARCH_MARKERS) + r"|\bTaut\b", re.IGNORECASE
)
_SNAKE_ID = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")


def research_markers(text: str) -> list[str]:
    """The research notes and internal ids in a text meant for patients (empty: none)."""
    return [m.group(0) for m in _RESEARCH.finditer(text)] + _SNAKE_ID.findall(text)


def _patient_words(text: str) -> str:
    found = research_markers(text)
    if found:
        raise ValueError(
            f"a patient text must not carry {found[0]!r}: research notes and ids belong in "
            "the clinician's note"
        )
    return text


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
SourceKey = Annotated[str, StringConstraints(pattern=SOURCE_KEY_PATTERN)]
SourceKeys = Annotated[tuple[SourceKey, ...], BeforeValidator(_as_tuple)]
Ids = Annotated[tuple[Id, ...], BeforeValidator(_as_tuple)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
# Words a patient (or a payer) reads: no research marker, no id (checked when the data loads).
PatientText = Annotated[Text, AfterValidator(_patient_words)]


class Frozen(BaseModel):
    """Base of every knowledge model: immutable, and unknown keys in the data are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Cited(Frozen):
    """A record that carries its source keys and evidence grade."""

    source: SourceKeys
    evidence: Evidence


class Source(Frozen):
    key: SourceKey
    citation: Text  # the reference alone, as a patient page may print it
    note: str = ""  # what was (not) read of it, and other remarks for clinicians
    url: str = ""
    doi: str = ""

    @property
    def for_clinicians(self) -> str:
        return f"{self.citation} ({self.note})" if self.note else self.citation


class TerminologyCode(Cited):
    """A code of an outside terminology (LOINC, SNOMED CT) for a concept the knowledge names.

    `concept` is "<kind>:<id>", e.g. "instrument:nprs" or "side:l"; codes.toml lists only codes
    whose source was checked, and exports fall back to text for everything else.
    """

    id: Id
    concept: Annotated[str, StringConstraints(pattern=r"^(instrument|side):[a-z][a-z0-9_]*$")]
    system: Text
    code: Text
    display: Text
