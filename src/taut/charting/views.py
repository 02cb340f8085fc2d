"""The charting screen. Thin: parse, call a service or selector, render (htmx fragments)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.charting import classify, services
from taut.charting.bodychart import chart_context
from taut.charting.documents import DOCUMENTS, pdf_response
from taut.charting.finality import ensure_open, note_is_final
from taut.charting.forms import (
    AddendumForm,
    AdverseEventForm,
    ClassifyForm,
    EntryForm,
    LateAdverseEventForm,
    MeasureForm,
    NotesForm,
)
from taut.charting.late_events import LateEventRefused, LateEventReport, late_adverse_event_record
from taut.charting.models import TreatmentSession
from taut.charting.selectors import (
    entry_check_as_typed,
    get_entry_for,
    get_session_for,
    needling_overview,
    session_overview,
    session_read_for,
    sessions_for,
    suggestions_for,
    usable_lots,
)
from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.common import events
from taut.common.context import AuditContext
from taut.common.refusal_pages import show_refusal
from taut.common.refusals import Refused
from taut.patients.selectors import get_patient_for, patient_read_for


def _session(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID
) -> TreatmentSession:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    return get_session_for(membership=request.membership, patient=patient, public_id=session_id)


def _condition_name(condition: str | None) -> str:
    if not condition:
        return ""
    try:
        return load_knowledge().condition(condition).name
    except UnknownIdError:
        return condition  # an id the knowledge data has since retired: show it as stored


def _page(
    request: StaffRequest, session: TreatmentSession, *, status: int = 200, **forms: object
) -> HttpResponse:
    lots = _lots(session)
    suggestions, suggestion_error = suggestions_for(list(session.pain_regions))
    context = {
        "session": session,
        "patient": session.patient,
        **session_overview(session),
        "notes_form": NotesForm(initial={f: getattr(session, f) for f in services.NOTE_FIELDS}),
        "entry_form": EntryForm(lots=lots),
        "measure_form": MeasureForm(),
        "event_form": AdverseEventForm(),
        "addendum_form": AddendumForm(),
        "late_event_form": LateAdverseEventForm(
            initial={"reported_on": _clinic_today(session), "reported_via": "phone"}
        ),
        "classify_form": ClassifyForm(session=session),
        "condition_name": _condition_name(session.condition),
        "chart_regions": chart_context(session.pain_regions),
        "chart_input_name": "pain_regions",
        "chart_readonly": note_is_final(session),
        "suggestions": suggestions,
        "suggestion_error": suggestion_error,
        **forms,
    }
    return render(request, "charting/session.html", context, status=status)


def _clinic_today(session: TreatmentSession) -> date:
    return clock.today_in(session.zone)


def _lots(session: TreatmentSession) -> list[Any]:
    return usable_lots(clinic=session.clinic_id, day=session.date_of_service)


def _needling_response(
    request: StaffRequest, session: TreatmentSession, form: EntryForm, refusals: tuple[str, ...]
) -> HttpResponse:
    """The needling section for htmx; a redirect (with the refusal as a message) without it."""
    if request.htmx:
        context = {
            "session": session,
            "patient": session.patient,
            "entry_form": form,
            "refusals": refusals,
            **needling_overview(session),
        }
        return render(request, "charting/_needling.html", context)
    if refusals:
        messages.error(request, "Refused: " + " ".join(refusals))
    return redirect(
        "charting:session", patient_id=session.patient.public_id, session_id=session.public_id
    )


@staff_required(Permission.CLINICAL_VIEW)
def session_list(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = patient_read_for(
        ctx=AuditContext.from_request(request), public_id=patient_id, reading="treatment_sessions"
    )
    return render(
        request,
        "charting/session_list.html",
        {"patient": patient, "sessions": sessions_for(patient=patient)},
    )


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def session_start(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    try:
        session = services.session_start(
            request=request,
            membership=request.membership,
            patient=patient,
            today=clock.today_in(patient.clinic.zone),
        )
    except Refused as refusal:
        return render(
            request,
            "charting/refused.html",
            {"patient": patient, "reasons": refusal.reasons},
            status=409,
        )
    # The outcomes app fills its condition and location from the care plan and earlier notes.
    events.publish(events.NoteOpened(session=session, actor=request.user, request=request))
    return redirect("charting:session", patient_id=patient.public_id, session_id=session.public_id)


@staff_required(Permission.CLINICAL_VIEW)
def session_page(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    session = session_read_for(
        ctx=AuditContext.from_request(request), patient=patient, public_id=session_id
    )
    return _page(request, session)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def notes_save(request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID) -> HttpResponse:
    session = _session(request, patient_id, session_id)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _page(request, session, notes_form=form)
    try:
        services.session_notes_save(
            request=request, actor=request.user, session=session, data=form.cleaned_data
        )
        messages.success(request, "Saved.")
    except Refused as refusal:
        show_refusal(request, refusal)
    return redirect("charting:session", patient_id=patient_id, session_id=session_id)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def session_classify(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    """Set or correct the condition treated and the location of an open note."""
    session = _session(request, patient_id, session_id)
    try:
        ensure_open(session)  # before the values: a signed note takes none, valid or not
        form = ClassifyForm(request.POST, session=session)
        if not form.is_valid():
            return _page(request, session, status=400, classify_form=form)
        classify.session_classify(
            request=request,
            actor=request.user,
            session=session,
            condition=form.cleaned_data["condition"] or None,
            location=form.cleaned_data["location"],
        )
    except Refused as refusal:
        return render(
            request,
            "charting/classify_refused.html",
            {"session": session, "patient": session.patient, "reasons": refusal.reasons},
            status=409,
        )
    messages.success(request, "Condition and location saved.")
    return redirect("charting:session", patient_id=patient_id, session_id=session_id)


@staff_required(Permission.CLINICAL_VIEW)
def suggestions(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    """Ranked muscles for the drawing as it stands in the browser (not yet saved)."""
    session = _session(request, patient_id, session_id)
    ranked, error = suggestions_for(request.GET.getlist("pain_regions"))
    return render(
        request,
        "charting/_suggestions.html",
        {
            "session": session,
            "patient": session.patient,
            "suggestions": ranked,
            "suggestion_error": error,
        },
    )


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def entry_add(request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID) -> HttpResponse:
    session = _session(request, patient_id, session_id)
    lots = _lots(session)
    form = EntryForm(request.POST, lots=lots)
    refusals: tuple[str, ...] = ()
    if form.is_valid():
        try:
            services.entry_add(
                request=request, actor=request.user, session=session, data=dict(form.cleaned_data)
            )
            form = EntryForm(lots=lots)
        except Refused as refusal:
            refusals = refusal.reasons
    return _needling_response(request, session, form, refusals)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def entry_check(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    """The live check of the needling row being typed: what saving it would refuse or warn
    about (htmx fills the form's check area; nothing is saved)."""
    session = _session(request, patient_id, session_id)
    form = EntryForm(request.POST, lots=_lots(session))
    form.is_valid()  # the fields valid so far are enough for a check
    check = None
    if not note_is_final(session):  # a final note takes no entry, so there is nothing to check
        check = entry_check_as_typed(session=session, typed=form.cleaned_data, lots=_lots(session))
    typed_depth = bool(request.POST.get("depth_mm"))
    depth_errors = [str(e) for e in form.errors.get("depth_mm", ())] if typed_depth else []
    return render(
        request, "charting/_entry_check.html", {"check": check, "depth_errors": depth_errors}
    )


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def entry_count(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID, entry_id: int
) -> HttpResponse:
    session = _session(request, patient_id, session_id)
    entry = get_entry_for(session=session, entry_id=entry_id)
    refusals: tuple[str, ...] = ()
    try:
        count = int(request.POST.get("needles_out", ""))
        services.entry_count_out(
            request=request, actor=request.user, entry=entry, needles_out=count
        )
    except ValueError:
        refusals = ("Needles out: enter a whole number.",)
    except Refused as refusal:
        refusals = refusal.reasons
    return _needling_response(request, session, EntryForm(lots=_lots(session)), refusals)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def measure_add(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    session = _session(request, patient_id, session_id)
    form = MeasureForm(request.POST)
    if form.is_valid():
        try:
            services.measure_add(
                request=request,
                actor=request.user,
                session=session,
                instrument=form.cleaned_data["instrument"],
                timing=form.cleaned_data["timing"],
                answers=form.cleaned_data["answers"],
                site=form.cleaned_data["site"],
            )
            messages.success(request, "Measure recorded.")
            return redirect("charting:session", patient_id=patient_id, session_id=session_id)
        except Refused as refusal:
            form.add_error("answers", " ".join(refusal.reasons))
    return _page(request, session, measure_form=form)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def adverse_event_add(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    session = _session(request, patient_id, session_id)
    form = AdverseEventForm(request.POST)
    if form.is_valid():
        try:
            services.adverse_event_add(
                request=request, actor=request.user, session=session, **form.cleaned_data
            )
            messages.success(request, "Adverse event recorded.")
            return redirect("charting:session", patient_id=patient_id, session_id=session_id)
        except Refused as refusal:
            form.add_error(None, " ".join(refusal.reasons))
    return _page(request, session, event_form=form)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def session_sign(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    session = _session(request, patient_id, session_id)
    try:
        services.session_sign(request=request, actor=request.user, session=session)
        messages.success(request, "Signed. The note is now final; corrections go in addenda.")
    except Refused as refusal:
        show_refusal(request, refusal, prefix="Not signed. ")
    return redirect("charting:session", patient_id=patient_id, session_id=session_id)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def addendum_add(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    session = _session(request, patient_id, session_id)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.addendum_add(
                request=request, actor=request.user, session=session, text=form.cleaned_data["text"]
            )
            messages.success(request, "Addendum added.")
        except Refused as refusal:
            show_refusal(request, refusal)
    else:
        messages.error(request, "Write the addendum.")
    return redirect("charting:session", patient_id=patient_id, session_id=session_id)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def late_event_add(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID
) -> HttpResponse:
    """An adverse event reported after signing: a record of its own, linked to the note."""
    session = _session(request, patient_id, session_id)
    form = LateAdverseEventForm(request.POST)
    if form.is_valid():
        try:
            late_adverse_event_record(
                request=request,
                actor=request.user,
                session=session,
                report=LateEventReport(**form.cleaned_data),
                today=_clinic_today(session),
            )
        except LateEventRefused as refusal:
            form.add_error(None, " ".join(refusal.reasons))
        else:
            messages.success(request, "Adverse event recorded. The signed note is unchanged.")
            return redirect("charting:session", patient_id=patient_id, session_id=session_id)
    return _page(request, session, status=400, late_event_form=form)


@staff_required(Permission.CLINICAL_VIEW)
def session_document(
    request: StaffRequest, patient_id: uuid.UUID, session_id: uuid.UUID, kind: str
) -> HttpResponse:
    session = _session(request, patient_id, session_id)
    if kind not in DOCUMENTS or not session.is_signed:
        raise Http404("Documents exist once the note is signed.")
    return pdf_response(session, kind, ctx=AuditContext.from_request(request))
