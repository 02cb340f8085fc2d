"""The owner's rooms and devices: add, rename, retire, restore."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.scheduling.models import Resource
from taut.scheduling.services.booking import BookingRefused


def _audit(request: HttpRequest | None, actor: Any, resource: Resource, action: Action) -> None:
    audit_record(
        request=request,
        actor=actor,
        clinic=resource.clinic,
        action=action,
        object_type="resource",
        object_id=str(resource.public_id),
        detail={"name": resource.name, "kind": resource.kind, "active": resource.active},
    )


@transaction.atomic
def resource_save(*, request: HttpRequest | None, actor: Any, resource: Resource) -> Resource:
    """Add or rename a room or device (or retire or restore it: `active`)."""
    if resource.location.clinic_id != resource.clinic_id:
        raise BookingRefused(
            ["Location: choose one of this clinic's locations."],
            fields={"location": "choose one of this clinic's locations"},
        )
    created = resource.pk is None
    reason = f"{resource.location.name} already has one called “{resource.name}”"
    same_name = Resource.objects.for_clinic(resource.clinic_id).filter(
        location=resource.location, name=resource.name
    )
    if same_name.exclude(pk=resource.pk).exists():
        raise BookingRefused([f"Name: {reason}."], fields={"name": reason})
    try:
        with transaction.atomic():
            resource.save()
    except IntegrityError as error:
        # Added at the same moment by someone else: PostgreSQL names the constraint, SQLite
        # the columns.
        guards = ("resource_name_once_per_location", "scheduling_resource.name")
        if not any(guard in str(error) for guard in guards):
            raise
        raise BookingRefused([f"Name: {reason}."], fields={"name": reason}) from error
    _audit(request, actor, resource, Action.CREATE if created else Action.UPDATE)
    return resource
