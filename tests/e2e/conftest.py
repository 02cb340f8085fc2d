"""Browser tests drive Debian's chromium through Playwright against a live test server.

Without chromium they are skipped with the reason, unless TAUT_REQUIRE_BROWSER=1 (set by CI), which
turns a missing browser into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE = (Path(__file__).parent / "assets" / "axe-4.14.1.min.js").read_text()
SCREENSHOTS = Path(os.environ.get("TAUT_ARTIFACTS", "test-artifacts")) / "screenshots"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("TAUT_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"TAUT_REQUIRE_BROWSER=1 but chromium is not at {CHROMIUM}")
    skip = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)")
    for item in items:
        if "e2e" in str(item.path):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def no_console_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a browser test whose pages log errors: a blocked script or style, a failed request."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    yield
    # A test that provokes an error on purpose (a refused request logs its status) names it.
    expected = [m.args[0] for m in request.node.iter_markers("console_expects")]
    unexpected = [e for e in errors if not any(re.search(p, e) for p in expected)]
    assert unexpected == [], f"the browser console reported errors: {unexpected}"


@pytest.fixture
def shoot(page: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Save a named screenshot of the current page; also one when the test fails."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        # caret="initial": hiding the caret leaves style="" on inputs, which htmx then copies onto
        # swapped elements and the Content-Security-Policy (rightly) reports.
        page.screenshot(path=str(path), full_page=True, caret="initial")
        return path

    yield take
    if getattr(request.node, "rep_call", None) and request.node.rep_call.failed:
        page.screenshot(path=str(folder / "failure.png"), full_page=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def serious_accessibility_violations(page: Any) -> list[str]:
    """Run axe-core in the page; return the serious and critical violations, described."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE + "\n;0")
    violations = page.evaluate("async () => (await window.axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


def sign_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
