"""View decorators that decide who may reach a page.

Every staff view goes through `staff_required(permission)`: it requires a signed-in user with an
active membership whose role grants the permission. Objects are then fetched through the access
helpers in each app's selectors (`get_patient_for`, ...), which scope by clinic and raise 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

from taut.clinics.models import Clinic, Membership
from taut.clinics.roles import Permission

View = Callable[..., HttpResponse]


class ClinicAccess(Protocol):
    """Whoever acts in one clinic: a staff `Membership`, or a registered machine's access
    (taut.api.backend.BackendAccess), which has a clinic and permissions but no user. Access
    helpers that only scope by clinic take this, so machines go through the same helpers."""

    @property
    def clinic(self) -> Clinic: ...

    @property
    def clinic_id(self) -> int: ...

    def may(self, permission: Permission) -> bool: ...


class StaffRequest(HttpRequest):
    """A request that passed `staff_required`: it acts under a membership of one clinic."""

    membership: Membership
    htmx: HtmxDetails


def staff_required(permission: Permission) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership: Membership | None = getattr(request, "membership", None)
            if membership is None or not membership.may(permission):
                raise PermissionDenied(f"Your role does not allow this ({permission.label}).")
            return view(request, *args, **kwargs)

        wrapped.taut_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator
