"""FHIR R4 endpoints: Patient/$everything, Group read, and Bulk Data v2 $export at the system,
Patient and Group levels (kick-off by GET or POST, status, DELETE to cancel, files).

Every view goes through `fhir_access` (a staff session, an API token or a SMART backend access
token; CLINICAL_VIEW for $everything, DATA_EXPORT for $export). A backend client's system scopes
narrow what it gets: $everything holds only the types it may read, and an export only those.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_GET, require_http_methods

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_patient_read, audit_record
from taut.clinics.models import Location
from taut.clinics.roles import Permission
from taut.clinics.selectors import get_location_for
from taut.common.refusals import Refused
from taut.interop.fhir import bulk, bulk_params
from taut.interop.fhir.bulk_query import group_patients, group_resource
from taut.interop.fhir.codes import FHIR_JSON, NDJSON
from taut.interop.fhir.collect import patient_everything
from taut.interop.fhir.everything import (
    export_manifest,
    operation_outcome,
    refusal_outcome,
    searchset_bundle,
)
from taut.interop.fhir_access import FhirRequest, fhir_access, forbidden, readable_types
from taut.interop.models import ExportJob, ExportLevel, ExportStatus
from taut.interop.selectors import export_file_for, get_export_for
from taut.patients.selectors import get_patient_for


def fhir_response(body: dict[str, Any], *, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=FHIR_JSON)


def fhir_refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The FHIR endpoints' one map of a service refusal: an OperationOutcome with its status."""

    @functools.wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Refused as refusal:
            return fhir_response(refusal_outcome(refusal), status=refusal.status)

    return answer


@require_GET
@fhir_refusals
@fhir_access(Permission.CLINICAL_VIEW, "Patient")
def patient_everything_view(request: FhirRequest, patient_id: str) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    audit_patient_read(ctx=request.fhir_ctx, patient=patient, object_type="fhir_everything")
    grants = request.fhir_grants  # a backend client sees only the types its scopes read
    bundle = searchset_bundle(
        [
            r
            for r in patient_everything(patient)
            if grants is None or grants.allows(r["resourceType"])
        ],
        base_url=request.build_absolute_uri(reverse("fhir:base")),
        timestamp=clock.now(),
    )
    return fhir_response(bundle)


def _prefers(request: HttpRequest, token: str) -> bool:
    prefer = request.headers.get("Prefer", "")
    return any(part.strip().lower() == token for part in prefer.split(","))


def _kickoff_values(request: HttpRequest) -> dict[str, list[str]]:
    """Every parameter with all its values: the query string, a form, or a Parameters body."""
    values = {name: request.GET.getlist(name) for name in request.GET}
    if request.method == "POST":
        if request.content_type in ("application/fhir+json", "application/json"):
            body = bulk_params.parameters_body(request.body)
        else:
            body = {name: request.POST.getlist(name) for name in request.POST}
        for name, given in body.items():
            values.setdefault(name, []).extend(given)
    return values


def _kick_off(request: FhirRequest, *, level: str, group: Location | None = None) -> HttpResponse:
    """The Bulk Data kick-off of every level: 202 and a status URL, or a 400 OperationOutcome."""
    if not _prefers(request, "respond-async"):
        return fhir_response(
            operation_outcome(
                "Bulk Data export runs asynchronously: send 'Prefer: respond-async'.",
                code="invalid",
            ),
            status=400,
        )
    try:
        params = bulk_params.kickoff_parameters(
            _kickoff_values(request), level=level, lenient=_prefers(request, "handling=lenient")
        )
    except bulk_params.ExportError as refused:
        return fhir_response(operation_outcome(str(refused), code=refused.code), status=400)
    types = params.types
    if request.fhir_grants is not None:  # a backend client exports what its scopes read
        unscoped = [kind for kind in types if not request.fhir_grants.allows(kind, "r")]
        if unscoped:
            return forbidden(f"This token's scopes do not allow reading {', '.join(unscoped)}.")
        everything = list(bulk_params.types_for(level))
        types = types or readable_types(request, everything)
        if not types:
            return forbidden("This token's scopes read none of the types this export holds.")
        if len(types) == len(everything):
            types = []  # everything, as a person's export without _type
    job = bulk.export_request(
        request=request,
        membership=request.membership,
        request_url=request.build_absolute_uri(),
        types=types,
        level=level,
        group=group,
        since=params.since,
        ignored=params.ignored,
        ctx=request.fhir_ctx,
        client=request.fhir_client,
    )
    status_url = request.build_absolute_uri(
        reverse("fhir:export-status", kwargs={"export_id": job.public_id})
    )
    response = HttpResponse(status=202)
    response["Content-Location"] = status_url
    return response


@require_http_methods(["GET", "POST"])
@fhir_refusals
@fhir_access(Permission.DATA_EXPORT)
def export_kickoff(request: FhirRequest) -> HttpResponse:
    return _kick_off(request, level=ExportLevel.SYSTEM)


@require_http_methods(["GET", "POST"])
@fhir_refusals
@fhir_access(Permission.DATA_EXPORT)
def patient_export_kickoff(request: FhirRequest) -> HttpResponse:
    return _kick_off(request, level=ExportLevel.PATIENT)


@require_http_methods(["GET", "POST"])
@fhir_refusals
@fhir_access(Permission.DATA_EXPORT)
def group_export_kickoff(request: FhirRequest, group_id: str) -> HttpResponse:
    location = _group_location(request, group_id)
    if location is None:
        return _not_found("No such Group in this clinic.")
    return _kick_off(request, level=ExportLevel.GROUP, group=location)


def _group_location(request: FhirRequest, group_id: str) -> Location | None:
    """The location whose patients make the Group; None (a 404) for another clinic's."""
    try:
        return get_location_for(membership=request.membership, public_id=group_id)
    except Http404:
        return None


def _export_job(request: FhirRequest, export_id: str) -> ExportJob | None:
    try:
        return get_export_for(membership=request.membership, public_id=export_id)
    except Http404:
        return None


@require_GET
@fhir_refusals
@fhir_access(Permission.CLINICAL_VIEW, "Group")
def group_read(request: FhirRequest, group_id: str) -> HttpResponse:
    """A Group is a location's patients (taut.interop.fhir.bulk_query); its members listed."""
    location = _group_location(request, group_id)
    if location is None:
        return _not_found("No such Group in this clinic.")
    members = [
        str(p) for p in group_patients(location).order_by("pk").values_list("public_id", flat=True)
    ]
    audit_record(
        ctx=request.fhir_ctx,
        clinic=location.clinic,
        action=Action.VIEW,
        object_type="fhir_group",
        object_id=str(location.public_id),
        detail={"members": len(members)},
    )
    return fhir_response(group_resource(location, members))


def _not_found(message: str) -> HttpResponse:
    return fhir_response(operation_outcome(message, code="not-found"), status=404)


@require_http_methods(["GET", "DELETE"])
@fhir_refusals
@fhir_access(Permission.DATA_EXPORT)
def export_status(request: FhirRequest, export_id: str) -> HttpResponse:
    job = _export_job(request, export_id)
    if job is None:
        return _not_found("No such export in this clinic.")
    if job.status == ExportStatus.CANCELLED:
        return _not_found("This export was cancelled.")
    if request.method == "DELETE":
        bulk.export_cancel(request=request, job=job, ctx=request.fhir_ctx)
        return fhir_response(
            {
                "resourceType": "OperationOutcome",
                "issue": [
                    {
                        "severity": "information",
                        "code": "informational",
                        "diagnostics": "The export was cancelled and its files removed.",
                    }
                ],
            },
            status=202,
        )
    if job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        job = bulk.export_fail_dead(job, now=clock.now())
    if job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        response = HttpResponse(status=202)
        response["X-Progress"] = str(job.get_status_display())
        response["Retry-After"] = "5"
        return response
    if bulk.export_is_expired(job, now=clock.now()):
        return _gone(job)
    if job.status == ExportStatus.FAILED:
        return fhir_response(
            operation_outcome(f"The export failed: {job.error}", code="exception"), status=500
        )
    return _manifest_response(request, job)


def _manifest_response(request: FhirRequest, job: ExportJob) -> HttpResponse:
    def file_url(kind: str) -> str:
        return request.build_absolute_uri(
            reverse("fhir:export-file", kwargs={"export_id": job.public_id, "resource_type": kind})
        )

    assert job.finished_at is not None  # noqa: S101 - a done job always has one
    expires = bulk.export_expires_at(job)
    response = HttpResponse(
        json.dumps(
            export_manifest(
                transaction_time=job.started_at or job.finished_at,
                request_url=job.request_url,
                files=job.files,
                file_url=file_url,
                expires=expires,
            )
        ),
        content_type="application/json",
    )
    if expires is not None:  # the Bulk Data specification's way of saying when files go
        response["Expires"] = http_date(expires.timestamp())
    return response


def _gone(job: ExportJob) -> HttpResponse:
    expires = bulk.export_expires_at(job)
    when = f" at {expires:%Y-%m-%d %H:%M} UTC" if expires else ""
    hours = int(bulk.export_lifetime().total_seconds() // 3600)
    message = (
        f"This export's files were removed{when}: exports are kept for {hours} hours. "
        "Start a new export."
    )
    return fhir_response(operation_outcome(message, code="not-found"), status=410)


@require_GET
@fhir_refusals
@fhir_access(Permission.DATA_EXPORT)
def export_file(request: FhirRequest, export_id: str, resource_type: str) -> HttpResponse:
    if request.fhir_grants is not None and not request.fhir_grants.allows(resource_type, "r"):
        return forbidden(f"This token's scopes do not allow reading {resource_type}.")
    job = _export_job(request, export_id)
    if job is None:
        return _not_found("No such export in this clinic.")
    if job.status == ExportStatus.CANCELLED:
        return _not_found("This export was cancelled.")
    if bulk.export_is_expired(job, now=clock.now()):
        return _gone(job)
    try:
        file = export_file_for(ctx=request.fhir_ctx, job=job, resource_type=resource_type)
    except Http404 as missing:
        return _not_found(str(missing))
    # Streamed: a large clinic's files run to gigabytes.
    return FileResponse(  # type: ignore[return-value]
        file.path.open("rb"), content_type=NDJSON, as_attachment=True, filename=file.name
    )


@fhir_refusals
def not_found(request: HttpRequest, path: str) -> HttpResponse:
    """Any other path under the FHIR base: an OperationOutcome, not the HTML 404 page."""
    return fhir_response(
        operation_outcome(f"Taut serves no FHIR endpoint at {request.path}.", code="not-found"),
        status=404,
    )
