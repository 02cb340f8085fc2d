"""Patients from FHIR R4 JSON: a Bundle, a single Patient, or NDJSON (one resource a line)."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from taut.clinical.wording import with_article
from taut.interop.imports.rows import Candidate

MAX_BYTES = 5 * 1024 * 1024
MAX_PATIENTS = 5000


class FhirImportError(Exception):
    """The file is not a FHIR Bundle (or Patient) Taut can read; the message says why."""


def _refuse_constant(name: str) -> float:
    raise FhirImportError(
        f"The file holds {name}, which is not a JSON number; FHIR does not allow it."
    )


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise FhirImportError(f"The number {text[:20]} is too large for JSON or FHIR.")
    return value


# Why each resource type other than Patient is not imported: listed with the import's result, so
# nothing a sender put in a Bundle or an NDJSON file disappears without a word.
INTAKE_ONLY = (
    "Taut records {what} only in the intake screening the patient answers; "
    "an imported list would read as answered screening questions"
)
SKIP_REASONS = {
    "Condition": INTAKE_ONLY.format(what="conditions"),
    "AllergyIntolerance": INTAKE_ONLY.format(what="allergies"),
    "MedicationStatement": INTAKE_ONLY.format(what="medications"),
    "Observation": "Taut records observations only as its own outcome measures, taken at a visit",
}
OTHER_REASON = "Taut imports patients only"


@dataclass(frozen=True)
class Skipped:
    """A resource of the file that is not imported, and why."""

    where: str  # "entry[4]" in a Bundle, "line 7" in NDJSON
    resource_type: str
    reason: str


@dataclass
class Document:
    """The Patients of the file (each with where it stands) and everything else, skipped."""

    patients: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def take(self, where: str, resource: Any) -> None:
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            self.skipped.append(Skipped(where, "(not a resource)", "It has no resourceType"))
        elif resource["resourceType"] == "Patient":
            self.patients.append((where, resource))
        else:
            kind = resource["resourceType"][:60]
            self.skipped.append(Skipped(where, kind, SKIP_REASONS.get(kind, OTHER_REASON)))

    def skipped_by_type(self) -> dict[str, int]:
        return dict(Counter(item.resource_type for item in self.skipped))


def _load(text: str, *, line: int | None = None) -> Any:
    at = f" on line {line}" if line is not None else ""
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as error:
        raise FhirImportError(
            f"The file is not JSON{at}: {error.msg} at line {line or error.lineno}."
        ) from None
    except RecursionError:  # "[[[[…" nested past Python's stack
        raise FhirImportError(f"The file nests too deeply{at} to be a FHIR resource.") from None


def _is_ndjson(text: str) -> bool:
    """Several JSON objects, one a line (Bulk Data's output, Taut's own export's Patient.ndjson)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or not lines[0].lstrip().startswith("{"):
        return False
    try:
        json.loads(lines[0])
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def read(text: str) -> Document:
    """The resources of a Bundle, a single Patient or an NDJSON file, sorted into Patients and
    the rest; a file with no Patient at all is refused."""
    document = Document()
    if _is_ndjson(text):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                document.take(f"line {number}", _load(line, line=number))
    else:
        whole = _load(text)
        if not isinstance(whole, dict) or "resourceType" not in whole:
            raise FhirImportError("The file is not a FHIR resource (it has no resourceType).")
        if whole["resourceType"] == "Patient":
            document.take("the file", whole)
        elif whole["resourceType"] != "Bundle":
            raise FhirImportError(
                "Expected a Bundle, a Patient or an NDJSON file of resources, not "
                f"{with_article(str(whole['resourceType']))}."
            )
        else:
            entries = whole.get("entry")
            for number, entry in enumerate(entries if isinstance(entries, list) else []):
                resource = entry.get("resource") if isinstance(entry, dict) else None
                if resource is None:
                    document.skipped.append(
                        Skipped(
                            f"entry[{number}]",
                            "(no resource)",
                            "The entry holds a request only, no resource",
                        )
                    )
                else:
                    document.take(f"entry[{number}]", resource)
    if not document.patients:
        raise FhirImportError("The file holds no Patient resources.")
    if len(document.patients) > MAX_PATIENTS:
        raise FhirImportError(f"The file has more than {MAX_PATIENTS} patients; split it.")
    return document


def parse(text: str) -> list[dict[str, Any]]:
    """The Patient resources of the document, in order."""
    return [resource for _, resource in read(text).patients]


def _where(location: tuple[Any, ...]) -> str:
    path = ""
    for step in location:
        path += f"[{step}]" if isinstance(step, int) else (f".{step}" if path else str(step))
    return path


def _objects(value: Any) -> list[dict[str, Any]]:
    """The objects of a list element; anything else counts as absent (stored before the shape
    check existed)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [str(item) for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _official_name(names: list[dict[str, Any]]) -> dict[str, Any]:
    for name in names:
        if name.get("use") == "official":
            return name
    return names[0] if names else {}


def _telecom(points: list[dict[str, Any]], system: str) -> str:
    for point in points:
        if point.get("system") == system and point.get("value"):
            return str(point["value"])
    return ""


def _address(addresses: list[dict[str, Any]]) -> str:
    if not addresses:
        return ""
    address = addresses[0]
    if address.get("text"):
        return str(address["text"])
    parts = [
        *_strings(address.get("line")),
        address.get("city"),
        address.get("state"),
        address.get("postalCode"),
        address.get("country"),
    ]
    return ", ".join(str(part) for part in parts if part)


GENDERS = ("female", "male", "other", "unknown")
FHIR_PATHS = {
    "given_name": "name.given",
    "family_name": "name.family",
    "date_of_birth": "birthDate",
    "sex": "gender",
    "phone": "telecom",
    "email": "telecom",
    "address": "address",
}
UNSPACED = ("CJK UNIFIED", "HANGUL", "HIRAGANA", "KATAKANA")  # scripts written without spaces
PARTIAL_DATE = re.compile(r"^(\d{4})(-\d{2})?$")


def _split_text(text: str) -> tuple[str, str]:
    """(given, family) from a name given only as text: the last word is the family name
    ("Peter James Chalmers"); text in a script written without spaces (Chinese, Japanese,
    Korean) puts the family name first, one character as most such surnames are ("张无忌")."""
    words = text.split()
    if len(words) > 1:
        return " ".join(words[:-1]), words[-1]
    if len(text) > 1 and all(unicodedata.name(ch, "").startswith(UNSPACED) for ch in text):
        return text[1:], text[0]
    return "", text


def _names(name: dict[str, Any]) -> tuple[str, str]:
    given = " ".join(_strings(name.get("given")))
    family = str(name.get("family") or "")
    text = str(name.get("text") or "").strip()
    if text and not given and not family:
        return _split_text(text)
    return given, family


def _birth_date(value: Any, where: str) -> tuple[str, list[tuple[str, str]]]:
    """The birth date as Taut stores it, or why not. A year or a year and month is refused:
    Taut matches patients and checks ages on the full date of birth."""
    text = str(value or "")
    if not text:
        return "", [(f"{where}.birthDate", "Missing; Taut needs the date of birth.")]
    partial = PARTIAL_DATE.match(text)
    if partial:
        given = "only the year" if partial.group(2) is None else "only the year and month"
        return "", [
            (
                f"{where}.birthDate",
                f"“{text}” gives {given}; Taut needs the full date of birth "
                "(to check the patient's age and to find duplicates).",
            )
        ]
    return text, []


def _identifiers(resource: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(item.get("system") or "")[:255], str(item["value"])[:255])
        for item in _objects(resource.get("identifier"))
        if isinstance(item.get("value"), str) and item["value"].strip()
    ]


def candidates_of(document: Document) -> list[Candidate]:
    """Each Patient as raw patient fields and identifiers, with the problems found, each naming
    the element as Patient[n].element (n counts the file's Patients from 1)."""
    model = get_fhir_model_class("Patient")
    result = []
    for number, (_, resource) in enumerate(document.patients, start=1):
        where = f"Patient[{number}]"
        errors: list[tuple[str, str]] = []
        try:
            model.model_validate(resource)
        except ValidationError as invalid:
            for problem in invalid.errors()[:5]:
                errors.append((f"{where}.{_where(problem['loc']) or 'resource'}", problem["msg"]))
        given, family = _names(_official_name(_objects(resource.get("name"))))
        born, birth_errors = _birth_date(resource.get("birthDate"), where)
        gender = resource.get("gender")
        if gender is not None and gender not in GENDERS:
            errors.append(
                (f"{where}.gender", f"“{str(gender)[:20]}” is not one of {', '.join(GENDERS)}.")
            )
        telecom = _objects(resource.get("telecom"))
        raw = {
            "given_name": given,
            "family_name": family,
            "date_of_birth": born,
            "sex": gender if gender in GENDERS else "unknown",
            "phone": _telecom(telecom, "phone"),
            "email": _telecom(telecom, "email"),
            "address": _address(_objects(resource.get("address"))),
        }
        result.append(
            Candidate(
                line=number,
                raw=raw,
                errors=errors + birth_errors,
                identifiers=_identifiers(resource),
                labels={name: f"{where}.{path}" for name, path in FHIR_PATHS.items()},
            )
        )
    return result


def candidates(text: str) -> list[Candidate]:
    return candidates_of(read(text))
