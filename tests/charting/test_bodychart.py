"""The pain-drawing body chart: geometry (every region once, closed, mirrored, not overlapping)
and the template include (selection, read-only mode, no inline style or script)."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template import Context, Engine

from taut.charting import bodychart
from taut.charting.bodychart import (
    PANEL_CENTRE,
    VIEWBOX,
    body_chart_regions,
    chart_context,
    clean_region_ids,
)
from taut.clinical.knowledge import load_knowledge

TEMPLATES = Path(bodychart.__file__).resolve().parent / "templates"
MIDLINE_IDS = {"vertex", "throat", "sternum", "perineum", "sacrum", "coccyx"}
#: Shapes that interlock (the sacroiliac notch sits in the top of the buttock): their bounding
#: boxes overlap by design, so only their outlines are compared.
INTERLOCKING = {frozenset({"sacroiliac", "buttock"})}
BBOX_TOLERANCE = 0.12  # overlap as a fraction of the smaller bounding box
TOKEN = re.compile(r"[MLQZ]|-?\d+(?:\.\d+)?")

Point = tuple[float, float]


def points(path_d: str) -> list[Point]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path_d)]
    assert len(numbers) % 2 == 0
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def bbox(pts: list[Point]) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _ in pts], [y for _, y in pts]
    return min(xs), min(ys), max(xs), max(ys)


def centre_x(pts: list[Point]) -> float:
    x0, _, x1, _ = bbox(pts)
    return (x0 + x1) / 2


def inside(x: float, y: float, polygon: list[Point]) -> bool:
    result = False
    for (x1, y1), (x2, y2) in itertools.pairwise([*polygon, polygon[0]]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


REGIONS = body_chart_regions()
BY_ID = {region.id: region for region in REGIONS}
POINTS = {region.id: points(region.path_d) for region in REGIONS}


# --- geometry ----------------------------------------------------------------------------------


def test_every_drawing_region_appears_exactly_once():
    drawing_ids = [d.id for d in load_knowledge().drawing_regions]
    chart_ids = [region.id for region in REGIONS]
    assert len(drawing_ids) == 130
    assert sorted(chart_ids) == sorted(drawing_ids)
    assert len(set(chart_ids)) == len(chart_ids)


def test_every_region_has_a_label_a_panel_and_a_side():
    knowledge = load_knowledge()
    for region in REGIONS:
        assert region.panel in ("front", "back")
        assert region.label == knowledge.region(region.base).label
        assert (region.side == "midline") == (region.id in MIDLINE_IDS)
        if region.side != "midline":
            assert region.id.endswith("_l" if region.side == "left" else "_r")


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: r.id)
def test_every_path_is_a_closed_path_inside_the_viewbox(region):
    d = region.path_d
    assert d.startswith("M") and d.endswith("Z")
    leftover = TOKEN.sub("", d).strip()
    assert leftover == "", f"unexpected characters in {region.id}: {leftover!r}"
    assert d.count("Z") == 1 and d.count("M") == 1
    x0, y0, x1, y1 = bbox(POINTS[region.id])
    vx, vy, vw, vh = VIEWBOX
    assert vx <= x0 < x1 <= vx + vw and vy <= y0 < y1 <= vy + vh
    half = vw / 4  # each panel is half the viewBox wide
    assert PANEL_CENTRE[region.panel] - half <= x0 and x1 <= PANEL_CENTRE[region.panel] + half


def test_left_and_right_are_mirror_images_on_the_correct_viewer_side():
    sided = {region.base for region in REGIONS if region.side != "midline"}
    assert len(sided) == 62
    for base in sided:
        left, right = BY_ID[f"{base}_l"], BY_ID[f"{base}_r"]
        assert left.panel == right.panel
        centre = PANEL_CENTRE[left.panel]
        mirrored = [(round(2 * centre - x, 1), y) for x, y in POINTS[left.id]]
        assert mirrored == [(round(x, 1), y) for x, y in POINTS[right.id]], base
        # Front: the patient faces you, so their right is on your left. Back: their left is.
        on_viewer_left = right if left.panel == "front" else left
        on_viewer_right = left if left.panel == "front" else right
        assert centre_x(POINTS[on_viewer_left.id]) < centre, on_viewer_left.id
        assert centre_x(POINTS[on_viewer_right.id]) > centre, on_viewer_right.id
        assert max(x for x, _ in POINTS[on_viewer_left.id]) <= centre + 0.01
        assert min(x for x, _ in POINTS[on_viewer_right.id]) >= centre - 0.01


@pytest.mark.parametrize("region_id", sorted(MIDLINE_IDS))
def test_midline_regions_are_centred_and_symmetric(region_id):
    region = BY_ID[region_id]
    centre = PANEL_CENTRE[region.panel]
    pts = POINTS[region_id]
    assert centre_x(pts) == pytest.approx(centre, abs=0.1)
    assert {(round(2 * centre - x, 1), y) for x, y in pts} == {(round(x, 1), y) for x, y in pts}


def test_panels_put_each_region_where_a_clinician_looks_for_it():
    panel = {region.base: region.panel for region in REGIONS}
    for base in (
        "temple",
        "jaw_tmj",
        "neck_lateral",
        "shoulder_lateral",
        "arm_lateral",
        "elbow_lateral",
        "elbow_medial",
        "hip_lateral",
        "thigh_lateral",
        "knee_lateral",
        "leg_lateral",
        "ankle_lateral",
        "perineum",
        "throat",
        "sternum",
        "chest",
    ):
        assert panel[base] == "front", base
    for base in (
        "vertex",
        "occiput",
        "ear",
        "scapula",
        "heel",
        "foot_plantar",
        "sacrum",
        "coccyx",
        "buttock",
        "calf",
    ):
        assert panel[base] == "back", base
    knowledge = load_knowledge()
    for region in knowledge.regions:
        if region.view.value in ("front", "back"):
            assert panel[region.id] == region.view.value, region.id

    # Vertical order: head above trunk above feet; the soles lie under the back figure's heels.
    def top(rid: str) -> float:
        return bbox(POINTS[rid])[1]

    assert top("vertex") < top("occiput_l") < top("neck_posterior_l") < top("scapula_l")
    assert top("scapula_l") < top("low_back_l") < top("buttock_l") < top("calf_l")
    assert top("calf_l") < top("heel_l") < top("foot_plantar_l")
    assert top("forehead_l") < top("eye_orbit_l") < top("throat") < top("sternum")
    assert top("sternum") < top("abdomen_l") < top("groin_l") < top("perineum")
    assert top("thigh_anterior_l") < top("knee_anterior_l") < top("leg_anterior_l")
    assert top("leg_anterior_l") < top("ankle_anterior_l") < top("foot_dorsum_l") < top("toe_big_l")
    assert abs(centre_x(POINTS["foot_plantar_l"]) - centre_x(POINTS["heel_l"])) < 12


def test_regions_do_not_overlap():
    ids = [region.id for region in REGIONS]
    boxes = {rid: bbox(POINTS[rid]) for rid in ids}
    for a, b in itertools.combinations(ids, 2):
        if BY_ID[a].panel != BY_ID[b].panel:
            continue
        (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = boxes[a], boxes[b]
        width, height = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
        if width <= 0 or height <= 0:
            continue
        smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
        if frozenset({BY_ID[a].base, BY_ID[b].base}) not in INTERLOCKING:
            assert width * height <= BBOX_TOLERANCE * smaller, (a, b, width, height)
        # And the outlines themselves: sample the shared box every unit.
        shared = 0
        x = max(ax0, bx0) + 0.5
        while x < min(ax1, bx1):
            y = max(ay0, by0) + 0.5
            while y < min(ay1, by1):
                shared += inside(x, y, POINTS[a]) and inside(x, y, POINTS[b])
                y += 1
            x += 1
        assert shared <= 4, (a, b, shared)


def test_rounded_path_keeps_every_number_inside_the_polygon_box():
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    d = bodychart.rounded_path(square, radius=3)
    assert bbox(points(d)) == (0, 0, 10, 10)
    with pytest.raises(ValueError):
        bodychart.rounded_path(square[:2])


# --- selection helpers -------------------------------------------------------------------------


def test_clean_region_ids_orders_deduplicates_and_rejects_unknown_ids():
    assert clean_region_ids(["calf_l", "temple_r", "calf_l", " "]) == ("temple_r", "calf_l")
    with pytest.raises(ValueError, match="temple"):
        clean_region_ids(["temple"])
    with pytest.raises(ValueError):
        chart_context(["nowhere_l"])


def test_chart_context_marks_the_selection_and_names_the_sides():
    rows = chart_context(["temple_l", "sacrum"])
    assert len(rows) == 130
    assert [row["id"] for row in rows.selected] == ["temple_l", "sacrum"]
    temple = next(row for row in rows if row["id"] == "temple_l")
    assert temple["aria_label"] == "temple (left)"
    assert temple["name"] == "Left temple"
    sacrum = next(row for row in rows if row["id"] == "sacrum")
    assert sacrum["aria_label"] == "sacrum in the midline (midline)"
    assert [panel["panel"] for panel in rows.panels] == ["front", "back"]
    assert sum(len(panel["regions"]) for panel in rows.panels) == 130


# --- the template ------------------------------------------------------------------------------


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def render(selected: list[str], readonly: bool = False) -> tuple[str, Elements]:
    engine = Engine(
        dirs=[str(TEMPLATES)],
        libraries={"bodychart_tags": "taut.charting.templatetags.bodychart_tags"},
    )
    html = engine.get_template("charting/_body_chart.html").render(
        Context(
            {
                "chart_regions": chart_context(selected),
                "chart_input_name": "pain_regions",
                "chart_readonly": readonly,
            }
        )
    )
    parser = Elements()
    parser.feed(html)
    return html, parser


def test_template_marks_exactly_the_selected_regions_and_checks_their_boxes():
    selected = ["temple_l", "occiput_r", "perineum", "foot_plantar_l"]
    html, parsed = render(selected)
    paths = [attrs for tag, attrs in parsed.elements if tag == "path" and "data-region" in attrs]
    assert len(paths) == 130
    assert sorted(a["data-region"] for a in paths if a["aria-checked"] == "true") == sorted(
        selected
    )
    for attrs in paths:
        rid = attrs["data-region"]
        assert attrs["id"] == f"region-{rid}"
        assert attrs["tabindex"] == "0" and attrs["role"] == "checkbox"
        assert attrs["aria-label"] == BY_ID[rid].aria_label
        assert ("selected" in attrs["class"].split()) == (rid in selected)
    boxes = [a for tag, a in parsed.elements if tag == "input" and a.get("type") == "checkbox"]
    assert len(boxes) == 130
    assert {a["name"] for a in boxes} == {"pain_regions"}
    assert sorted(a["value"] for a in boxes if "checked" in a) == sorted(selected)
    svg = next(a for tag, a in parsed.elements if tag == "svg")
    assert svg["role"] == "group" and svg["viewbox"] == "0 0 800 950"
    assert any(tag == "p" and "aria-live" in a for tag, a in parsed.elements)
    assert "Choose regions from a list" in html
    assert "Front (patient&#x27;s right on your left)" in html
    assert "Back (patient&#x27;s left on your left)" in html
    silhouettes = [a for tag, a in parsed.elements if "bodychart-silhouette" in a.get("class", "")]
    assert len(silhouettes) == 2


def test_template_has_no_inline_style_or_script():
    for readonly in (False, True):
        html, parsed = render(["calf_r"], readonly=readonly)
        assert "<script" not in html.lower()
        assert not any("style" in attrs for _, attrs in parsed.elements)
        assert not any(name.startswith("on") for _, attrs in parsed.elements for name in attrs)


def test_readonly_template_is_an_image_listing_the_selection():
    html, parsed = render(["temple_l", "calf_r"], readonly=True)
    svg = next(a for tag, a in parsed.elements if tag == "svg")
    assert svg["role"] == "img"
    assert "Regions marked: temple (left); calf (right)." in html
    assert not any(a.get("tabindex") or a.get("role") == "checkbox" for _, a in parsed.elements)
    assert not any(tag == "input" for tag, _ in parsed.elements)
    selected = [
        a for tag, a in parsed.elements if tag == "path" and "selected" in a.get("class", "")
    ]
    assert sorted(a["data-region"] for a in selected) == ["calf_r", "temple_l"]
    empty, _ = render([], readonly=True)
    assert "No regions marked." in empty
