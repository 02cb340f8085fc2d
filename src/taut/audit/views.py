from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from taut.audit.forms import AuditFilterForm
from taut.audit.selectors import audit_entries_for_clinic
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission


@staff_required(Permission.AUDIT_VIEW)
def audit_log(request: StaffRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries_for_clinic(clinic=request.membership.clinic, **filters)
    page = Paginator(entries.select_related("actor"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()}
    )
