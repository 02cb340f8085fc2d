"""The clinic's audit log page: the audit app's entries behind the clinic's roles."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from taut.audit.forms import AuditFilterForm
from taut.audit.selectors import audit_entries_for_clinic, audit_log_page
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.keyset import InvalidCursor
from taut.replica import reads_from_replica


@staff_required(Permission.AUDIT_VIEW)
@reads_from_replica
def audit_log(request: StaffRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries_for_clinic(clinic=request.membership.clinic, **filters)
    try:
        page = audit_log_page(
            entries,
            older_than=request.GET.get("older", ""),
            newer_than=request.GET.get("newer", ""),
        )
    except InvalidCursor as bad:
        raise Http404("That page of the audit log does not exist.") from bad
    query = request.GET.copy()
    for cursor in ("older", "newer"):
        query.pop(cursor, None)
    return render(
        request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()}
    )
