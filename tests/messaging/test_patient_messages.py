from __future__ import annotations

from django.urls import reverse

from taut.messaging.models import Direction, Kind, OutboundMessage, PatientMessage
from tests.conftest import World, client_for


def test_a_patient_writes_and_the_clinic_replies(world: World) -> None:
    world.clinic_a.email = "desk@a.example.com"
    world.clinic_a.save()
    patient_client = client_for(world.portal_user_a)
    patient_client.post(reverse("portal:messages"), {"body": "Is it normal to feel sore?"})
    notice = OutboundMessage.objects.get(kind=Kind.CLINIC_MESSAGE)
    assert notice.recipient == "desk@a.example.com" and "sore" not in notice.body  # no content

    desk = client_for(world.frontdesk_a)
    inbox = desk.get(reverse("messaging:inbox"))
    assert inbox.status_code == 200 and "<strong>1</strong>" in inbox.content.decode()
    thread_url = reverse("messaging:thread", kwargs={"patient_id": world.patient_a.public_id})
    assert "Is it normal" in desk.get(thread_url).content.decode()
    assert PatientMessage.objects.get(direction=Direction.FROM_PATIENT).read_at is not None

    desk.post(thread_url, {"body": "Yes, for a day or two."})
    assert "for a day or two" in patient_client.get(reverse("portal:messages")).content.decode()
    assert OutboundMessage.objects.filter(
        kind=Kind.CLINIC_MESSAGE, recipient=world.patient_a.email
    ).exists()


def test_an_empty_message_is_refused_with_the_field_named(world: World) -> None:
    response = client_for(world.portal_user_a).post(
        reverse("portal:messages"), {"body": "   "}, follow=True
    )
    assert "Message: write something to send." in response.content.decode()
    assert not PatientMessage.objects.exists()


def test_another_clinics_staff_cannot_open_the_thread(world: World) -> None:
    url = reverse("messaging:thread", kwargs={"patient_id": world.patient_a.public_id})
    assert client_for(world.frontdesk_b).get(url).status_code == 404
    assert client_for(world.frontdesk_b).post(url, {"body": "hi"}).status_code == 404
    assert not PatientMessage.objects.exists()


def test_the_portal_warns_that_messages_are_not_for_emergencies(world: World) -> None:
    page = client_for(world.portal_user_a).get(reverse("portal:messages"))
    assert "Not for emergencies" in page.content.decode()
