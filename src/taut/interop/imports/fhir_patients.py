"""Patients from FHIR R4 JSON: a Bundle of Patient resources, or a single Patient."""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from taut.clinical.wording import with_article

MAX_BYTES = 5 * 1024 * 1024
MAX_PATIENTS = 5000


class FhirImportError(Exception):
    """The file is not a FHIR Bundle (or Patient) Taut can read; the message says why."""


def parse(text: str) -> list[dict[str, Any]]:
    """The Patient resources of the document, in order. Other resource types are ignored."""
    try:
        document = json.loads(text)
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
            "Expected a Bundle of Patient resources, not "
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
        *address.get("line", []),
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
        name = _official_name(resource.get("name") or [])
        given = name.get("given") or []
        raw = {
            "given_name": " ".join(str(g) for g in given) if isinstance(given, list) else "",
            "family_name": str(name.get("family") or ""),
            "date_of_birth": str(resource.get("birthDate") or ""),
            "sex": resource.get("gender")
            if resource.get("gender") in ("female", "male", "other", "unknown")
            else "unknown",
            "phone": _telecom(resource.get("telecom") or [], "phone"),
            "email": _telecom(resource.get("telecom") or [], "email"),
            "address": _address(resource.get("address") or []),
        }
        result.append((number, raw, errors))
    return result
