"""The drawings of one patient's outcomes page: each measure's course and the diary's soreness.

Server-rendered SVG through `outcomes/plots.py`; every chart carries a text description.
"""

from __future__ import annotations

from taut.clinical.records import Direction
from taut.outcomes.measure_course import Course
from taut.outcomes.plots import Point, Series, line_chart, mcid_band, soreness_chart

SORENESS_SESSIONS = 4  # the chart's last sessions (one marker shape each); the table lists all


def course_chart(course: Course) -> str:
    instrument = course.instrument
    worse = instrument.direction is Direction.HIGHER_IS_WORSE
    series = [
        Series(
            "Before needling",
            [
                Point(
                    o.session_number, o.value, f"session {o.session_number}, {o.taken_on:%d %b %Y}"
                )
                for o in course.observations
            ],
        )
    ]
    if course.after:
        series.append(
            Series(
                "Straight after needling",
                [Point(n, v, f"session {n}") for n, v in sorted(course.after.items())],
            )
        )
    band = None
    if course.mcid is not None and course.baseline is not None and course.mcid.unit == "points":
        band = mcid_band(
            course.baseline.value,
            course.mcid.value,
            higher_is_worse=worse,
            label=f"within the MCID ({course.mcid.value:g}) of baseline",
        )
    points = ", ".join(f"session {o.session_number}: {o.value:g}" for o in course.observations)
    description = (
        f"{instrument.abbreviation} before needling by session: {points or 'none'}. "
        + ("Lower is better. " if worse else "Higher is better. ")
        + (
            f"Hatched band: within the MCID ({band.high - band.low:g}) of the baseline score."
            if band
            else "No MCID band: the instrument has no published within-person MCID."
        )
    )
    numbers = sorted({o.session_number for o in course.observations} | set(course.after))
    return line_chart(
        series,
        title=f"{instrument.abbreviation}{' at ' + course.site if course.site else ''} "
        "over the course",
        description=description,
        y_range=(instrument.min, instrument.max),
        x_label="Session",
        y_label=f"{instrument.abbreviation} ({instrument.unit})",
        band=band,
        x_ticks=[(float(n), str(n)) for n in numbers] or None,
        higher_is_worse=worse,
        chart_id=f"chart-{course.key}",
    )


def soreness_figure(by_session: dict[int, list[Point]]) -> str:
    """Soreness by hours after each of the last sessions (their numbers key `by_session`)."""
    shown = sorted(by_session)[-SORENESS_SESSIONS:]
    series = [Series(f"Session {n}", by_session[n]) for n in shown]
    described = "; ".join(
        f"session {n}: " + ", ".join(f"{p.y:g} at {p.x:g} h" for p in by_session[n]) for n in shown
    )
    return soreness_chart(
        series,
        title="Soreness after each session",
        description=f"Soreness 0-10 reported in the symptom diary by hours after the session: "
        f"{described}.",
    )
