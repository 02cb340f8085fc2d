from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from taut.clinics.roles import Permission


def membership(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "membership", None)
    allowed = {p.name: bool(current and current.may(p)) for p in Permission}
    return {"membership": current, "can": allowed}


def brand(request: HttpRequest) -> dict[str, Any]:
    """Whose name heads the page: the member's clinic for staff, the patient's clinic in the
    portal. Public pages pass their `clinic` in the view's context, which overrides the empty
    `clinic` given here (base.html falls back to it)."""
    current = getattr(request, "membership", None)
    patient = getattr(request, "patient", None)
    if current is not None:
        shown = current.clinic
    else:
        shown = patient.clinic if patient is not None else None
    return {"brand_clinic": shown, "clinic": None}
