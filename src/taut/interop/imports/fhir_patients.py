"""Patients from FHIR R4 JSON: a Bundle of Patient resources, or a single Patient."""

from __future__ import annotations

import json
import math
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from taut.clinical.wording import with_article

MAX_BYTES = 5 * 1024 * 1024
MAX_PATIENTS = 5000


# The parts of a Patient the import reads into a record: their shape is checked at upload, so a
# file whose `name` is a string is refused then, not found out by every later page.
MAPPED_ELEMENTS = ("name", "telecom", "address")


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


def parse(text: str) -> list[dict[str, Any]]:
    """The Patient resources of the document, in order. Other resource types are ignored."""
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite)
    except json.JSONDecodeError as error:
        raise FhirImportError(
            f"The file is not JSON: {error.msg} at line {error.lineno}."
        ) from None
    except RecursionError:  # "[[[[…" nested past Python's stack
        raise FhirImportError("The file nests too deeply to be a FHIR resource.") from None
    if not isinstance(document, dict) or "resourceType" not in document:
        raise FhirImportError("The file is not a FHIR resource (it has no resourceType).")
    if document["resourceType"] == "Patient":
        return [document]
    if document["resourceType"] != "Bundle":
        raise FhirImportError(
            "Expected a Bundle of Patient resources or a Patient, not "
            f"{with_article(str(document['resourceType']))}."
        )
    entries = document.get("entry") or []
    patients = [
        entry["resource"]
        for entry in entries
        if isinstance(entry, dict)
        and isinstance(entry.get("resource"), dict)
        and entry["resource"].get("resourceType") == "Patient"
    ]
    if not patients:
        raise FhirImportError("The Bundle holds no Patient resources.")
    if len(patients) > MAX_PATIENTS:
        raise FhirImportError(f"The Bundle has more than {MAX_PATIENTS} patients; split it.")
    return patients


def _where(location: tuple[Any, ...]) -> str:
    path = ""
    for step in location:
        path += f"[{step}]" if isinstance(step, int) else (f".{step}" if path else str(step))
    return path


def shape_problems(patients: list[dict[str, Any]]) -> list[str]:
    """What fhir.resources finds wrong with the shape of the elements the import reads, each
    naming the Patient (counted from 1) and the element."""
    model = get_fhir_model_class("Patient")
    problems = []
    for number, resource in enumerate(patients, start=1):
        try:
            model.model_validate(resource)
        except ValidationError as invalid:
            for error in invalid.errors():
                if error["loc"] and error["loc"][0] in MAPPED_ELEMENTS:
                    problems.append(f"Patient {number}: {_where(error['loc'])}: {error['msg']}")
    return problems


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


def candidates(text: str) -> list[tuple[int, dict[str, Any], list[tuple[str, str]]]]:
    """Each Patient as raw patient fields, with the FHIR validation errors found."""
    model = get_fhir_model_class("Patient")
    result = []
    for number, resource in enumerate(parse(text), start=1):
        errors: list[tuple[str, str]] = []
        try:
            model.model_validate(resource)
        except ValidationError as invalid:
            for problem in invalid.errors()[:5]:
                where = ".".join(str(step) for step in problem["loc"]) or "Patient"
                errors.append((f"FHIR {where}", problem["msg"]))
        name = _official_name(_objects(resource.get("name")))
        telecom = _objects(resource.get("telecom"))
        raw = {
            "given_name": " ".join(_strings(name.get("given"))),
            "family_name": str(name.get("family") or ""),
            "date_of_birth": str(resource.get("birthDate") or ""),
            "sex": resource.get("gender")
            if resource.get("gender") in ("female", "male", "other", "unknown")
            else "unknown",
            "phone": _telecom(telecom, "phone"),
            "email": _telecom(telecom, "email"),
            "address": _address(_objects(resource.get("address"))),
        }
        result.append((number, raw, errors))
    return result
