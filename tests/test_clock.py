"""The clock seam: only `taut.clock` reads the wall clock, and tests can fix it."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

from taut import clock

SOURCE = Path(__file__).resolve().parents[1] / "src" / "taut"
ALLOWED = {SOURCE / "clock.py"}

# Calls that read the wall clock, by the last two names of the dotted call.
CLOCK_CALLS = {
    ("timezone", "now"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
}
# Django's helpers read the clock when they are given no value to convert.
CLOCK_WITHOUT_VALUE = {("timezone", "localdate"), ("timezone", "localtime")}
CLOCK_IMPORTS = {
    "django.utils.timezone": {"now", "localdate", "localtime"},
    "time": {"time", "time_ns"},
}


def _dotted(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Attribute):
        return [*_dotted(node.value), node.attr]
    if isinstance(node, ast.Name):
        return [node.id]
    return []


def clock_reads(source: str) -> list[int]:
    """Line numbers where `source` reads the wall clock by itself."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and any(
            alias.name in CLOCK_IMPORTS.get(node.module or "", ()) for alias in node.names
        ):
            lines.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        tail = tuple(_dotted(node.func)[-2:])
        has_value = bool(node.args) or any(k.arg == "value" for k in node.keywords)
        if tail in CLOCK_CALLS or (tail in CLOCK_WITHOUT_VALUE and not has_value):
            lines.append(node.lineno)
    return sorted(lines)


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    offenders = [
        f"{path.relative_to(SOURCE.parent)}:{line}"
        for path in sorted(SOURCE.rglob("*.py"))
        if path not in ALLOWED and "migrations" not in path.parts
        for line in clock_reads(path.read_text())
    ]
    assert offenders == [], "read the time through taut.clock instead: " + ", ".join(offenders)


def test_the_seam_check_finds_each_way_of_reading_the_clock() -> None:
    source = "\n".join(
        [
            "from django.utils import timezone",
            "import datetime as dt",
            "from datetime import date, datetime, UTC",
            "import time",
            "timezone.now()",
            "dt.datetime.now(dt.UTC)",
            "datetime.utcnow()",
            "date.today()",
            "time.time()",
            "timezone.localdate()",
            "timezone.localdate(timezone=zone)",
            "timezone.localtime(value)",
            "from django.utils.timezone import now",
        ]
    )
    assert clock_reads(source) == [5, 6, 7, 8, 9, 10, 11, 13]


def test_the_clock_is_aware_utc_and_follows_a_fixed_time() -> None:
    instant = dt.datetime(2027, 3, 14, 8, 30, tzinfo=dt.UTC)
    with time_machine.travel(instant, tick=False):
        assert clock.now() == instant
        assert clock.now().utcoffset() == dt.timedelta(0)


def test_today_is_the_date_where_the_clinic_is() -> None:
    # 03:30 UTC on 15 March is still the 14th in Denver and already the 15th in Sydney.
    with time_machine.travel(dt.datetime(2027, 3, 15, 3, 30, tzinfo=dt.UTC), tick=False):
        assert clock.today_in(ZoneInfo("America/Denver")) == dt.date(2027, 3, 14)
        assert clock.today_in(ZoneInfo("Australia/Sydney")) == dt.date(2027, 3, 15)


def test_held_at_holds_the_clock_for_the_block_only() -> None:
    import pytest

    instant = dt.datetime(2026, 3, 9, 17, 30, tzinfo=ZoneInfo("America/Denver"))
    before = clock.now()
    with clock.held_at(instant):
        assert clock.now() == instant and clock.now().tzinfo == dt.UTC
        assert clock.today_in(ZoneInfo("Australia/Sydney")) == dt.date(2026, 3, 10)
    assert clock.now() >= before and clock.now() != instant
    with pytest.raises(ValueError), clock.held_at(dt.datetime(2026, 3, 9)):  # noqa: DTZ001
        pass
