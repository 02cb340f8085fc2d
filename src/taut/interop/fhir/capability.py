"""The CapabilityStatement at [base]/metadata, derived from what the search module serves, so
it lists exactly the interactions, search parameters and includes that work."""

from __future__ import annotations

from datetime import date

from taut import __version__
from taut.interop.fhir.resources import Resource
from taut.interop.fhir.search import SOURCES

SMART_SERVICE = "http://terminology.hl7.org/CodeSystem/restful-security-service"
OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything"
EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
PATIENT_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"
GROUP_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export"
# A Group is a location's patients (interop.fhir.bulk_query): read it, export it; no search.
GROUP: Resource = {
    "type": "Group",
    "interaction": [{"code": "read"}],
    "operation": [{"name": "export", "definition": GROUP_EXPORT}],
}
COMMON_PARAMS = [
    {"name": "_id", "type": "token", "documentation": "The resource's id"},
]


def _resource(resource_type: str) -> Resource:
    sources = SOURCES[resource_type]
    params = sources[0].params
    includes = sorted({name for source in sources for name in source.includes})
    entry: Resource = {
        "type": resource_type,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchInclude": includes,
        "searchParam": COMMON_PARAMS
        + [
            {"name": name, "type": param.kind, "documentation": param.documentation}
            for name, param in params.items()
        ],
    }
    if resource_type == "Patient":
        entry["operation"] = [
            {"name": "everything", "definition": EVERYTHING},
            {"name": "export", "definition": PATIENT_EXPORT},
        ]
    return entry


def capability_statement(*, base_url: str, token_url: str, published: date) -> Resource:
    return {
        "resourceType": "CapabilityStatement",
        "name": "TautFhirServer",
        "title": "Taut FHIR R4 server",
        "status": "active",
        "date": published.isoformat(),
        "publisher": "Taut",
        "kind": "instance",
        "software": {"name": "Taut", "version": __version__},
        "implementation": {"description": "Taut clinic records (FHIR R4)", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["json", "application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "extension": [
                        {
                            "url": OAUTH_URIS,
                            "extension": [{"url": "token", "valueUri": token_url}],
                        }
                    ],
                    "service": [
                        {
                            "coding": [{"system": SMART_SERVICE, "code": "SMART-on-FHIR"}],
                            "text": "OAuth2 using SMART-on-FHIR profile (backend services)",
                        }
                    ],
                },
                "resource": [*(_resource(kind) for kind in SOURCES), GROUP],
                "operation": [{"name": "export", "definition": EXPORT}],
            }
        ],
    }
