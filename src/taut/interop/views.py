"""Import & export pages: FHIR bulk export of the clinic, patient imports with a dry run."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from taut import clock
from taut.clinical.wording import counted
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.interop import services
from taut.interop.fhir import bulk
from taut.interop.forms import CommitForm, MappingForm, UploadForm
from taut.interop.models import ImportBatch, ImportKind, ImportStatus
from taut.interop.selectors import get_import_for, recent_exports, recent_imports


def _today(request: StaffRequest):  # type: ignore[no-untyped-def]
    return clock.today_in(request.membership.clinic.zone)


@staff_required(Permission.DATA_IMPORT)
def home(request: StaffRequest, upload_form: UploadForm | None = None) -> HttpResponse:
    membership = request.membership
    may_export = membership.may(Permission.DATA_EXPORT)
    return render(
        request,
        "interop/home.html",
        {
            "may_export": may_export,
            "exports": [
                (job, bulk.export_expires_at(job)) for job in recent_exports(membership=membership)
            ]
            if may_export
            else [],
            "export_hours": int(bulk.export_lifetime().total_seconds() // 3600),
            "imports": recent_imports(membership=membership),
            "upload_form": upload_form or UploadForm(),
        },
        status=400 if upload_form is not None else 200,
    )


@require_POST
@staff_required(Permission.DATA_EXPORT)
def export_start(request: StaffRequest) -> HttpResponse:
    job = bulk.export_request(
        request=request,
        membership=request.membership,
        request_url=request.build_absolute_uri(reverse("fhir:export")),
        types=[],
    )
    messages.success(
        request, f"Export queued ({job.public_id}). Refresh this page to see when it is ready."
    )
    return redirect("interop:home")


@require_POST
@staff_required(Permission.DATA_IMPORT)
def import_upload(request: StaffRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return home(request, upload_form=form)
    upload = form.cleaned_data["file"]
    limit = 2 * 1024 * 1024 if form.cleaned_data["kind"] == ImportKind.CSV else 5 * 1024 * 1024
    if upload.size > limit:
        form.add_error("file", f"The file is larger than {limit // (1024 * 1024)} MB; split it.")
        return home(request, upload_form=form)
    try:
        batch = services.import_upload(
            request=request,
            membership=request.membership,
            kind=form.cleaned_data["kind"],
            filename=upload.name,
            raw=upload.read(limit + 1),
        )
    except services.ImportRefused as refused:
        form.add_error("file", str(refused))
        return home(request, upload_form=form)
    return redirect("interop:import", import_id=batch.public_id)


@staff_required(Permission.DATA_IMPORT)
def import_detail(request: StaffRequest, import_id: str) -> HttpResponse:
    batch = get_import_for(membership=request.membership, public_id=import_id)
    mapping_form = None
    status = 200
    if batch.kind == ImportKind.CSV and batch.status == ImportStatus.PENDING:
        if request.method == "POST":
            mapping_form = MappingForm(request.POST, columns=batch.columns)
            if mapping_form.is_valid():
                try:
                    services.import_map_columns(
                        request=request,
                        actor=request.user,
                        batch=batch,
                        mapping=mapping_form.cleaned_data,
                    )
                except services.ImportRefused as refused:
                    mapping_form.add_error(None, str(refused))
                else:
                    return redirect("interop:import", import_id=batch.public_id)
            status = 400
        else:
            mapping_form = MappingForm(initial=batch.mapping, columns=batch.columns)
    reports = []
    mapping_ready = True
    if batch.status == ImportStatus.PENDING:
        if batch.kind == ImportKind.CSV:
            fields = {k: v for k, v in batch.mapping.items() if k != "date_format"}
            mapping_ready = not services.csv_patients.mapping_problems(fields, batch.columns)
        if mapping_ready:
            reports = services.dry_run(batch, today=_today(request))
    bad = sum(1 for report in reports if not report.ok)
    matched = sum(1 for report in reports if report.ok and report.matched)
    return render(
        request,
        "interop/import.html",
        {
            "batch": batch,
            "mapping_form": mapping_form,
            "mapping_ready": mapping_ready,
            "reports": reports,
            "bad": bad,
            "good": len(reports) - bad,
            "matched": matched,
            "skipped": services.skipped_resources(batch),
            "commit_form": CommitForm(),
        },
        status=status,
    )


def _result(batch: ImportBatch) -> str:
    parts = [f"Imported {counted(batch.created_count, 'patient')}"]
    if batch.matched_count:
        parts.append(f"matched {counted(batch.matched_count, 'registered patient')}")
    if batch.skipped_count:
        parts.append(f"refused {counted(batch.skipped_count, 'row')} with errors")
    parts += [
        f"skipped {counted(count, resource_type + ' resource')}"
        for resource_type, count in sorted(batch.skipped_resources.items())
    ]
    return "; ".join(parts) + "."


@require_POST
@staff_required(Permission.DATA_IMPORT)
def import_commit(request: StaffRequest, import_id: str) -> HttpResponse:
    batch = get_import_for(membership=request.membership, public_id=import_id)
    form = CommitForm(request.POST)
    skip_bad = form.is_valid() and form.cleaned_data["skip_bad"]
    try:
        batch = services.import_commit(
            request=request,
            actor=request.user,
            batch=batch,
            skip_bad=skip_bad,
            today=_today(request),
        )
    except services.ImportRefused as refused:
        messages.error(request, f"Nothing was imported. {refused}")
        return redirect("interop:import", import_id=batch.public_id)
    messages.success(request, _result(batch))
    return redirect("interop:import", import_id=batch.public_id)


@require_POST
@staff_required(Permission.DATA_IMPORT)
def import_discard(request: StaffRequest, import_id: str) -> HttpResponse:
    batch = get_import_for(membership=request.membership, public_id=import_id)
    try:
        services.import_discard(request=request, actor=request.user, batch=batch)
    except services.ImportRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "The upload was discarded; nothing was imported.")
    return redirect("interop:home")
