"""Diary writes: prompts on signing, entries, reported events, red-flag alerts and closing them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from taut.audit.models import AuditEntry
from taut.charting.models import SessionAdverseEvent
from taut.clinical.diary import DiaryAnswers
from taut.diary import services
from taut.diary.models import DiaryEntry, DiaryPrompt, RedFlagAlert, ReportedEvent
from taut.messaging.models import Channel, Kind, OutboundMessage
from tests.conftest import World, run_due_tasks
from tests.diary.conftest import RED_FLAG_ANSWERS, Answered, prompts_of, signed_session

CALM = DiaryAnswers(soreness=3, grades={"bruising": "mild"})


def submit(world: World, session, prompt=None, answers=CALM, now=None):
    prompt_time = prompt.due_at if prompt else session.started_at
    return services.diary_entry_submit(
        request=None,
        actor=world.portal_user_a,
        patient=world.patient_a,
        session=session,
        prompt=prompt,
        answers=answers,
        now=now or prompt_time + timedelta(minutes=10),
    )


# --- prompts -------------------------------------------------------------------------------------


def test_signing_a_session_schedules_prompts_at_24_48_and_72_hours(world: World) -> None:
    session = signed_session(world)
    prompts = prompts_of(session)
    assert [p.hours_after for p in prompts] == [24, 48, 72]
    for prompt in prompts:
        assert prompt.due_at == session.started_at + timedelta(hours=prompt.hours_after)
        assert prompt.clinic == world.clinic_a and prompt.patient == world.patient_a
    assert AuditEntry.objects.filter(object_type="diary_prompts").count() == 1


def test_each_prompt_queues_a_message_to_the_patient_sent_when_due(world: World) -> None:
    session = signed_session(world)
    prompts = prompts_of(session)
    messages = OutboundMessage.objects.filter(kind=Kind.DIARY_PROMPT).order_by("send_after")
    assert [m.pk for m in messages] == [p.message_id for p in prompts]
    first = messages[0]
    assert first.recipient == world.patient_a.email and first.channel == Channel.EMAIL
    assert first.about == f"session:{session.public_id}"
    assert f"/portal/diary/{prompts[0].public_id}/" in first.body
    assert "emergency services" in first.body
    mail.outbox.clear()
    run_due_tasks(at=prompts[0].due_at - timedelta(minutes=1))
    assert mail.outbox == []
    run_due_tasks(at=prompts[0].due_at + timedelta(seconds=1))
    assert [m.subject for m in mail.outbox] == [first.subject]
    assert "How are you feeling" in first.subject


def test_a_patient_without_a_portal_account_is_told_how_to_get_one(world: World) -> None:
    world.patient_a.portal_user = None
    world.patient_a.save()
    world.clinic_a.phone = "(303) 555-0100"
    world.clinic_a.save()
    session = signed_session(world)
    message = prompts_of(session)[0].message
    assert message is not None
    body = message.body
    assert "no portal login yet" in body and "(303) 555-0100" in body


def test_a_patient_with_no_email_is_prompted_by_text_and_one_with_no_contact_still_gets_prompts(
    world: World,
) -> None:
    world.patient_a.email = ""
    world.patient_a.save()
    session = signed_session(world)
    assert {p.message.channel for p in prompts_of(session) if p.message} == {Channel.SMS}
    assert all(p.message for p in prompts_of(session))


def test_a_patient_with_no_contact_details_still_has_prompts_in_the_portal(world: World) -> None:
    world.patient_a.email = ""
    world.patient_a.phone = ""
    world.patient_a.save()
    prompts = prompts_of(signed_session(world))
    assert len(prompts) == 3 and all(p.message is None for p in prompts)


def test_a_prompt_is_scheduled_once_per_step(world: World) -> None:
    session = signed_session(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        DiaryPrompt.objects.create(
            clinic=world.clinic_a,
            patient=world.patient_a,
            session=session,
            hours_after=24,
            due_at=session.started_at,
        )


# --- entries -------------------------------------------------------------------------------------


def test_an_entry_stores_the_answers_and_feeds_the_adverse_event_log(world: World) -> None:
    session = signed_session(world)
    prompt = prompts_of(session)[0]
    entry, assessment = submit(world, session, prompt)
    assert entry.soreness == 3 and entry.bruising == "mild" and entry.prompt == prompt
    assert float(entry.hours_after) == pytest.approx(24.2, abs=0.1)
    assert sorted(ReportedEvent.objects.values_list("event", "severity")) == [
        ("bruising", "mild"),
        ("pain_after", "mild"),
    ]
    assert not RedFlagAlert.objects.exists() and assessment.advice == ()
    # The signed note itself is never touched: the events live in the diary's own table.
    assert not SessionAdverseEvent.objects.exists()
    audit = AuditEntry.objects.get(object_type="diary_entry")
    assert audit.object_id == str(entry.public_id) and audit.actor_id == world.portal_user_a.pk


def test_answering_a_prompt_twice_is_refused(world: World) -> None:
    session = signed_session(world)
    prompt = prompts_of(session)[0]
    submit(world, session, prompt)
    with pytest.raises(services.DiaryRefused, match="already answered"):
        submit(world, session, prompt)
    assert DiaryEntry.objects.count() == 1


def test_a_prompt_cannot_be_answered_before_it_is_due(world: World) -> None:
    session = signed_session(world)
    prompt = prompts_of(session)[1]
    with pytest.raises(services.DiaryRefused, match="opens at"):
        submit(world, session, prompt, now=prompt.due_at - timedelta(hours=1))


def test_an_extra_entry_without_a_prompt_is_allowed_while_the_diary_is_open(world: World) -> None:
    session = signed_session(world)
    submit(world, session, None, now=session.started_at + timedelta(hours=30))
    submit(world, session, None, now=session.started_at + timedelta(hours=31))
    assert DiaryEntry.objects.filter(prompt__isnull=True).count() == 2
    with pytest.raises(services.DiaryRefused, match="closed 14 days"):
        submit(world, session, None, now=session.started_at + timedelta(days=15))


def test_an_unsigned_session_has_no_diary(world: World) -> None:
    from tests.charting.conftest import ready_session

    session, _ = ready_session(world)
    with pytest.raises(services.DiaryRefused, match="signed"):
        submit(world, session, None, now=session.started_at + timedelta(hours=2))


def test_another_patients_session_is_refused(world: World) -> None:
    session = signed_session(world)
    with pytest.raises(services.DiaryRefused, match="not yours"):
        services.diary_entry_submit(
            request=None,
            actor=world.portal_user_b,
            patient=world.patient_b,
            session=session,
            answers=CALM,
            now=session.started_at + timedelta(hours=2),
        )


def test_answers_outside_the_form_are_refused(world: World) -> None:
    session = signed_session(world)
    with pytest.raises(services.DiaryRefused, match="0 to 10"):
        submit(world, session, None, answers=DiaryAnswers(soreness=12))
    assert not DiaryEntry.objects.exists()


# --- red flags -----------------------------------------------------------------------------------


def test_a_red_flag_opens_an_alert_and_emails_the_clinician_and_clinic(world: World) -> None:
    world.clinic_a.email = "desk@clinic-a.example.com"
    world.clinic_a.save()
    session = signed_session(world)
    prompt = prompts_of(session)[0]
    entry, assessment = submit(world, session, prompt, answers=RED_FLAG_ANSWERS)
    alert = RedFlagAlert.objects.get(entry=entry)
    assert alert.is_open and alert.flags == ["chest_pain", "fever"]
    assert alert.session == session and alert.clinic == world.clinic_a
    assert assessment.emergency
    events = dict(ReportedEvent.objects.values_list("event", "severity"))
    assert events["pneumothorax"] == "significant" and events["infection"] == "significant"

    alerts = OutboundMessage.objects.filter(kind=Kind.RED_FLAG_ALERT)
    assert sorted(m.recipient for m in alerts) == [
        "clinician_a@example.com",
        "desk@clinic-a.example.com",
    ]
    mail.outbox.clear()
    run_due_tasks()  # alert emails go at once; the prompts wait until they are due
    assert {m.to[0] for m in mail.outbox} == {
        "clinician_a@example.com",
        "desk@clinic-a.example.com",
    }
    email = mail.outbox[0]
    assert f"/diary/alerts/{alert.public_id}/" in email.body
    # Minimum necessary: no name, no symptom in the email.
    text = f"{email.subject} {email.body}".lower()
    for detail in ("ada", "lovelace", "chest", "fever", "pneumothorax"):
        assert detail not in text


def test_the_same_address_for_clinician_and_clinic_gets_one_email(world: World) -> None:
    world.clinic_a.email = world.clinician_a.email
    world.clinic_a.save()
    session = signed_session(world)
    submit(world, session, prompts_of(session)[0], answers=RED_FLAG_ANSWERS)
    assert OutboundMessage.objects.filter(kind=Kind.RED_FLAG_ALERT).count() == 1


def test_closing_an_alert_requires_what_was_done(world: World, answered: Answered) -> None:
    with pytest.raises(services.DiaryRefused, match="what was done"):
        services.alert_close(
            request=None,
            actor=world.clinician_a,
            alert=answered.alert,
            action_taken="  ",
            adverse_event=None,
        )
    answered.alert.refresh_from_db()
    assert answered.alert.is_open

    closed = services.alert_close(
        request=None,
        actor=world.clinician_a,
        alert=answered.alert,
        action_taken="Phoned at 10:05; advised the emergency department. Seen, no pneumothorax.",
        adverse_event=None,
    )
    assert not closed.is_open and closed.closed_by == world.clinician_a
    assert AuditEntry.objects.filter(
        object_type="red_flag_alert", object_id=str(closed.public_id)
    ).exists()
    with pytest.raises(services.DiaryRefused, match="already closed"):
        services.alert_close(
            request=None,
            actor=world.clinician_a,
            alert=closed,
            action_taken="Again.",
            adverse_event=None,
        )


def test_the_database_refuses_a_closed_alert_without_an_action(
    world: World, answered: Answered
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RedFlagAlert.objects.filter(pk=answered.alert.pk).update(
            closed_at=answered.alert.opened_at, closed_by=world.clinician_a
        )
