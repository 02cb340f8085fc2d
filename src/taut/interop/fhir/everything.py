"""Bundles and manifests: pure functions over resources already built."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from taut.common.refusals import Refused
from taut.interop.fhir.resources import Resource, _instant

# FHIR issue types (http://hl7.org/fhir/R4/valueset-issue-type.html) by refusal status.
REFUSAL_ISSUES = {409: "business-rule", 422: "invalid", 404: "not-found"}


def searchset_bundle(resources: list[Resource], *, base_url: str, timestamp: datetime) -> Resource:
    """The $everything answer: the patient first (mode "match"), then what refers to them."""
    base = base_url.rstrip("/") + "/"
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": _instant(timestamp)},
        "type": "searchset",
        "total": len(resources),
        "timestamp": _instant(timestamp),
        "entry": [
            {
                "fullUrl": f"{base}{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match" if index == 0 else "include"},
            }
            for index, resource in enumerate(resources)
        ],
    }


def export_manifest(
    *,
    transaction_time: datetime,
    request_url: str,
    files: list[dict[str, Any]],
    file_url: Any,
    expires: datetime | None = None,
) -> dict[str, Any]:
    """The Bulk Data status answer once complete; `file_url(type)` gives each file's address.
    The OperationOutcome file (notes: ignored parameters, `_since` limits) is the `error` list."""

    def entries(errors: bool) -> list[dict[str, Any]]:
        return [
            {"type": entry["type"], "url": file_url(entry["type"]), "count": entry["count"]}
            for entry in files
            if (entry["type"] == "OperationOutcome") == errors
        ]

    manifest: dict[str, Any] = {
        "transactionTime": _instant(transaction_time),
        "request": request_url,
        "requiresAccessToken": True,
        "output": entries(errors=False),
        "error": entries(errors=True),
    }
    if expires is not None:
        manifest["extension"] = {"expires": _instant(expires)}
    return manifest


def refusal_outcome(refusal: Refused) -> Resource:
    """A service's refusal as an OperationOutcome: one issue per reason, typed by its kind."""
    code = REFUSAL_ISSUES.get(type(refusal).status, "business-rule")
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": code, "diagnostics": reason} for reason in refusal.reasons
        ],
    }


def operation_outcome(message: str, *, code: str = "processing") -> Resource:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": message}],
    }
