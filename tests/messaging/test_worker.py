"""The real worker command, as `taut worker --batch` runs it from cron or beside the server."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from taut.messaging.models import Channel, Kind, OutboundMessage, Status
from taut.messaging.services import message_queue
from tests.conftest import World


@pytest.mark.django_db(transaction=True)
def test_taut_worker_batch_sends_what_is_due_and_exits(world: World) -> None:
    message = message_queue(
        clinic=world.clinic_a,
        kind=Kind.REMINDER,
        channel=Channel.EMAIL,
        recipient="pat@example.com",
        subject="Tomorrow",
        body="Reminder",
    )
    call_command("worker", "--batch")
    assert OutboundMessage.objects.get(pk=message.pk).status == Status.SENT
    assert [m.subject for m in mail.outbox] == ["Tomorrow"]
