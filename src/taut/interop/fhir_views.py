"""FHIR R4 endpoints: Patient/$everything and Bulk Data $export (kick-off, status, files).

Authentication is the staff session for now (CLINICAL_VIEW for $everything, DATA_EXPORT for
$export); the views only need `request.membership`, so a bearer-token middleware that sets it can
serve API clients later without touching them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_GET, require_http_methods

from taut import clock
from taut.audit.services import audit_patient_read
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.common.refusals import Refused
from taut.interop.fhir import bulk
from taut.interop.fhir.codes import FHIR_JSON, NDJSON
from taut.interop.fhir.collect import patient_everything
from taut.interop.fhir.everything import (
    export_manifest,
    operation_outcome,
    refusal_outcome,
    searchset_bundle,
)
from taut.interop.models import ExportJob, ExportStatus
from taut.interop.selectors import export_file_for, get_export_for
from taut.patients.selectors import get_patient_for

NDJSON_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}


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
@staff_required(Permission.CLINICAL_VIEW)
def patient_everything_view(request: StaffRequest, patient_id: str) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    audit_patient_read(request=request, patient=patient, object_type="fhir_everything")
    bundle = searchset_bundle(
        patient_everything(patient),
        base_url=request.build_absolute_uri(reverse("fhir:base")),
        timestamp=clock.now(),
    )
    return fhir_response(bundle)


@require_http_methods(["GET", "POST"])
@fhir_refusals
@staff_required(Permission.DATA_EXPORT)
def export_kickoff(request: StaffRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    output_format = params.get("_outputFormat", "")
    if output_format and output_format not in NDJSON_FORMATS:
        return fhir_response(
            operation_outcome(
                f"Only NDJSON is offered, not {output_format}.", code="not-supported"
            ),
            status=400,
        )
    if params.get("_since"):
        return fhir_response(
            operation_outcome("_since is not supported; export everything.", code="not-supported"),
            status=400,
        )
    try:
        types = bulk.parse_types(params.get("_type", ""))
    except bulk.ExportError as refused:
        return fhir_response(operation_outcome(str(refused), code="not-supported"), status=400)
    job = bulk.export_request(
        request=request,
        membership=request.membership,
        request_url=request.build_absolute_uri(),
        types=types,
    )
    status_url = request.build_absolute_uri(
        reverse("fhir:export-status", kwargs={"export_id": job.public_id})
    )
    response = HttpResponse(status=202)
    response["Content-Location"] = status_url
    return response


@require_GET
@fhir_refusals
@staff_required(Permission.DATA_EXPORT)
def export_status(request: StaffRequest, export_id: str) -> HttpResponse:
    job = get_export_for(membership=request.membership, public_id=export_id)
    if job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        response = HttpResponse(status=202)
        response["X-Progress"] = str(job.get_status_display())
        response["Retry-After"] = "5"
        return response
    if bulk.export_is_expired(job, now=clock.now()):
        return _gone(job)
    if job.status == ExportStatus.FAILED:
        return fhir_response(operation_outcome(f"The export failed: {job.error}"), status=500)

    def file_url(kind: str) -> str:
        return request.build_absolute_uri(
            reverse("fhir:export-file", kwargs={"export_id": job.public_id, "resource_type": kind})
        )

    assert job.finished_at is not None  # noqa: S101 - a done job always has one
    response = HttpResponse(
        json.dumps(
            export_manifest(
                transaction_time=job.started_at or job.finished_at,
                request_url=job.request_url,
                files=job.files,
                file_url=file_url,
            )
        ),
        content_type="application/json",
    )
    expires = bulk.export_expires_at(job)
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
@staff_required(Permission.DATA_EXPORT)
def export_file(request: StaffRequest, export_id: str, resource_type: str) -> HttpResponse:
    job = get_export_for(membership=request.membership, public_id=export_id)
    if bulk.export_is_expired(job, now=clock.now()):
        return _gone(job)
    file = export_file_for(
        ctx=AuditContext.from_request(request), job=job, resource_type=resource_type
    )
    # Streamed: a large clinic's files run to gigabytes.
    return FileResponse(  # type: ignore[return-value]
        file.path.open("rb"), content_type=NDJSON, as_attachment=True, filename=file.name
    )
