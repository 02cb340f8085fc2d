"""Issue #9, part 2: every free-text field of every form, fed hostile text, fails safe.

For each page of the URL configuration (opened as the persona whose role may use it) every form
with free text is submitted with each payload of `payloads.PAYLOADS` in all its free-text fields:
nothing answers 5xx, no page shows the payload unescaped, a refused submission writes no row, and
text that was stored round-trips exactly (or by a documented normalisation) and is shown escaped.
"""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.security.payloads import PAYLOAD_CLASSES, PAYLOADS
from tests.security.sweep import Sweep, sweep_routes

ROUTES = sweep_routes()
# A form reached from several pages (the patient search) is swept once, on the first page.
SWEPT: set[tuple[str, str, tuple[str, ...]]] = set()


def test_every_payload_class_of_the_issue_is_in_the_sweep() -> None:
    assert set(PAYLOAD_CLASSES) == {
        "script",
        "html",
        "sql",
        "template",
        "overlong",
        "non-latin",
        "control",
    }
    for payloads in PAYLOAD_CLASSES.values():
        assert set(payloads) <= set(PAYLOADS)


@pytest.mark.parametrize("name", ROUTES, ids=ROUTES)
def test_every_form_on_the_page_fails_safe_on_hostile_text(world: World, name: str) -> None:
    sweep = Sweep(world)
    sweep.run(name, seen=SWEPT)
    assert not sweep.failures, f"{len(sweep.failures)} problems:\n" + "\n".join(sweep.failures)
    for (action, field), names in sweep.payloads_by_field.items():
        assert names >= {p.name for p in PAYLOADS}, f"{action} {field} missed {set(names)}"
