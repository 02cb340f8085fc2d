"""Views do not write to the audit log themselves: they hand an AuditContext to a service or an
audited selector, which records the read or write (issue 16, "one shape for services").

The views listed in STILL_AUDITING predate the rule and are being moved; the list may only
shrink, and a listed view that no longer audits must leave it.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "taut"
AUDIT_WRITERS = {"audit_record", "audit_patient_read"}

STILL_AUDITING = {
    "interop/fhir_views.py",
    "messaging/views.py",
    "portal/appointment_views.py",
    "portal/diary_views.py",
    "portal/message_views.py",
    "portal/move_views.py",
    "portal/views.py",
    "portal/waitlist_views.py",
    "scheduling/calendar_views.py",
    "scheduling/plan_views.py",
    "scheduling/series_views.py",
    "scheduling/views.py",
    "scheduling/waitlist_views.py",
}


def _view_modules() -> list[Path]:
    return sorted(
        path
        for path in SRC.rglob("*.py")
        if path.name == "views.py" or path.name.endswith("_views.py") or path.parent.name == "pages"
    )


def _calls_audit_writer(path: Path) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            if name in AUDIT_WRITERS:
                return True
    return False


def test_no_view_module_writes_to_the_audit_log_outside_the_shrinking_list() -> None:
    auditing = {str(p.relative_to(SRC)) for p in _view_modules() if _calls_audit_writer(p)}
    assert auditing - STILL_AUDITING == set(), "views that audit: move the call into a selector"


def test_the_list_of_views_still_auditing_names_only_views_that_still_do() -> None:
    auditing = {str(p.relative_to(SRC)) for p in _view_modules() if _calls_audit_writer(p)}
    assert STILL_AUDITING - auditing == set(), "these no longer audit: take them off the list"
