"""Diary pages: the patient's diary in the portal, and the staff's red-flag alerts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from taut.audit.models import AuditEntry
from taut.charting.models import LateAdverseEvent
from taut.clinics.models import Membership
from taut.diary.context_processors import open_alerts
from taut.diary.models import DiaryEntry, DiaryPrompt, RedFlagAlert
from taut.diary.selectors import open_alerts_for
from tests.conftest import World, client_for
from tests.diary.conftest import Answered, prompts_of, signed_session

RED_FLAG_POST = {
    "soreness": "5",
    "bruising": "none",
    "drowsiness": "none",
    "fatigue": "mild",
    "other": "",
    "red_flags": ["fever", "breathless"],
}
CALM_POST = {**RED_FLAG_POST, "red_flags": [], "soreness": "2"}


def due_now(prompt: DiaryPrompt) -> DiaryPrompt:
    """Bring the prompt's time forward to just now (the session itself is signed and final)."""
    DiaryPrompt.objects.filter(pk=prompt.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    prompt.refresh_from_db()
    return prompt


@pytest.fixture
def due(world: World) -> DiaryPrompt:
    return due_now(prompts_of(signed_session(world))[0])


# --- portal --------------------------------------------------------------------------------------


def test_the_portal_home_says_a_diary_is_due_and_links_to_it(
    world: World, due: DiaryPrompt
) -> None:
    page = client_for(world.portal_user_a).get(reverse("portal:home")).content.decode()
    assert "Diary due" in page
    assert reverse("portal_diary:answer", kwargs={"prompt_id": due.public_id}) in page
    assert 'href="/portal/diary/"' in page  # the nav link "Symptom diary"


def test_the_diary_page_lists_due_and_upcoming_prompts(world: World, due: DiaryPrompt) -> None:
    page = client_for(world.portal_user_a).get(reverse("portal_diary:home")).content.decode()
    assert "24 hours: due now" in page
    assert "48 hours: we will ask you on" in page
    assert AuditEntry.objects.filter(object_type="diary", actor_id=world.portal_user_a.pk).exists()


def test_the_form_asks_every_question_with_labels(world: World, due: DiaryPrompt) -> None:
    url = reverse("portal_diary:answer", kwargs={"prompt_id": due.public_id})
    page = client_for(world.portal_user_a).get(url).content.decode()
    assert "<legend" in page and "How sore are the needled areas right now?" in page
    for text in ("Bruising where the needles went in", "Drowsiness", "Tiredness (fatigue)"):
        assert text in page
    assert "New shortness of breath" in page and "Pain in the chest" in page
    assert 'type="radio" name="soreness" value="10"' in page
    assert "do not wait to fill in this diary" in page


def test_a_red_flag_shows_the_emergency_advice_first_at_once(
    world: World, due: DiaryPrompt
) -> None:
    client = client_for(world.portal_user_a)
    url = reverse("portal_diary:answer", kwargs={"prompt_id": due.public_id})
    response = client.post(url, RED_FLAG_POST, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page
    emergency = page.index("Emergency: act now")
    urgent = page.index("Get help today")
    assert emergency < urgent
    assert "Call the emergency services now" in page
    assert "Your clinic has been alerted" in page
    entry = DiaryEntry.objects.get(prompt=due)
    assert RedFlagAlert.objects.filter(entry=entry, closed_at__isnull=True).exists()


def test_a_calm_entry_thanks_the_patient_without_an_alert(world: World, due: DiaryPrompt) -> None:
    url = reverse("portal_diary:answer", kwargs={"prompt_id": due.public_id})
    page = client_for(world.portal_user_a).post(url, CALM_POST, follow=True).content.decode()
    assert "Thank you" in page and 'role="alert"' not in page
    assert not RedFlagAlert.objects.exists()


def test_answering_twice_is_refused_with_a_clear_message(world: World, due: DiaryPrompt) -> None:
    client = client_for(world.portal_user_a)
    url = reverse("portal_diary:answer", kwargs={"prompt_id": due.public_id})
    client.post(url, CALM_POST)
    again = client.post(url, CALM_POST, follow=True)
    assert "already answered this diary question" in again.content.decode()
    assert DiaryEntry.objects.count() == 1


def test_a_missing_answer_is_shown_beside_the_field(world: World, due: DiaryPrompt) -> None:
    url = reverse("portal_diary:answer", kwargs={"prompt_id": due.public_id})
    response = client_for(world.portal_user_a).post(url, {**CALM_POST, "soreness": ""})
    assert response.status_code == 200
    assert "Choose a number from 0 (no soreness) to 10." in response.content.decode()
    assert not DiaryEntry.objects.exists()


def test_a_prompt_not_yet_due_has_no_form(world: World) -> None:
    prompt = prompts_of(signed_session(world))[1]
    url = reverse("portal_diary:answer", kwargs={"prompt_id": prompt.public_id})
    client = client_for(world.portal_user_a)
    page = client.get(url).content.decode()
    assert "This diary question opens at" in page and '<form method="post" novalidate' not in page
    client.post(url, CALM_POST)
    assert not DiaryEntry.objects.exists()


def test_an_extra_entry_can_be_added_for_a_signed_session(world: World) -> None:
    session = signed_session(world)
    url = reverse("portal_diary:extra", kwargs={"session_id": session.public_id})
    response = client_for(world.portal_user_a).post(url, CALM_POST)
    entry = DiaryEntry.objects.get()
    assert entry.prompt is None and response.status_code == 302


def test_another_patient_gets_404_for_my_prompt_and_entry(world: World, answered: Answered) -> None:
    client = client_for(world.portal_user_b)
    for url in (
        reverse("portal_diary:answer", kwargs={"prompt_id": answered.prompt.public_id}),
        reverse("portal_diary:entry", kwargs={"diary_entry_id": answered.entry.public_id}),
        reverse("portal_diary:extra", kwargs={"session_id": answered.session.public_id}),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, CALM_POST).status_code == 404


def test_staff_are_refused_the_patient_diary(world: World) -> None:
    assert client_for(world.clinician_a).get(reverse("portal_diary:home")).status_code == 403


# --- staff ---------------------------------------------------------------------------------------


def test_the_nav_shows_the_open_alert_count_to_clinical_staff(
    world: World, answered: Answered
) -> None:
    page = client_for(world.clinician_a).get(reverse("patients:list")).content.decode()
    assert reverse("diary:alerts") in page
    assert '<span class="badge badge-alert">1<span class="visually-hidden"> open</span>' in page
    desk = client_for(world.frontdesk_a).get(reverse("patients:list")).content.decode()
    assert reverse("diary:alerts") not in desk


def test_the_open_count_is_one_query_and_only_for_staff_who_see_clinical_records(
    world: World, answered: Answered, django_assert_num_queries
) -> None:
    request: Any = RequestFactory().get("/")
    request.membership = Membership.objects.select_related("clinic").get(user=world.clinician_a)
    with django_assert_num_queries(1):
        assert open_alerts(request) == {"open_alert_count": 1}
    request.membership = Membership.objects.get(user=world.frontdesk_a)
    with django_assert_num_queries(0):
        assert open_alerts(request) == {}
    request.membership = Membership.objects.get(user=world.clinician_b)
    assert open_alerts(request) == {"open_alert_count": 0}


def test_the_alert_list_shows_open_alerts_and_the_history(world: World, answered: Answered) -> None:
    page = client_for(world.owner_a).get(reverse("diary:alerts")).content.decode()
    assert "Open (1)" in page and "Ada Lovelace" in page
    assert reverse("diary:alert", kwargs={"alert_id": answered.alert.public_id}) in page


def test_the_alert_page_shows_the_answers_and_is_audited(world: World, answered: Answered) -> None:
    url = reverse("diary:alert", kwargs={"alert_id": answered.alert.public_id})
    page = client_for(world.clinician_a).get(url).content.decode()
    assert "Pain in the chest" in page and "A fever (feeling hot and shivery)" in page
    assert "6 out of 10" in page
    assert "Close the alert" in page and 'name="action_taken"' in page
    assert AuditEntry.objects.filter(
        object_type="red_flag_alert", object_id=str(answered.alert.public_id)
    ).exists()


def test_closing_without_saying_what_was_done_shows_the_error(
    world: World, answered: Answered
) -> None:
    url = reverse("diary:alert_close", kwargs={"alert_id": answered.alert.public_id})
    response = client_for(world.clinician_a).post(url, {"action_taken": ""})
    assert response.status_code == 200
    assert "Say what was done before closing the alert." in response.content.decode()
    answered.alert.refresh_from_db()
    assert answered.alert.is_open


def test_a_clinician_closes_the_alert_and_it_stays_in_the_history(
    world: World, answered: Answered
) -> None:
    client = client_for(world.clinician_a)
    url = reverse("diary:alert_close", kwargs={"alert_id": answered.alert.public_id})
    response = client.post(
        url, {"action_taken": "Phoned; sent to the ED. Seen and discharged.", "record_event": "no"}
    )
    assert response.status_code == 302
    answered.alert.refresh_from_db()
    assert not answered.alert.is_open
    page = client.get(reverse("diary:alerts")).content.decode()
    assert "Open (0)" in page and "Ada Lovelace" in page
    nav = client.get(reverse("patients:list")).content.decode()
    assert "badge-alert" not in nav


def test_the_owner_sees_alerts_but_only_a_clinician_closes_them(
    world: World, answered: Answered
) -> None:
    client = client_for(world.owner_a)
    page = client.get(reverse("diary:alert", kwargs={"alert_id": answered.alert.public_id}))
    assert 'name="action_taken"' not in page.content.decode()
    url = reverse("diary:alert_close", kwargs={"alert_id": answered.alert.public_id})
    assert client.post(url, {"action_taken": "Done."}).status_code == 403


def test_another_clinics_clinician_gets_404(world: World, answered: Answered) -> None:
    client = client_for(world.clinician_b)
    alert_id = answered.alert.public_id
    assert client.get(reverse("diary:alert", kwargs={"alert_id": alert_id})).status_code == 404
    close = reverse("diary:alert_close", kwargs={"alert_id": alert_id})
    assert client.post(close, {"action_taken": "Not mine."}).status_code == 404
    assert "Ada Lovelace" not in client.get(reverse("diary:alerts")).content.decode()


def test_the_session_page_lists_the_patient_reported_events(
    world: World, answered: Answered
) -> None:
    url = reverse(
        "charting:session",
        kwargs={"patient_id": world.patient_a.public_id, "session_id": answered.session.public_id},
    )
    page = client_for(world.clinician_a).get(url).content.decode()
    assert "Symptom diary" in page and "reported by the patient" in page
    assert "pneumothorax (significant)" in page
    assert "infection (significant)" in page
    assert reverse("diary:alert", kwargs={"alert_id": answered.alert.public_id}) in page


def test_the_open_alerts_include_lists_each_alert_with_a_link(
    world: World, answered: Answered
) -> None:
    membership = Membership.objects.select_related("clinic").get(user=world.clinician_a)
    html = render_to_string(
        "diary/_open_alerts.html",
        {"alerts": open_alerts_for(clinic=world.clinic_a), "membership": membership},
    )
    assert "Open red-flag alerts" in html and "Ada Lovelace" in html
    assert reverse("diary:alert", kwargs={"alert_id": answered.alert.public_id}) in html
    empty = render_to_string("diary/_open_alerts.html", {"alerts": [], "membership": membership})
    assert "None open." in empty


def test_closing_asks_whether_to_record_an_adverse_event_prefilled_from_the_alert(
    world: World, answered: Answered
) -> None:
    client = client_for(world.clinician_a)
    page = client.get(reverse("diary:alert", kwargs={"alert_id": answered.alert.public_id}))
    html = page.content.decode()
    assert "Record an adverse event for the session?" in html
    assert '<option value="pneumothorax" selected>' in html  # chest pain suggests it
    assert '<option value="significant" selected>' in html
    assert "warning signs ticked: Pain in the chest; A fever" in html

    url = reverse("diary:alert_close", kwargs={"alert_id": answered.alert.public_id})
    unanswered = client.post(url, {"action_taken": "Phoned the patient."})
    assert "Say whether to record an adverse event." in unanswered.content.decode()
    no_event = client.post(url, {"action_taken": "Phoned.", "record_event": "yes", "event": ""})
    assert "Choose the adverse event to record." in no_event.content.decode()
    answered.alert.refresh_from_db()
    assert answered.alert.is_open and not LateAdverseEvent.objects.exists()


def test_closing_with_an_event_records_it_linked_to_the_signed_session(
    world: World, answered: Answered
) -> None:
    # The fixture answers the diary at the prompt's time, a day ahead: bring it to an hour ago.
    RedFlagAlert.objects.filter(pk=answered.alert.pk).update(
        opened_at=timezone.now() - timedelta(hours=1)
    )
    client = client_for(world.clinician_a)
    url = reverse("diary:alert_close", kwargs={"alert_id": answered.alert.public_id})
    response = client.post(
        url,
        {
            "action_taken": "Phoned; seen at the ED, chest X-ray clear, settled with rest.",
            "record_event": "yes",
            "event": "pain_after",
            "severity": "mild",
            "description": "Chest wall pain the day after needling; X-ray clear.",
        },
        follow=True,
    )
    assert "Alert closed and the adverse event recorded." in response.content.decode()
    event = LateAdverseEvent.objects.get()
    assert (event.session, event.reported_via, event.recorded_by) == (
        answered.session,
        "diary",
        world.clinician_a,
    )
    assert event.action_taken.startswith("Phoned; seen at the ED")
    answered.alert.refresh_from_db()
    assert answered.alert.adverse_event == event and not answered.alert.is_open
    assert "Adverse event recorded:" in response.content.decode()
    session_page = client.get(
        reverse(
            "charting:session",
            kwargs={
                "patient_id": world.patient_a.public_id,
                "session_id": answered.session.public_id,
            },
        )
    ).content.decode()
    assert "Adverse events reported after signing" in session_page
    assert "Chest wall pain the day after needling" in session_page
