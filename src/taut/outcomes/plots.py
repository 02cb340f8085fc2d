"""Server-drawn SVG line charts: pure functions from series of points to SVG markup.

    chart = line_chart(
        [Series("Before needling", [Point(1, 7), Point(2, 5)])],
        title="NPRS over the course", description="...", y_range=(0, 10),
        x_label="Session", y_label="NPRS (points)", band=Band(5, 7, "Within the MCID of baseline"),
    )

Readable without colour: each series has its own marker shape and dash pattern, and the legend
draws both; the MCID band is hatched as well as tinted. Every chart carries <title> and <desc>
for screen readers, and the page shows the same numbers as a table. Colours are SVG presentation
attributes (not style attributes), so the strict CSP allows them and WeasyPrint draws the same
chart in a PDF. All text is escaped; numbers are checked to be finite.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 40, 56  # margins around the plotting area

# (marker shape, stroke dash pattern, colour): distinct without colour, and in greyscale.
STYLES = (
    ("circle", "", "#1f5fa8"),
    ("square", "7 4", "#b3261e"),
    ("triangle", "2 3", "#2e7d32"),
    ("diamond", "10 3 2 3", "#6a3d9a"),
)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str = ""  # shown in the point's tooltip, e.g. the date

    def __post_init__(self) -> None:
        if not (math.isfinite(self.x) and math.isfinite(self.y)):
            raise ValueError(f"a plotted point must be finite, got ({self.x}, {self.y})")


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[Point] = field(default_factory=tuple)


@dataclass(frozen=True)
class Band:
    """A horizontal band, e.g. the values still within the MCID of the baseline."""

    low: float
    high: float
    label: str


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    y_range: tuple[float, float],
    x_label: str,
    y_label: str,
    band: Band | None = None,
    x_ticks: Sequence[tuple[float, str]] | None = None,
    higher_is_worse: bool = False,
    chart_id: str = "chart",
) -> str:
    """An accessible SVG line chart (role="img", <title>, <desc>, legend with shapes)."""
    y_low, y_high = y_range
    if not y_low < y_high:
        raise ValueError(f"y_range must rise, got {y_range}")
    xs = [p.x for s in series for p in s.points] + [t[0] for t in x_ticks or ()]
    x_low, x_high = (min(xs), max(xs)) if xs else (0.0, 1.0)
    if x_low == x_high:
        x_low, x_high = x_low - 1, x_high + 1
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return round(LEFT + (x - x_low) / (x_high - x_low) * inner_w, 1)

    def py(y: float) -> float:
        clamped = min(max(y, y_low), y_high)
        return round(TOP + (y_high - clamped) / (y_high - y_low) * inner_h, 1)

    ids = escape(chart_id, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="outcome-chart" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{ids}-title {ids}-desc">',
        f'<title id="{ids}-title">{escape(title)}</title>',
        f'<desc id="{ids}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{ids}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="#e8f0e0"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="#7a9a60" stroke-width="2"/></pattern></defs>',
        f'<rect x="{LEFT}" y="{TOP}" width="{inner_w}" height="{inner_h}" fill="#ffffff" '
        'stroke="#555555" stroke-width="1"/>',
    ]
    if band is not None:
        top, bottom = py(max(band.low, band.high)), py(min(band.low, band.high))
        parts.append(
            f'<rect class="mcid-band" x="{LEFT}" y="{top}" width="{inner_w}" '
            f'height="{round(bottom - top, 1)}" fill="url(#{ids}-hatch)" fill-opacity="0.8">'
            f"<title>{escape(band.label)}</title></rect>"
        )
    parts.extend(_y_axis(y_low, y_high, py, inner_w))
    ticks = x_ticks if x_ticks is not None else _integer_ticks(x_low, x_high)
    for value, text in ticks:
        x = px(value)
        parts.append(
            f'<line x1="{x}" y1="{TOP + inner_h}" x2="{x}" y2="{TOP + inner_h + 5}" '
            'stroke="#555555"/>'
            f'<text x="{x}" y="{TOP + inner_h + 19}" font-size="12" text-anchor="middle" '
            f'fill="#222222">{escape(text)}</text>'
        )
    parts.append(
        f'<text x="{LEFT + inner_w / 2}" y="{HEIGHT - 12}" font-size="13" text-anchor="middle" '
        f'fill="#222222">{escape(x_label)}</text>'
        f'<text x="16" y="{TOP + inner_h / 2}" font-size="13" text-anchor="middle" '
        f'fill="#222222" transform="rotate(-90 16 {TOP + inner_h / 2})">{escape(y_label)}</text>'
    )
    if higher_is_worse:
        parts.append(
            f'<text x="{LEFT + 4}" y="{TOP + inner_h - 6}" font-size="11" fill="#444444">'
            "lower is better</text>"
        )
    for index, one in enumerate(series):
        shape, dash, colour = STYLES[index % len(STYLES)]
        points = sorted(one.points, key=lambda p: p.x)
        parts.append(f'<g class="series" data-series="{index}">')
        if len(points) > 1:
            path = " ".join(f"{px(p.x)},{py(p.y)}" for p in points)
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline class="series-line" points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dashed}/>'
            )
        for p in points:
            tip = f"{one.name}: {_number(p.y)}" + (f" ({p.label})" if p.label else "")
            parts.append(_marker(shape, px(p.x), py(p.y), colour, tip))
        parts.append("</g>")
    parts.extend(_legend(series, band, ids))
    parts.append("</svg>")
    return "".join(parts)


def mcid_band(baseline: float, mcid: float, *, higher_is_worse: bool, label: str) -> Band:
    """The values less than one MCID better than the baseline: a point outside it has improved."""
    return (
        Band(baseline - mcid, baseline, label)
        if higher_is_worse
        else Band(baseline, baseline + mcid, label)
    )


def soreness_chart(
    curves: Sequence[Series], *, title: str, description: str, chart_id: str = "soreness"
) -> str:
    """Post-needling soreness (0-10) against hours after each session, one series per session."""
    return line_chart(
        curves,
        title=title,
        description=description,
        y_range=(0, 10),
        x_label="Hours after the session",
        y_label="Soreness (0-10)",
        x_ticks=[(0, "0 h"), (24, "24 h"), (48, "48 h"), (72, "72 h")],
        higher_is_worse=True,
        chart_id=chart_id,
    )


# --- pieces ----------------------------------------------------------------------------------


def _y_axis(low: float, high: float, py: Callable[[float], float], inner_w: int) -> list[str]:
    step = _nice_step((high - low) / 5)
    parts = []
    value = math.ceil(low / step) * step
    while value <= high + 1e-9:
        y = py(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + inner_w}" y2="{y}" stroke="#dddddd"/>'
            f'<text x="{LEFT - 8}" y="{y + 4}" font-size="12" text-anchor="end" '
            f'fill="#222222">{_number(round(value, 6))}</text>'
        )
        value += step
    return parts


def _legend(series: Sequence[Series], band: Band | None, ids: str) -> list[str]:
    parts, x = ['<g class="legend">'], LEFT
    for index, one in enumerate(series):
        shape, dash, colour = STYLES[index % len(STYLES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x}" y1="18" x2="{x + 28}" y2="18" stroke="{colour}" stroke-width="2"'
            f"{dashed}/>"
            + _marker(shape, x + 14, 18, colour, one.name)
            + f'<text x="{x + 34}" y="22" font-size="12" fill="#222222">{escape(one.name)}</text>'
        )
        x += 44 + 7 * len(one.name)
    if band is not None:
        parts.append(
            f'<rect x="{x}" y="10" width="24" height="14" fill="url(#{ids}-hatch)" '
            f'stroke="#7a9a60"/><text x="{x + 30}" y="22" font-size="12" fill="#222222">'
            f"{escape(band.label)}</text>"
        )
    parts.append("</g>")
    return parts


def _marker(shape: str, x: float, y: float, colour: str, tip: str) -> str:
    title = f"<title>{escape(tip)}</title>"
    common = f'fill="{colour}" stroke="#ffffff" stroke-width="1" class="point"'
    if shape == "square":
        return f'<rect x="{x - 5}" y="{y - 5}" width="10" height="10" {common}>{title}</rect>'
    if shape == "triangle":
        pts = f"{x},{y - 6} {x + 6},{y + 5} {x - 6},{y + 5}"
        return f'<polygon points="{pts}" {common}>{title}</polygon>'
    if shape == "diamond":
        pts = f"{x},{y - 7} {x + 7},{y} {x},{y + 7} {x - 7},{y}"
        return f'<polygon points="{pts}" {common}>{title}</polygon>'
    return f'<circle cx="{x}" cy="{y}" r="5" {common}>{title}</circle>'


def _integer_ticks(low: float, high: float) -> list[tuple[float, str]]:
    step = max(1, math.ceil((high - low) / 10))
    start = math.ceil(low)
    return [(float(v), str(v)) for v in range(start, math.floor(high) + 1, step)]


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
