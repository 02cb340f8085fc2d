"""The API token page and the API docs page in real Chromium: create a token, see it once, use it,
revoke it; the Swagger UI page renders offline under the Content-Security-Policy."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import serious_accessibility_violations, sign_in

pytestmark = pytest.mark.e2e


def test_a_clinician_creates_uses_and_revokes_a_token(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "clinician_a", PASSWORD)
    page.wait_for_url(f"{base}/schedule/")  # a clinician lands on today's schedule
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Reporting spreadsheet")
    page.get_by_label("Read only").check()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Your new token").input_value()
    assert secret.startswith("taut_")
    expect(page.get_by_text("shown only this once", exact=False)).to_be_visible()
    assert serious_accessibility_violations(page) == []
    shoot("token-created")

    answer = page.request.get(
        f"{base}/api/v1/patients", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200 and len(answer.json()["items"]) == 1

    page.goto(f"{base}/api/tokens/")
    expect(page.get_by_label("Your new token")).to_have_count(0)
    page.get_by_role("button", name="Revoke Reporting spreadsheet").click()
    expect(page.get_by_text("is revoked", exact=False)).to_be_visible()
    shoot("token-revoked")
    refused = page.request.get(
        f"{base}/api/v1/patients", headers={"Authorization": f"Bearer {secret}"}
    )
    assert refused.status == 401


def test_the_api_docs_render_offline_without_console_errors(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Taut API")
    expect(page.get_by_text("/api/v1/patients", exact=True).first).to_be_visible()
    shoot("api-docs")
    assert outside == []
