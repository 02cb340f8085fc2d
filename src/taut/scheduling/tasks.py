"""Background work of scheduling (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from taut import clock
from taut.scheduling.models import Appointment


@task()
def offer_freed_time(appointment_id: int) -> int:
    """Offer the time a cancelled or moved visit gave up to the waitlist; look again when the
    offers lapse. Returns how many offers were made."""
    # Imported here: the booking service enqueues this task, and the waitlist service books
    # through the booking service.
    from taut.scheduling.services.waitlist import freed_time_of, waitlist_offer_freed_time

    appointment = (
        Appointment.objects.select_related("appointment_type", "practitioner", "location__clinic")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None:
        return 0
    made = waitlist_offer_freed_time(freed=freed_time_of(appointment), now=clock.now())
    if made:
        offer_freed_time.using(run_after=made[0].expires_at).enqueue(appointment_id)
    return len(made)
