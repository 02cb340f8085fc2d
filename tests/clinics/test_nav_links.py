"""No page shows a staff member a link their role may not use: each role follows every link of
its pages (from where it lands, a few clicks deep) and never meets a 403."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

from taut.clinics.roles import Role
from tests.conftest import World, client_for
from tests.diary.conftest import answered_with_red_flag
from tests.scheduling.conftest import at, book, make_desk, next_working_day

# Links that change something even by GET would not be followed; none exist, but downloads and
# feeds are skipped to keep the walk about pages.
SKIP_SUFFIXES = (".pdf", ".csv", ".ics", ".json", ".ndjson", ".svg", ".png")
MAX_PAGES = 250


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _internal(href: str, here: str) -> str | None:
    target = urldefrag(href)[0]
    if not target or target.startswith(("mailto:", "tel:", "http://", "https://", "//")):
        return None
    if target.startswith("?"):
        target = urlsplit(here).path + target
    if not target.startswith("/") or target.startswith(("/static/", "/api/v1/docs")):
        return None
    return None if urlsplit(target).path.endswith(SKIP_SUFFIXES) else target


def walk(client: Client, start: str = "/") -> dict[str, tuple[int, str]]:
    """Every internal page reachable by links from `start`: its status and where it was linked.
    A path is visited once, with the first query string met (the day pager links forever)."""
    seen: dict[str, tuple[int, str]] = {}
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    while queue and len(seen) < MAX_PAGES:
        url, linked_from = queue.popleft()
        if urlsplit(url).path in seen:
            continue
        response = client.get(url, follow=True)
        seen[urlsplit(url).path] = (response.status_code, f"{url} linked from {linked_from}")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        here = response.wsgi_request.get_full_path()
        for href in parser.hrefs:
            target = _internal(href, here)
            if target is not None and urlsplit(target).path not in seen:
                queue.append((target, here))
    return seen


@pytest.mark.parametrize("role", list(Role))
def test_no_link_a_role_is_shown_leads_to_a_refusal(world: World, role: Role) -> None:
    answered_with_red_flag(world)  # a signed session, its diary and an open alert to link to
    book(make_desk(world), at(next_working_day(), 10))  # an appointment to link to
    pages = walk(client_for(world.staff("a", role)))
    refused = {url: linked_from for url, (status, linked_from) in pages.items() if status == 403}
    assert refused == {}, f"{role}: links to pages it may not use (page: linked from)"
    assert len(pages) > 12  # the walk did reach the clinic's pages
    assert any(
        re.fullmatch(r"/schedule/appointments/[0-9a-f-]{36}/", url) for url in pages
    )  # the booking


def test_the_front_desk_is_not_offered_api_tokens(world: World) -> None:
    page = client_for(world.frontdesk_a).get("/patients/").content.decode()
    assert "API tokens" not in page
    assert "API tokens" in client_for(world.owner_a).get("/patients/").content.decode()
