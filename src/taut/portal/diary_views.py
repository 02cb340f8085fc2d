"""The patient's diary in the portal. Every view reaches records through `request.patient`."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from taut import clock
from taut.audit.services import audit_patient_read
from taut.charting.models import TreatmentSession
from taut.clinical.diary import DiaryAnswers, assess, diary_open, load_diary
from taut.clinical.knowledge import load_knowledge
from taut.common.times import OPENS, local_text
from taut.diary import services
from taut.diary.forms import DiaryForm
from taut.diary.models import DiaryEntry, DiaryPrompt
from taut.diary.selectors import (
    diary_for_patient,
    entry_answers,
    get_entry_for_patient,
    get_prompt_for_patient,
    open_session_for_patient,
)
from taut.portal.access import patient_required


@patient_required
def diary_home(request: HttpRequest) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    audit_patient_read(request=request, patient=patient, object_type="diary")
    return render(
        request,
        "diary/portal_home.html",
        {"patient": patient, "diaries": diary_for_patient(patient=patient)},
    )


def _form_page(
    request: HttpRequest,
    *,
    session: TreatmentSession,
    form: DiaryForm | None,
    prompt: DiaryPrompt | None = None,
    closed_reason: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "session": session,
        "prompt": prompt,
        "form": form,
        "closed_reason": closed_reason,
        "notice": load_diary().notice,
    }
    return render(request, "diary/portal_form.html", context, status=status)


def _submit(
    request: HttpRequest, session: TreatmentSession, prompt: DiaryPrompt | None
) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    form = DiaryForm(request.POST)
    if not form.is_valid():
        return _form_page(request, session=session, form=form, prompt=prompt)
    try:
        entry, _ = services.diary_entry_submit(
            request=request,
            actor=request.user,
            patient=patient,
            session=session,
            prompt=prompt,
            answers=form.answers(),
        )
    except services.DiaryRefused as refusal:
        form.add_error(None, " ".join(refusal.reasons))
        return _form_page(request, session=session, form=form, prompt=prompt, status=409)
    return redirect("portal_diary:entry", diary_entry_id=entry.public_id)


@patient_required
def diary_answer(request: HttpRequest, prompt_id: uuid.UUID) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    prompt = get_prompt_for_patient(patient=patient, public_id=prompt_id)
    session = prompt.session
    answered = DiaryEntry.objects.for_clinic(patient.clinic_id).filter(prompt=prompt).first()
    if answered is not None:
        messages.info(
            request,
            "You have already answered this diary question. To tell us something new, add "
            "another entry.",
        )
        return redirect("portal_diary:entry", diary_entry_id=answered.public_id)
    now = clock.now()
    if prompt.due_at > now:
        opens = local_text(prompt.due_at, session.zone, OPENS)
        reason = f"This diary question opens at {opens}."
        return _form_page(request, session=session, form=None, prompt=prompt, closed_reason=reason)
    if not diary_open(
        started_at=session.started_at, now=now, open_days=load_diary().schedule.open_days
    ):
        reason = "The diary of this session has closed. If something worries you, call the clinic."
        return _form_page(request, session=session, form=None, prompt=prompt, closed_reason=reason)
    if request.method == "POST":
        return _submit(request, session, prompt)
    audit_patient_read(
        request=request, patient=patient, object_type="diary_prompt", object_id=str(prompt_id)
    )
    return _form_page(request, session=session, form=DiaryForm(), prompt=prompt)


@patient_required
def diary_extra(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    """An entry the patient writes without a prompt, e.g. because they feel worse on day 2."""
    patient = request.patient  # type: ignore[attr-defined]
    session = open_session_for_patient(patient=patient, public_id=session_id)
    if request.method == "POST":
        return _submit(request, session, None)
    return _form_page(request, session=session, form=DiaryForm())


@patient_required
def diary_entry(request: HttpRequest, diary_entry_id: uuid.UUID) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    entry = get_entry_for_patient(patient=patient, public_id=diary_entry_id)
    audit_patient_read(
        request=request, patient=patient, object_type="diary_entry", object_id=str(entry.public_id)
    )
    content, knowledge = load_diary(), load_knowledge()
    # The advice shown is the core's reading of the stored answers, as at the time of answering.
    assessment = assess(
        DiaryAnswers(soreness=entry.soreness, red_flags=tuple(entry.red_flags)), content
    )
    return render(
        request,
        "diary/portal_entry.html",
        {
            "entry": entry,
            "session": entry.session,
            "answers": entry_answers(entry, content),
            "advice": [
                {
                    "urgency": str(item.urgency),
                    "action": item.action,
                    "flags": item.flags,
                    "sources": sorted(
                        {knowledge.source(key).citation for f in item.flags for key in f.source}
                    ),
                }
                for item in assessment.advice
            ],
            "notice": content.notice,
            "can_add": diary_open(
                started_at=entry.session.started_at,
                now=clock.now(),
                open_days=content.schedule.open_days,
            ),
        },
    )
