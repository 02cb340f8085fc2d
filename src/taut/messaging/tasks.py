"""Background delivery of queued messages (django-tasks, database backend)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from taut import clock
from taut.messaging.delivery import deliver
from taut.messaging.models import OutboundMessage, Status


@task()
def deliver_message(message_id: int) -> str:
    """Send one queued message; a message cancelled or already sent meanwhile is left alone."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != Status.QUEUED:
            return "skipped"
        message.attempts += 1
        try:
            deliver(message)
        except Exception as error:  # noqa: BLE001 - any transport failure is recorded, not raised
            message.status = Status.FAILED
            message.error = f"{type(error).__name__}: {error}"[:2000]
        else:
            message.status = Status.SENT
            message.sent_at = clock.now()
        message.save(update_fields=["attempts", "status", "error", "sent_at"])
        return str(message.status)
