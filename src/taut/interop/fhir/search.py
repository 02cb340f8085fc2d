"""FHIR read and search: which records each resource type comes from, the parameters each one
understands, and the page of resources a search returns (built by the export's own mappers, so
read, search, $everything and $export give the same resource with the same id).

Every query starts from `Model.objects.for_clinic(clinic)`: another clinic's record is not found.
A resource type may come from more than one table (QuestionnaireResponse: intakes and the item
answers of questionnaires); its records are read table after table, each in primary-key order,
so an offset names the same place from one page to the next.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from taut.charting.models import (
    LateAdverseEvent,
    Measure,
    NeedlingEntry,
    SessionAdverseEvent,
    TreatmentSession,
)
from taut.clinical.knowledge import load_knowledge
from taut.clinics.models import Clinic
from taut.consent.models import Consent
from taut.files.models import FileStatus, PatientFile
from taut.interop.fhir import resources as fhir
from taut.interop.fhir import search_builders as build
from taut.interop.fhir.codes import UUID_SYSTEM
from taut.interop.fhir.search_builders import Site
from taut.interop.fhir.search_params import (
    NOTHING,
    SearchError,
    date_condition,
    reference_condition,
    string_condition,
    token,
)
from taut.patients.models import Patient
from taut.scheduling.models import Appointment, CarePlan
from taut.screening.models import Intake

Resource = fhir.Resource
SESSION = ("session__patient", "session__clinician")


@dataclass(frozen=True)
class Param:
    """A search parameter of one table: `condition(value, modifier, site)` -> Q."""

    kind: str  # FHIR search parameter type: string, token, date, reference
    condition: Callable[[str, str, Site], Q]
    documentation: str
    modifiers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Source:
    """One table a resource type is read from."""

    rows: Callable[[Clinic], QuerySet[Any]]
    build: Callable[[list[Any], Site], list[Resource]]
    params: dict[str, Param]
    # Rows without a public id get a name-based id (resources.derived_id) of this kind.
    derived_kind: str | None = None
    includes: dict[str, str] = field(default_factory=dict)  # "Observation:patient" -> "Patient"


# --- parameters ---------------------------------------------------------------------------


def references(path: str, target: str = "Patient") -> Param:
    def condition(value: str, modifier: str, site: Site) -> Q:
        return reference_condition(target.lower(), path, value, target)

    return Param("reference", condition, f"The {target.lower()} (Patient/id or id)")


def dated(path: str, what: str, *, day: bool = False) -> Param:
    def condition(value: str, modifier: str, site: Site) -> Q:
        return date_condition("date", path, value, site.zone, day=day)

    return Param("date", condition, f"{what}; prefixes eq, ne, lt, le, gt, ge")


def _patient_name(*keys: str) -> Callable[[str, str, Site], Q]:
    def condition(value: str, modifier: str, site: Site) -> Q:
        return string_condition(keys, value, modifier)

    return condition


def _birthdate(value: str, modifier: str, site: Site) -> Q:
    return date_condition("birthdate", "date_of_birth", value, site.zone, day=True)


def _gender(value: str, modifier: str, site: Site) -> Q:
    _, code = token(value)
    return Q(sex=code) if code in fhir.GENDERS else NOTHING


def _identifier(value: str, modifier: str, site: Site) -> Q:
    system, code = token(value)
    if system not in (None, UUID_SYSTEM) or not code.startswith("urn:uuid:"):
        return NOTHING
    try:
        return Q(public_id=uuid.UUID(code.removeprefix("urn:uuid:")))
    except ValueError:
        return NOTHING


def _instruments_coded(system: str | None, code: str) -> list[str]:
    knowledge = load_knowledge()
    found = []
    for instrument in knowledge.instruments:
        coded = knowledge.code_for(f"instrument:{instrument.id}")
        if coded is not None and coded.code == code and system in (None, coded.system):
            found.append(instrument.id)
    return found


def _observation_code(value: str, modifier: str, site: Site) -> Q:
    return Q(instrument__in=_instruments_coded(*token(value)))


STRING = frozenset({"exact", "contains"})
PATIENT_PARAMS = {
    "name": Param(
        "string",
        _patient_name("family_key", "given_key"),
        "Any part of the family or given name",
        STRING,
    ),
    "family": Param("string", _patient_name("family_key"), "The family name", STRING),
    "given": Param("string", _patient_name("given_key"), "A given name", STRING),
    "birthdate": Param("date", _birthdate, "Date of birth; prefixes eq, ne, lt, le, gt, ge"),
    "gender": Param("token", _gender, "male | female | other | unknown"),
    "identifier": Param("token", _identifier, f"{UUID_SYSTEM}|urn:uuid:<id>"),
}


# --- the tables behind each resource type ---------------------------------------------------


def _scoped(model: Any, *related: str, defer: tuple[str, ...] = ()) -> Any:
    def rows(clinic: Clinic) -> QuerySet[Any]:
        return model.objects.for_clinic(clinic).select_related(*related).defer(*defer)

    return rows


def _diagnosed_sessions(clinic: Clinic) -> QuerySet[Any]:
    sessions = TreatmentSession.objects.for_clinic(clinic).select_related("patient", "clinician")
    return sessions.filter(Q(condition__gt="") | ~Q(diagnosis_codes=""))


def _files_in_record(clinic: Clinic) -> QuerySet[Any]:
    """Patients' files that belong to the record (as the export sends them)."""
    files = PatientFile.objects.for_clinic(clinic).select_related("patient")
    return files.filter(status=FileStatus.IN_RECORD, removed_at__isnull=True)


def _answered_measures(clinic: Clinic) -> QuerySet[Any]:
    return _scoped(Measure, *SESSION)(clinic).exclude(answers=[])


PATIENT = references("patient")
SOURCES: dict[str, tuple[Source, ...]] = {
    "Patient": (Source(_scoped(Patient), build.patients, PATIENT_PARAMS),),
    "Encounter": (
        Source(
            _scoped(TreatmentSession, "patient", "clinician"),
            build.encounters,
            {"patient": references("patient"), "date": dated("started_at", "When it began")},
            includes={"Encounter:patient": "Patient", "Encounter:subject": "Patient"},
        ),
    ),
    "Observation": (
        Source(
            _scoped(Measure, *SESSION),
            build.observations,
            {
                "patient": references("session__patient"),
                "code": Param("token", _observation_code, "system|code of the instrument"),
                "date": dated("recorded_at", "When it was measured"),
            },
            derived_kind="measure",
            includes={
                "Observation:patient": "Patient",
                "Observation:subject": "Patient",
                "Observation:encounter": "Encounter",
            },
        ),
    ),
    "Procedure": (
        Source(
            _scoped(NeedlingEntry, *SESSION, "lot"),
            build.procedures,
            {
                "patient": references("session__patient"),
                "date": dated("session__started_at", "When the session began"),
            },
            derived_kind="needling-entry",
            includes={
                "Procedure:patient": "Patient",
                "Procedure:subject": "Patient",
                "Procedure:encounter": "Encounter",
            },
        ),
    ),
    "Condition": (
        Source(
            _diagnosed_sessions,
            build.conditions,
            {"patient": PATIENT},
            includes={"Condition:patient": "Patient", "Condition:encounter": "Encounter"},
        ),
    ),
    "AdverseEvent": tuple(
        Source(
            _scoped(model, *SESSION, "recorded_by"),
            build,
            {"subject": references("session__patient"), "patient": references("session__patient")},
            derived_kind=kind,
            includes={"AdverseEvent:subject": "Patient"},
        )
        for model, build, kind in (
            (SessionAdverseEvent, build.adverse_events, "adverse-event"),
            (LateAdverseEvent, build.late_adverse_events, "late-adverse-event"),
        )
    ),
    "Consent": (
        Source(
            _scoped(Consent, "patient", "document", defer=("pdf", "signature_svg")),
            build.consents,
            {"patient": PATIENT},
            includes={"Consent:patient": "Patient"},
        ),
    ),
    "Appointment": (
        Source(
            _scoped(Appointment, "patient", "practitioner", "location", "appointment_type"),
            build.appointments,
            {"patient": PATIENT, "date": dated("starts_at", "When it starts")},
            includes={"Appointment:patient": "Patient"},
        ),
    ),
    "CarePlan": (
        Source(
            _scoped(CarePlan, "patient", "author"),
            build.care_plans,
            {"patient": PATIENT},
            includes={"CarePlan:patient": "Patient", "CarePlan:subject": "Patient"},
        ),
    ),
    "QuestionnaireResponse": (
        Source(
            _scoped(Intake, "patient", "submitted_by"),
            build.intakes,
            {"patient": PATIENT},
            includes={"QuestionnaireResponse:patient": "Patient"},
        ),
        Source(
            _answered_measures,
            build.answer_sets,
            {"patient": references("session__patient")},
            derived_kind="measure-answers",
            includes={"QuestionnaireResponse:patient": "Patient"},
        ),
    ),
    "DocumentReference": (
        Source(
            _scoped(Consent, "patient", "document", defer=("pdf", "signature_svg")),
            build.consent_documents,
            {"patient": PATIENT},
            includes={"DocumentReference:patient": "Patient"},
        ),
        Source(
            _files_in_record,
            build.patient_files,
            {"patient": PATIENT},
            includes={"DocumentReference:patient": "Patient"},
        ),
    ),
}


# --- running a search -----------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    name: str
    modifier: str
    values: tuple[str, ...]  # a comma list: any of them


@dataclass
class Page:
    total: int
    matches: list[Resource]
    included: list[Resource] = field(default_factory=list)


def _derived_pks(rows: QuerySet[Any], kind: str, wanted: set[str]) -> list[int]:
    """The rows whose name-based id is one of `wanted`: the id is a hash of the key, so the
    clinic's keys are hashed in batches (one query per 5,000 rows) until all are found."""
    found: list[int] = []
    last = 0
    while len(found) < len(wanted):
        keys = list(rows.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:5000])
        if not keys:
            break
        found += [pk for pk in keys if fhir.derived_id(kind, pk) in wanted]
        last = keys[-1]
    return found


def _id_condition(source: Source, rows: QuerySet[Any], ids: tuple[str, ...]) -> Q:
    if source.derived_kind is not None:
        return Q(pk__in=_derived_pks(rows, source.derived_kind, set(ids)))
    public_ids = []
    for value in ids:
        try:
            public_ids.append(uuid.UUID(value))
        except ValueError:
            continue
    return Q(public_id__in=public_ids)


def _filtered(source: Source, site: Site, criteria: list[Criterion]) -> QuerySet[Any]:
    rows = source.rows(site.clinic)
    for criterion in criteria:
        if criterion.name == "_id":
            rows = rows.filter(_id_condition(source, rows, criterion.values))
            continue
        param = source.params[criterion.name]
        condition = NOTHING
        for value in criterion.values:
            condition |= param.condition(value, criterion.modifier, site)
        rows = rows.filter(condition)
    return rows.order_by("pk")


def search_page(
    *, resource_type: str, site: Site, criteria: list[Criterion], offset: int, count: int
) -> Page:
    """The matches from `offset` (at most `count`) and how many there are in all."""
    page = Page(total=0, matches=[])
    for source in SOURCES[resource_type]:
        rows = _filtered(source, site, criteria)
        size = rows.count()
        start = max(offset - page.total, 0)
        wanted = count - len(page.matches)
        if wanted > 0 and start < size:
            page.matches += source.build(list(rows[start : start + wanted]), site)
        page.total += size
    return page


def search_criterion(resource_type: str, name: str, values: list[str], site: Site) -> Criterion:
    """One query parameter as a criterion, or SearchError when this type cannot search by it
    or a value cannot be read (each value is tried once here, before any query runs)."""
    base, _, modifier = name.partition(":")
    if base == "_id":
        if modifier:
            raise SearchError(name, "_id takes no modifier.")
        return Criterion("_id", "", tuple(v for value in values for v in value.split(",")))
    param = SOURCES[resource_type][0].params.get(base)
    if param is None:
        raise SearchError(name, f"{resource_type} cannot be searched by '{base}'.")
    if modifier and modifier not in param.modifiers:
        raise SearchError(name, f"the modifier ':{modifier}' is not supported.")
    criterion = Criterion(base, modifier, tuple(v for value in values for v in value.split(",")))
    for value in criterion.values:
        param.condition(value, modifier, site)
    return criterion


def include_target(resource_type: str, include: str) -> str:
    """The type an `_include` value brings in, or SearchError."""
    for source in SOURCES[resource_type]:
        if include in source.includes:
            return source.includes[include]
    raise SearchError("_include", f"'{include}' is not supported for {resource_type}.")


def referenced_ids(resources: list[Resource], target: str) -> list[str]:
    """Ids of the `target` resources the given resources refer to, first seen first."""
    prefix = f"{target}/"
    ids: dict[str, None] = {}
    for resource in resources:
        for reference in _references(resource):
            if reference.startswith(prefix):
                ids[reference.removeprefix(prefix)] = None
    return list(ids)


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def patients_touched(resources: list[Resource]) -> list[str]:
    """Whose records the resources are: a Patient's own id, or the patients they refer to."""
    ids: dict[str, None] = {}
    for resource in resources:
        if resource["resourceType"] == "Patient":
            ids[resource["id"]] = None
        for patient_id in referenced_ids([resource], "Patient"):
            ids[patient_id] = None
    return list(ids)


def resources_with_ids(*, resource_type: str, site: Site, ids: list[str]) -> list[Resource]:
    if not ids:
        return []
    criteria = [Criterion("_id", "", tuple(ids))]
    return search_page(
        resource_type=resource_type, site=site, criteria=criteria, offset=0, count=len(ids)
    ).matches
