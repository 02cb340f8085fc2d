"""The SVG charts: accessible, drawn without relying on colour, and safe to embed."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from taut.outcomes.plots import Band, Point, Series, line_chart, mcid_band, soreness_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - markup this module drew, not outside input


def _chart(**overrides):  # type: ignore[no-untyped-def]
    arguments = {
        "series": [
            Series("Before needling", [Point(1, 7), Point(2, 5), Point(3, 4)]),
            Series("Straight after", [Point(1, 8), Point(2, 6)]),
        ],
        "title": "NPRS over the course",
        "description": "NPRS 7, 5, 4.",
        "y_range": (0, 10),
        "x_label": "Session",
        "y_label": "NPRS (points)",
        "band": Band(5, 7, "within the MCID of baseline"),
        "higher_is_worse": True,
    }
    arguments.update(overrides)
    series = arguments.pop("series")
    return parse(line_chart(series, **arguments))


def test_the_chart_is_an_image_with_a_title_and_a_description():
    root = _chart()
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "NPRS over the course" and desc.text == "NPRS 7, 5, 4."
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_each_series_has_its_own_marker_shape_and_dash_pattern():
    root = _chart()
    groups = root.findall(f"{SVG}g[@class='series']")
    assert len(groups) == 2
    first, second = groups
    assert len(first.findall(f"{SVG}circle")) == 3
    assert len(second.findall(f"{SVG}rect")) == 2  # squares
    assert first.find(f"{SVG}polyline").get("stroke-dasharray") is None
    assert second.find(f"{SVG}polyline").get("stroke-dasharray")


def test_the_mcid_band_is_hatched_and_spans_its_values():
    root = _chart()
    band = root.find(f".//{SVG}rect[@class='mcid-band']")
    assert band.get("fill").startswith("url(#")  # a hatch pattern, not only a tint
    top, height = float(band.get("y")), float(band.get("height"))
    # y from 40 (10 points) to 244 (0 points): 7 -> 101.2, 5 -> 142.0
    assert top == pytest.approx(101.2) and top + height == pytest.approx(142.0)


def test_points_are_placed_on_the_scale():
    root = _chart()
    circles = root.findall(f".//{SVG}g[@class='series']/{SVG}circle")
    ys = [float(c.get("cy")) for c in circles]
    assert ys == [pytest.approx(101.2), pytest.approx(142.0), pytest.approx(162.4)]
    assert circles[0].find(f"{SVG}title").text == "Before needling: 7"


def test_the_legend_names_each_series_and_the_band():
    legend = _chart().find(f"{SVG}g[@class='legend']")
    texts = [t.text for t in legend.findall(f"{SVG}text")]
    assert texts == ["Before needling", "Straight after", "within the MCID of baseline"]


def test_text_is_escaped():
    root = _chart(title="<script>alert(1)</script>", series=[Series("a & b", [Point(1, 1)])])
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script>"
    assert not root.findall(f".//{SVG}script")


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_a_point_must_be_finite(bad):
    with pytest.raises(ValueError, match="finite"):
        Point(1, bad)


def test_a_y_range_must_rise():
    with pytest.raises(ValueError, match="y_range"):
        line_chart([], title="t", description="d", y_range=(5, 5), x_label="x", y_label="y")


def test_an_empty_chart_still_draws_its_axes():
    root = parse(
        line_chart([], title="t", description="d", y_range=(0, 10), x_label="x", y_label="y")
    )
    assert root.findall(f".//{SVG}text")


def test_the_mcid_band_lies_on_the_improving_side_of_the_baseline():
    assert mcid_band(7, 2, higher_is_worse=True, label="l") == Band(5, 7, "l")
    assert mcid_band(40, 9, higher_is_worse=False, label="l") == Band(40, 49, "l")


def test_the_soreness_chart_runs_over_72_hours():
    svg = soreness_chart(
        [Series("Session 1", [Point(24, 6), Point(48, 3), Point(72, 1)])],
        title="Soreness",
        description="Soreness fell from 6 to 1.",
    )
    texts = [t.text for t in parse(svg).iter(f"{SVG}text")]
    assert {"0 h", "24 h", "48 h", "72 h", "Hours after the session"} <= set(texts)
