from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from taut.clinics.roles import Permission


def membership(request: HttpRequest) -> dict[str, Any]:
    current = getattr(request, "membership", None)
    allowed = {p.name: bool(current and current.may(p)) for p in Permission}
    return {"membership": current, "can": allowed}
