from __future__ import annotations

from typing import Any

from django.http import Http404

from taut.clinics.access import ClinicAccess
from taut.clinics.models import Clinic, Location, Membership


def membership_current(*, user: Any, clinic_id: int | None) -> Membership | None:
    """The membership a request acts under: the chosen clinic, else the user's first one."""
    memberships = Membership.objects.filter(user=user, is_active=True).select_related("clinic")
    chosen = memberships.filter(clinic_id=clinic_id).first() if clinic_id is not None else None
    if chosen is None:
        chosen = memberships.order_by("clinic__name", "pk").first()
    if chosen is not None:
        chosen.user = user  # the signed-in user, already loaded: not fetched again
    return chosen


def memberships_for_user(*, user: Any) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("clinic")
        .order_by("clinic__name")
    )


def get_staff_member_for(*, membership: Membership, user_public_id: Any) -> Membership:
    """A membership of the member's clinic by its user's public id, or 404."""
    found = (
        Membership.objects.for_clinic(membership.clinic)
        .filter(user__public_id=user_public_id)
        .select_related("user", "clinic")
        .first()
    )
    if found is None:
        raise Http404("No such staff member in this clinic.")
    return found


def get_location_for(*, membership: ClinicAccess, public_id: object) -> Location:
    """A location of the member's clinic, or 404 (another clinic's location does not exist)."""
    location = (
        Location.objects.for_clinic(membership.clinic)
        .select_related("clinic")
        .filter(public_id=public_id)
        .first()
    )
    if location is None:
        raise Http404("No such location in this clinic.")
    return location


def locations_for_clinic(*, clinic: Clinic) -> list[Location]:
    return list(Location.objects.for_clinic(clinic).order_by("name"))
