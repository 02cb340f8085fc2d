"""Audited FHIR read and search (the selectors behind fhir_rest_views), and the searchset Bundle.

A read or a search leaves one audit entry per patient whose record it returned (as $everything
does, with `detail.patient`), so a patient's access log shows machine reads too; a search that
returned nobody's record leaves one entry with its query.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.common.context import AuditContext
from taut.common.refusals import NotFound
from taut.interop.fhir.resources import Resource, _instant
from taut.interop.fhir.search import (
    SOURCES,
    Criterion,
    Page,
    SearchError,
    Site,
    include_target,
    patients_touched,
    referenced_ids,
    resources_with_ids,
    search_criterion,
    search_page,
)

DEFAULT_COUNT = 50
MAX_COUNT = 200
# Parameters about the answer rather than the records (search.html#all). `_total` (and
# `_totalMethod`, which fhirpy's count() sends) are read and the exact total is always given.
CONTROL = {"_count", "_offset", "_include", "_total", "_totalMethod", "_format"}
JSON_FORMATS = {"json", "application/json", "application/fhir+json"}


@dataclass
class SearchRequest:
    """A parsed search: the criteria, the page, the includes, and what was ignored (lenient)."""

    resource_type: str
    criteria: list[Criterion] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)
    count: int = DEFAULT_COUNT
    offset: int = 0
    ignored: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # for the self and next links


def _number(name: str, text: str, *, low: int, high: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError as bad:
        raise SearchError(name, f"'{text}' is not a whole number.") from bad
    if value < low:
        raise SearchError(name, f"must be at least {low}.")
    return min(value, high) if high is not None else value


def _control(search: SearchRequest, name: str, values: list[str]) -> None:
    if name == "_count":
        search.count = _number(name, values[-1], low=0, high=MAX_COUNT)
    elif name == "_offset":
        search.offset = _number(name, values[-1], low=0)
    elif name == "_include":
        for value in values:
            include_target(search.resource_type, value)
            search.includes.append(value)
    elif name == "_format" and values[-1] not in JSON_FORMATS:
        raise SearchError(name, "only JSON is offered.")


def parse_search(
    resource_type: str, params: list[tuple[str, list[str]]], *, site: Site, lenient: bool
) -> SearchRequest:
    """The query parameters as a search; SearchError names the first one that cannot be used,
    unless `lenient` (Prefer: handling=lenient), which drops it and notes it in `ignored`."""
    search = SearchRequest(resource_type)
    for name, values in params:
        try:
            if name in CONTROL:
                _control(search, name, values)
            else:
                search.criteria.append(search_criterion(resource_type, name, values, site))
        except SearchError:
            if not lenient:
                raise
            search.ignored.append(name)
            continue
        if name not in ("_offset", "_count"):
            search.kept += [(name, value) for value in values]
    return search


def is_searchable(resource_type: str) -> bool:
    return resource_type in SOURCES


def _audit(
    ctx: AuditContext, site: Site, kind: str, resources: list[Resource], detail: dict
) -> None:
    touched = patients_touched(resources)
    for patient_id in touched:
        audit_record(
            ctx=ctx,
            clinic=site.clinic,
            action=Action.VIEW,
            object_type=kind,
            object_id=patient_id,
            detail={"patient": patient_id, **detail},
        )
    if not touched:
        audit_record(
            ctx=ctx,
            clinic=site.clinic,
            action=Action.VIEW,
            object_type=kind,
            object_id="",
            detail=detail,
        )


def fhir_read(*, ctx: AuditContext, site: Site, resource_type: str, resource_id: str) -> Resource:
    """One resource of the clinic, or NotFound (also for another clinic's)."""
    found = resources_with_ids(resource_type=resource_type, site=site, ids=[resource_id])
    if not found:
        raise NotFound(f"There is no {resource_type} with id {resource_id} in this clinic.")
    _audit(ctx, site, "fhir_read", found, {"type": resource_type, "id": resource_id})
    return found[0]


def fhir_search(*, ctx: AuditContext, site: Site, search: SearchRequest) -> Page:
    page = search_page(
        resource_type=search.resource_type,
        site=site,
        criteria=search.criteria,
        offset=search.offset,
        count=search.count,
    )
    for include in search.includes:
        target = include_target(search.resource_type, include)
        seen = {r["id"] for r in page.included if r["resourceType"] == target}
        wanted = [i for i in referenced_ids(page.matches, target) if i not in seen]
        page.included += resources_with_ids(resource_type=target, site=site, ids=wanted)
    query = urlencode(search.kept)[:500]
    _audit(
        ctx,
        site,
        "fhir_search",
        page.matches + page.included,
        {"type": search.resource_type, "query": query},
    )
    return page


def searchset(search: SearchRequest, page: Page, *, base_url: str, timestamp: datetime) -> Resource:
    """The search's answer: matches then includes, with self and (when more follow) next."""
    base = base_url.rstrip("/") + "/"

    def link(offset: int) -> str:
        query = [*search.kept, ("_count", str(search.count))]
        if offset:
            query.append(("_offset", str(offset)))
        return f"{base}{search.resource_type}?{urlencode(query)}"

    links = [{"relation": "self", "url": link(search.offset)}]
    if search.count and search.offset + search.count < page.total:
        links.append({"relation": "next", "url": link(search.offset + search.count)})
    if search.offset:
        links.append({"relation": "previous", "url": link(max(search.offset - search.count, 0))})
    entries = [(r, "match") for r in page.matches] + [(r, "include") for r in page.included]
    bundle: Resource = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": _instant(timestamp)},
        "type": "searchset",
        "total": page.total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": mode},
            }
            for r, mode in entries
        ],
    }
    if not entries:  # FHIR JSON has no empty arrays
        del bundle["entry"]
    return bundle
