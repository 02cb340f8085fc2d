from __future__ import annotations

from typing import Any

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


def locations_for_clinic(*, clinic: Clinic) -> list[Location]:
    return list(Location.objects.for_clinic(clinic).order_by("name"))
