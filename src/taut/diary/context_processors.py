from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from taut.clinics.roles import Permission
from taut.diary.selectors import open_alert_count


def open_alerts(request: HttpRequest) -> dict[str, Any]:
    """The open red-flag alert count for the nav: staff who may see clinical records only, and
    not for an htmx fragment, which has no nav to show it in."""
    membership = getattr(request, "membership", None)
    if membership is None or not membership.may(Permission.CLINICAL_VIEW):
        return {}
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        return {}
    return {"open_alert_count": open_alert_count(clinic=membership.clinic_id)}
