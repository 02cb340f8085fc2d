"""Writes of the symptom diary. Each runs in one transaction and leaves an audit entry.

What the answers mean (events, red flags, advice) is decided by the clinical core
(`taut.clinical.diary`); these services store it, queue the messages and open the alerts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.charting.late_events import LateEventRefused, LateEventReport, late_adverse_event_record
from taut.charting.models import LateAdverseEvent, ReportedVia, TreatmentSession
from taut.clinical.diary import (
    Assessment,
    DiaryAnswers,
    DiaryError,
    assess,
    diary_open,
    load_diary,
    prompt_schedule,
)
from taut.common import events
from taut.common.refusals import Refused
from taut.common.times import OPENS, local_text
from taut.diary.models import DiaryEntry, DiaryPrompt, RedFlagAlert, ReportedEvent
from taut.messaging.models import Channel, Kind
from taut.messaging.services import message_queue, message_to_patient
from taut.patients.models import Patient

ACTION_MIN_LENGTH = 3


class DiaryRefused(Refused):
    """The diary entry or the alert change may not be made; `reasons` says every why."""


def _link(name: str, **kwargs: Any) -> str:
    return settings.TAUT_BASE_URL + reverse(name, kwargs=kwargs)


def _prompt_text(prompt: DiaryPrompt) -> tuple[str, str]:
    session, patient = prompt.session, prompt.patient
    clinic = patient.clinic
    day = session.started_at.astimezone(session.zone)
    portal = (
        "Sign in to your patient portal to answer."
        if patient.portal_user_id
        else "Answer in the patient portal. If you have no portal login yet, "
        f"call {clinic.name}{f' on {clinic.phone}' if clinic.phone else ''} and ask for one."
    )
    subject = f"How are you feeling after your treatment at {clinic.name}?"
    body = (
        f"It is about {prompt.hours_after} hours since your dry-needling session on "
        f"{day.day} {day:%B %Y}. Please take a minute to tell us about any soreness or other "
        f"symptoms:\n{_link('portal_diary:answer', prompt_id=prompt.public_id)}\n\n"
        f"{portal}\n\n{load_diary().notice.emergency}"
    )
    return subject, body


@transaction.atomic
def diary_prompts_schedule(*, session: TreatmentSession) -> list[DiaryPrompt]:
    """Ask the patient about 24, 48 and 72 hours after a session that was just signed."""
    if not session.is_signed or session.signed_at is None:
        raise DiaryRefused(["The diary starts when the note is signed."])
    # Signing must never fail because of the diary: a clock that went backwards between start
    # and signature is read as "signed as it started".
    times = prompt_schedule(
        started_at=session.started_at,
        signed_at=max(session.signed_at, session.started_at),
        hours=load_diary().schedule.hours,
    )
    prompts = []
    for time in times:
        prompt = DiaryPrompt.objects.create(
            clinic=session.clinic,
            patient=session.patient,
            session=session,
            hours_after=time.hours,
            due_at=time.due_at,
        )
        subject, body = _prompt_text(prompt)
        prompt.message = message_to_patient(
            patient=session.patient,
            kind=Kind.DIARY_PROMPT,
            subject=subject,
            body=body,
            about=f"session:{session.public_id}",
            send_after=time.due_at,
        )
        prompt.save(update_fields=["message"])
        prompts.append(prompt)
    audit_record(
        request=None,
        actor=session.signed_by,
        clinic=session.clinic,
        action=Action.CREATE,
        object_type="diary_prompts",
        object_id=str(session.public_id),
        detail={
            "patient": str(session.patient.public_id),
            "hours": [p.hours_after for p in prompts],
            "messages": sum(1 for p in prompts if p.message_id),
        },
    )
    return prompts


def _alert_emails(alert: RedFlagAlert) -> None:
    """Tell the treating clinician and the clinic, with no clinical detail: just a link."""
    session = alert.session
    recipients = [session.clinician.email, session.clinic.email]
    url = _link("diary:alert", alert_id=alert.public_id)
    opened = local_text(alert.opened_at, session.zone, OPENS)
    body = (
        f"A patient reported a red-flag symptom in their symptom diary at {opened}. "
        f"Please follow it up and record what was done:\n{url}\n\n"
        "This email carries no clinical details; sign in to Taut to see them."
    )
    for recipient in dict.fromkeys(r.strip() for r in recipients if r and r.strip()):
        message_queue(
            clinic=session.clinic,
            kind=Kind.RED_FLAG_ALERT,
            channel=Channel.EMAIL,
            recipient=recipient,
            subject="Taut: a patient reported a red-flag symptom",
            body=body,
            about=f"alert:{alert.public_id}",
        )


def _refusals_for_prompt(prompt: DiaryPrompt, now: datetime) -> list[str]:
    if DiaryEntry.objects.filter(prompt=prompt).exists():
        return [
            "You have already answered this diary question. To tell us something new, "
            "add another diary entry for the session."
        ]
    if prompt.due_at > now:
        opens = local_text(prompt.due_at, prompt.session.zone, OPENS)
        return [f"This diary question opens at {opens}."]
    return []


@transaction.atomic
def diary_entry_submit(
    *,
    request: HttpRequest | None,
    actor: Any,
    patient: Patient,
    session: TreatmentSession,
    answers: DiaryAnswers,
    prompt: DiaryPrompt | None = None,
    now: datetime | None = None,
) -> tuple[DiaryEntry, Assessment]:
    """Store the patient's answers, the events they report and, on a red flag, open an alert."""
    now = now or clock.now()
    found = (
        TreatmentSession.objects.for_clinic(patient.clinic_id)
        .filter(pk=session.pk, patient=patient)
        .select_related("clinic", "clinician", "patient")
        .first()
    )
    if found is None:
        raise DiaryRefused(["That session is not yours."])
    session = found
    if not session.is_signed:
        raise DiaryRefused(["The diary opens once the session's note is signed."])
    content = load_diary()
    reasons: list[str] = []
    if prompt is not None:
        prompt = DiaryPrompt.objects.select_for_update().get(pk=prompt.pk)
        if prompt.session_id != session.pk:
            raise DiaryRefused(["That diary question belongs to another session."])
        reasons += _refusals_for_prompt(prompt, now)
    if not diary_open(started_at=session.started_at, now=now, open_days=content.schedule.open_days):
        reasons.append(
            f"The diary of this session closed {content.schedule.open_days} days after it. "
            "If something worries you, call the clinic."
        )
    if reasons:
        raise DiaryRefused(reasons)
    try:
        assessment = assess(answers, content)
    except DiaryError as error:
        raise DiaryRefused([error.reason]) from error

    hours = Decimal((now - session.started_at).total_seconds() / 3600).quantize(Decimal("0.1"))
    entry = DiaryEntry.objects.create(
        clinic=session.clinic,
        patient=patient,
        session=session,
        prompt=prompt,
        soreness=answers.soreness,
        bruising=answers.grades.get("bruising", "none"),
        drowsiness=answers.grades.get("drowsiness", "none"),
        fatigue=answers.grades.get("fatigue", "none"),
        other_symptoms=answers.other.strip(),
        red_flags=[flag.id for flag in assessment.red_flags],
        hours_after=hours,
        reported_at=now,
        reported_by=actor,
    )
    ReportedEvent.objects.bulk_create(
        ReportedEvent(
            clinic=session.clinic,
            patient=patient,
            session=session,
            entry=entry,
            event=event.event,
            severity=str(event.severity),
            because=event.because[:300],
            reported_at=now,
        )
        for event in assessment.events
    )
    if assessment.events:
        events.publish(events.AdverseEventsReported(session))
    alert = None
    if assessment.red_flags:
        alert = RedFlagAlert.objects.create(
            clinic=session.clinic,
            patient=patient,
            session=session,
            entry=entry,
            flags=[flag.id for flag in assessment.red_flags],
            opened_at=now,
        )
        _alert_emails(alert)
    audit_record(
        request=request,
        actor=actor,
        clinic=session.clinic,
        action=Action.CREATE,
        object_type="diary_entry",
        object_id=str(entry.public_id),
        detail={
            "patient": str(patient.public_id),
            "session": str(session.public_id),
            "prompt": str(prompt.public_id) if prompt else None,
            "events": len(assessment.events),
            "red_flag_alert": str(alert.public_id) if alert else None,
        },
    )
    return entry, assessment


@dataclass(frozen=True)
class AlertEvent:
    """The adverse event a clinician records when closing an alert (pre-filled from its flags)."""

    event: str
    severity: str
    description: str


@transaction.atomic
def alert_close(
    *,
    request: HttpRequest | None,
    actor: Any,
    alert: RedFlagAlert,
    action_taken: str,
    adverse_event: AlertEvent | None,
    now: datetime | None = None,
) -> RedFlagAlert:
    """Close an alert with what was done, and settle what the patient reported with it: recorded
    as an adverse event of the signed session (`adverse_event`), or judged not one (None).
    A closed alert stays in the history as it was."""
    alert = (
        RedFlagAlert.objects.select_for_update()
        .select_related("patient", "session", "entry", "clinic")
        .get(pk=alert.pk)
    )
    if not alert.is_open:
        raise DiaryRefused(["This alert is already closed."])
    text = action_taken.strip()
    if len(text) < ACTION_MIN_LENGTH:
        raise DiaryRefused(["Say what was done before closing the alert."])
    now = now or clock.now()
    recorded = None
    if adverse_event is not None:
        recorded = _record_alert_event(request, actor, alert, adverse_event, text, now)
    alert.closed_at = now
    alert.closed_by = actor
    alert.action_taken = text
    alert.adverse_event = recorded
    alert.save(update_fields=["closed_at", "closed_by", "action_taken", "adverse_event"])
    reviewed = _settle_reports(alert, actor, now, recorded)
    if reviewed:
        events.publish(events.AdverseEventsReported(alert.session))
    audit_record(
        request=request,
        actor=actor,
        clinic=alert.clinic,
        action=Action.UPDATE,
        object_type="red_flag_alert",
        object_id=str(alert.public_id),
        detail={
            "patient": str(alert.patient.public_id),
            "closed": True,
            "adverse_event": str(recorded.public_id) if recorded else None,
            "reports_reviewed": reviewed,
        },
    )
    return alert


def _settle_reports(
    alert: RedFlagAlert, actor: Any, now: datetime, recorded: LateAdverseEvent | None
) -> int:
    """The patient's reports of the alert's red flags are reviewed: the one of the recorded
    event is confirmed as that record (which is counted instead); the others were judged not
    adverse events (another one that did happen is recorded from the session page)."""
    reports = ReportedEvent.objects.filter(
        entry=alert.entry, event__in=flag_events(alert), reviewed_at__isnull=True
    )
    confirmed = 0
    if recorded is not None:
        confirmed = reports.filter(event=recorded.event).update(
            reviewed_at=now, reviewed_by=actor, confirmed_as=recorded
        )
    return confirmed + reports.update(reviewed_at=now, reviewed_by=actor)


def flag_events(alert: RedFlagAlert) -> list[str]:
    """The adverse events the alert's red flags suggest, most urgent flag first."""
    content = load_diary()
    return list(dict.fromkeys(content.red_flag(flag_id).event for flag_id in alert.flags))


def _record_alert_event(
    request: HttpRequest | None,
    actor: Any,
    alert: RedFlagAlert,
    chosen: AlertEvent,
    action: str,
    now: datetime,
) -> LateAdverseEvent:
    zone = alert.clinic.zone
    try:
        return late_adverse_event_record(
            request=request,
            actor=actor,
            session=alert.session,
            report=LateEventReport(
                event=chosen.event,
                severity=chosen.severity,
                reported_via=ReportedVia.DIARY,
                reported_on=alert.opened_at.astimezone(zone).date(),
                description=chosen.description,
                action_taken=action,
            ),
            today=now.astimezone(zone).date(),
        )
    except LateEventRefused as refusal:
        raise DiaryRefused(list(refusal.reasons)) from refusal
