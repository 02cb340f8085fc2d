"""Reads of the symptom diary, scoped to a clinic (staff) or to the patient (portal)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.http import Http404

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_patient_read, audit_record
from taut.charting.models import SessionStatus, TreatmentSession
from taut.clinical.diary import DiaryContent, diary_open, load_diary
from taut.clinical.knowledge import load_knowledge
from taut.clinics.models import Clinic, Location, Membership
from taut.common.context import AuditContext
from taut.diary.models import DiaryEntry, DiaryPrompt, RedFlagAlert, ReportedEvent
from taut.patients.models import Patient

# --- the patient's own diary (portal) -----------------------------------------------------------


def get_prompt_for_patient(*, patient: Patient, public_id: uuid.UUID | str) -> DiaryPrompt:
    prompt = (
        DiaryPrompt.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, public_id=public_id)
        .select_related("session", "clinic")
        .first()
    )
    if prompt is None:
        raise Http404("No such diary question.")
    return prompt


def get_entry_for_patient(*, patient: Patient, public_id: uuid.UUID | str) -> DiaryEntry:
    entry = (
        DiaryEntry.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, public_id=public_id)
        .select_related("session", "prompt")
        .first()
    )
    if entry is None:
        raise Http404("No such diary entry.")
    return entry


def open_session_for_patient(
    *, patient: Patient, public_id: uuid.UUID | str, now: datetime | None = None
) -> TreatmentSession:
    """A signed session of the patient whose diary is still open, or 404."""
    session = (
        TreatmentSession.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, public_id=public_id, status=SessionStatus.SIGNED)
        .first()
    )
    days = load_diary().schedule.open_days
    if session is None or not diary_open(
        started_at=session.started_at, now=now or clock.now(), open_days=days
    ):
        raise Http404("No open diary for this session.")
    return session


@dataclass(frozen=True)
class SessionDiary:
    session: TreatmentSession
    prompts: list[dict[str, Any]]  # {"prompt", "entry", "state": answered/due/upcoming/missed}
    extra_entries: list[DiaryEntry]
    open: bool


def diary_for_patient(*, patient: Patient, now: datetime | None = None) -> list[SessionDiary]:
    """Every signed session with prompts, newest first: each prompt's state and the entries."""
    now = now or clock.now()
    days = load_diary().schedule.open_days
    prompts = list(
        DiaryPrompt.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient)
        .select_related("session", "entry")
        .order_by("-session__started_at", "hours_after")
    )
    extras: dict[int, list[DiaryEntry]] = defaultdict(list)
    for entry in (
        DiaryEntry.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, prompt__isnull=True)
        .order_by("reported_at")
    ):
        extras[entry.session_id].append(entry)
    grouped: dict[int, SessionDiary] = {}
    for prompt in prompts:
        session = prompt.session
        is_open = diary_open(started_at=session.started_at, now=now, open_days=days)
        diary = grouped.setdefault(
            session.pk, SessionDiary(session, [], extras.get(session.pk, []), is_open)
        )
        entry = getattr(prompt, "entry", None)
        if entry is not None:
            state = "answered"
        elif prompt.due_at > now:
            state = "upcoming"
        else:
            state = "due" if is_open else "missed"
        diary.prompts.append({"prompt": prompt, "entry": entry, "state": state})
    return list(grouped.values())


def due_prompts(*, patient: Patient, now: datetime | None = None) -> list[DiaryPrompt]:
    """Prompts the patient may answer now, oldest first."""
    return [
        item["prompt"]
        for diary in reversed(diary_for_patient(patient=patient, now=now))
        for item in diary.prompts
        if item["state"] == "due"
    ]


# --- answers as people read them ----------------------------------------------------------------


def entry_answers(entry: DiaryEntry, content: DiaryContent | None = None) -> list[tuple[str, str]]:
    """(question, answer) pairs in the form's order, in the words the patient saw."""
    content = content or load_diary()
    grades = {grade.id: grade.label for grade in content.grades}
    rows = [(content.soreness.question, f"{entry.soreness} out of 10")]
    for symptom in content.symptoms:
        rows.append((symptom.question, grades.get(getattr(entry, symptom.id), "")))
    rows.append((content.other.question, entry.other_symptoms or "Nothing"))
    flags = [content.red_flag(flag_id).text for flag_id in entry.red_flags]
    rows.append(("Warning signs ticked", "; ".join(flags) if flags else "None"))
    return rows


def event_label(event_id: str) -> str:
    try:
        return load_knowledge().adverse_event(event_id).label
    except KeyError:
        return event_id


def session_diary(*, session: TreatmentSession) -> dict[str, Any]:
    """The diary entries and reported events of one session, for the session page."""
    entries = list(
        DiaryEntry.objects.for_clinic(session.clinic_id)
        .filter(session=session)
        .select_related("prompt", "alert")
        .prefetch_related("events")
        .order_by("reported_at")
    )
    content = load_diary()
    return {
        "entries": [
            {
                "row": entry,
                "answers": entry_answers(entry, content),
                "events": [
                    {"label": event_label(e.event), "severity": e.severity}
                    for e in entry.events.all()
                ],
                "alert": getattr(entry, "alert", None),
            }
            for entry in entries
        ],
        "prompts": list(
            DiaryPrompt.objects.for_clinic(session.clinic_id)
            .filter(session=session)
            .order_by("hours_after")
        ),
    }


# --- staff: alerts -------------------------------------------------------------------------------


def open_alert_count(*, clinic: Clinic | int) -> int:
    """The nav badge: one COUNT over the partial index of open alerts."""
    return RedFlagAlert.objects.for_clinic(clinic).filter(closed_at__isnull=True).count()


def open_alerts_for(*, clinic: Clinic | int) -> list[RedFlagAlert]:
    """Open alerts, oldest first (the longest waiting at the top)."""
    return list(
        RedFlagAlert.objects.for_clinic(clinic)
        .filter(closed_at__isnull=True)
        .select_related("patient", "session__clinician")
        .order_by("opened_at")
    )


def closed_alerts_for(*, clinic: Clinic | int, limit: int = 100) -> list[RedFlagAlert]:
    return list(
        RedFlagAlert.objects.for_clinic(clinic)
        .filter(closed_at__isnull=False)
        .select_related("patient", "closed_by")
        .order_by("-opened_at")[:limit]
    )


@dataclass(frozen=True)
class AlertLists:
    open: list[RedFlagAlert]
    closed: list[RedFlagAlert]


def red_flag_alerts_for(*, ctx: AuditContext, clinic: Clinic) -> AlertLists:
    """The clinic's open alerts and its latest closed ones; reading them is audited."""
    lists = AlertLists(open_alerts_for(clinic=clinic), closed_alerts_for(clinic=clinic))
    audit_record(
        ctx=ctx,
        clinic=clinic,
        action=Action.VIEW,
        object_type="red_flag_alerts",
        object_id="",
        detail={"open": len(lists.open), "closed": len(lists.closed)},
    )
    return lists


def alert_read_for(*, ctx: AuditContext, public_id: uuid.UUID | str) -> RedFlagAlert:
    """A red-flag alert of the member's clinic, to read; the read is audited."""
    alert = get_alert_for(membership=ctx.member, public_id=public_id)
    audit_patient_read(
        ctx=ctx, patient=alert.patient, object_type="red_flag_alert", object_id=str(alert.public_id)
    )
    return alert


def get_alert_for(*, membership: Membership, public_id: uuid.UUID | str) -> RedFlagAlert:
    alert = (
        RedFlagAlert.objects.for_clinic(membership.clinic_id)
        .filter(public_id=public_id)
        .select_related(
            "patient", "session__clinician", "entry", "closed_by", "clinic", "adverse_event"
        )
        .first()
    )
    if alert is None:
        raise Http404("No such alert.")
    return alert


def alert_flags(alert: RedFlagAlert) -> list[dict[str, Any]]:
    """The red flags of an alert with the advice the patient saw and where it comes from."""
    content = load_diary()
    return [
        {
            "text": flag.text,
            "urgency": str(flag.urgency),
            "action": flag.action,
            "suggests": event_label(flag.event),
            "evidence": str(flag.evidence),
            "source": list(flag.source),
        }
        for flag in (content.red_flag(flag_id) for flag_id in alert.flags)
    ]


def alert_event_prefill(alert: RedFlagAlert) -> dict[str, str]:
    """The adverse event the closing form suggests: the most urgent flag's event and severity,
    and what the patient reported, in the diary's words. The clinician corrects any of it."""
    content = load_diary()
    flags = [content.red_flag(flag_id) for flag_id in alert.flags]
    ticked = "; ".join(flag.text for flag in flags)
    described = (
        f"Symptom diary, {alert.entry.hours_after:.0f} h after the session: "
        f"warning signs ticked: {ticked}."
    )
    if alert.entry.other_symptoms:
        described += f" In the patient's words: {alert.entry.other_symptoms}"
    first = flags[0] if flags else None
    return {
        "event": first.event if first else "",
        "severity": str(first.severity) if first else "",
        "description": described,
    }


# --- for the outcomes dashboard and page -------------------------------------------------------


def reported_event_counts(
    *,
    clinic: Clinic | int,
    date_from: date | None = None,
    date_to: date | None = None,
    location: Location | int | None = None,
    clinician: Any = None,
) -> list[dict[str, Any]]:
    """Patient-reported events per (event id, severity), by one aggregate query.

    Filters apply to the session the event followed (its date of service, location and
    clinician), the same way the dashboard counts clinician-recorded events and treatments.
    Rows: {"event": id, "severity": "mild"|"significant"|"serious", "count": reports,
    "treatments": sessions with at least one such report} (a patient may report the same event
    at 24 and at 48 hours: two reports, one treatment).
    """
    events = ReportedEvent.objects.for_clinic(clinic)
    if date_from is not None:
        events = events.filter(session__date_of_service__gte=date_from)
    if date_to is not None:
        events = events.filter(session__date_of_service__lte=date_to)
    if location is not None:
        events = events.filter(session__location=location)
    if clinician is not None:
        events = events.filter(session__clinician=clinician)
    return list(
        events.values("event", "severity")
        .annotate(count=Count("id"), treatments=Count("session_id", distinct=True))
        .order_by("event", "severity")
    )


@dataclass(frozen=True)
class SorenessCurve:
    session_id: uuid.UUID
    date_of_service: date
    points: tuple[tuple[float, int], ...]  # (hours after the session started, soreness 0-10)


def soreness_by_session(*, patient: Patient) -> list[SorenessCurve]:
    """Per signed session, oldest first: the soreness the patient reported, by hours after."""
    sessions = (
        TreatmentSession.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, status=SessionStatus.SIGNED)
        .filter(Q(diary_entries__isnull=False))
        .distinct()
        .order_by("started_at")
    )
    points: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for session_id, hours, soreness in (
        DiaryEntry.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient)
        .order_by("hours_after", "reported_at")
        .values_list("session_id", "hours_after", "soreness")
    ):
        points[session_id].append((float(hours), soreness))
    return [SorenessCurve(s.public_id, s.date_of_service, tuple(points[s.pk])) for s in sessions]
