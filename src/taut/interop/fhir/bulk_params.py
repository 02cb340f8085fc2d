"""The Bulk Data kick-off's parameters, from a query string, a form or a FHIR Parameters body.

    params = kickoff_parameters(values, level="patient", lenient=False)   # or ExportError

`values` maps each parameter name to every value it was given, so that `_type` may be a comma
list, repeated, or both. What Taut does not support is refused with a 400, unless the client sent
`Prefer: handling=lenient`: then it is ignored and said so in `ignored` (reported with the files).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from taut.interop.fhir.collect import RESOURCE_TYPES

NDJSON_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")
# The patient compartment's types: what a Patient- or Group-level export holds.
NOT_IN_COMPARTMENT = ("Organization", "Location", "Practitioner")
PATIENT_TYPES = tuple(kind for kind in RESOURCE_TYPES if kind not in NOT_IN_COMPARTMENT)
# Bulk Data v2 parameters Taut recognises but does not act on.
UNSUPPORTED = ("_typeFilter", "_elements", "patient", "includeAssociatedData")


class ExportError(Exception):
    """A kick-off the rules refuse; `code` is the OperationOutcome issue type."""

    def __init__(self, message: str, *, code: str = "not-supported") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class KickOff:
    types: list[str] = field(default_factory=list)  # empty: every type of the level
    since: datetime | None = None
    ignored: list[str] = field(default_factory=list)  # what lenient handling left out


def types_for(level: str) -> tuple[str, ...]:
    return RESOURCE_TYPES if level == "system" else PATIENT_TYPES


def parse_types(values: Sequence[str], *, level: str = "system") -> list[str]:
    """`_type` values, each a comma list; the types must be ones the level exports."""
    wanted: list[str] = []
    for value in values:
        for part in value.split(","):
            kind = part.strip()
            if kind and kind not in wanted:
                wanted.append(kind)
    offered = types_for(level)
    unknown = [kind for kind in wanted if kind not in offered]
    if unknown:
        raise ExportError(
            f"Taut does not export {', '.join(unknown)} at this level; "
            f"it exports {', '.join(offered)}."
        )
    return wanted


def parse_since(values: Sequence[str]) -> datetime | None:
    if not values or not values[-1].strip():
        return None
    text = values[-1].strip()
    try:
        since = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as wrong:
        raise ExportError(
            f"_since must be a FHIR instant such as 2026-01-31T09:00:00Z, not {text}.",
            code="invalid",
        ) from wrong
    if since.tzinfo is None:
        raise ExportError(f"_since must carry a time zone (Z or +hh:mm): {text}.", code="invalid")
    return since


def check_format(values: Sequence[str]) -> None:
    for value in values:
        if value and value not in NDJSON_FORMATS:
            raise ExportError(
                f"_outputFormat {value} is not offered; Taut writes "
                f"{' or '.join(NDJSON_FORMATS)} (all the same NDJSON)."
            )


def kickoff_parameters(
    values: Mapping[str, Sequence[str]], *, level: str, lenient: bool
) -> KickOff:
    check_format(values.get("_outputFormat", ()))
    ignored: list[str] = []
    for name in UNSUPPORTED:
        given = [value for value in values.get(name, ()) if value]
        if not given:
            continue
        if not lenient:
            raise ExportError(
                f"{name} is not supported by Taut's export. Leave it out, or send "
                "'Prefer: handling=lenient' to have it ignored."
            )
        ignored.extend(f"{name}={value}" for value in given)
    return KickOff(
        types=parse_types(values.get("_type", ()), level=level),
        since=parse_since(values.get("_since", ())),
        ignored=ignored,
    )


def parameters_body(body: bytes) -> dict[str, list[str]]:
    """A FHIR Parameters resource (the POST kick-off) as name -> values."""
    try:
        resource = json.loads(body or b"{}")
    except ValueError as wrong:
        raise ExportError("The body is not JSON.", code="invalid") from wrong
    if not isinstance(resource, dict) or resource.get("resourceType") != "Parameters":
        raise ExportError(
            "A POST kick-off's body must be a FHIR Parameters resource.", code="invalid"
        )
    values: dict[str, list[str]] = {}
    for parameter in resource.get("parameter") or []:
        name = parameter.get("name") if isinstance(parameter, dict) else None
        if not isinstance(name, str):
            raise ExportError("Each Parameters.parameter needs a name.", code="invalid")
        values.setdefault(name, []).append(_parameter_value(name, parameter))
    return values


def _parameter_value(name: str, parameter: dict[str, Any]) -> str:
    for key, value in parameter.items():
        if not key.startswith("value"):
            continue
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and isinstance(value.get("reference"), str):
            return str(value["reference"])  # the `patient` parameter's valueReference
    raise ExportError(f"Parameter {name} has no value Taut can read.", code="invalid")
