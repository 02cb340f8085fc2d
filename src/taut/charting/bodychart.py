"""The pain-drawing body chart as data: two standing figures, front and back, in one SVG viewBox.

Every drawing region of the knowledge base (``knowledge.drawing_regions``) is one rounded polygon
on exactly one panel. Shapes are defined once per base region, in *figure* coordinates ``(u, y)``:
``u`` is the distance out from the figure's midline, ``y`` is the SVG y. A sided region is drawn
twice by mirroring ``u`` about the figure's centre line:

* front panel (the patient faces you): the patient's RIGHT is on the viewer's LEFT;
* back panel (you look at the patient's back): the patient's LEFT is on the viewer's LEFT.

A midline region is given as its right half (``u >= 0``, from the top of the midline round to the
bottom of the midline) and completed by mirroring, so it is symmetric by construction.

Regions whose vocabulary view is side/top/bottom sit where a clinician would look for them: the
lateral regions (temple, jaw, neck, shoulder, arm, elbow, hip, thigh, knee, leg, ankle) along the
outer edge of the front figure, the ear on the back of the head, the vertex on top of the back
head, the perineum between the thighs of the front figure and the soles under the back figure.

Pure Python: no Django, so the geometry can be tested and reused (e.g. for a PDF) without it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from taut.clinical.knowledge import load_knowledge
from taut.clinical.wording import side_word, sided

Panel = Literal["front", "back"]
Point = tuple[float, float]

VIEWBOX: tuple[int, int, int, int] = (0, 0, 800, 950)
PANELS: tuple[Panel, ...] = ("front", "back")
#: x of each figure's midline.
PANEL_CENTRE: dict[Panel, float] = {"front": 200.0, "back": 600.0}
PANEL_CAPTION: dict[Panel, str] = {
    "front": "Front (patient's right on your left)",
    "back": "Back (patient's left on your left)",
}
MIDLINE = "midline"
DEFAULT_RADIUS = 6.0


@dataclass(frozen=True, slots=True)
class Shape:
    """One base region's outline on one panel, in figure coordinates ``(u, y)``."""

    panel: Panel
    points: tuple[Point, ...]
    radius: float = DEFAULT_RADIUS


def _shape(panel: Panel, *points: Point, radius: float = DEFAULT_RADIUS) -> Shape:
    return Shape(panel, tuple(points), radius)


# --- geometry ------------------------------------------------------------------------------------
# Figure coordinates: u outward from the midline, y down. Key levels: head 44-180, neck 180-214,
# shoulders 214-262, chest 216-322, abdomen 324-432, groin 436-478, thighs 480-610, knees 612-672,
# legs 674-800, ankles 802-828, feet 830-880 (front); soles 858-944 under the back figure.
# The arm hangs in a column u 84-152 (thumb included) beside the trunk.

FRONT: Panel = "front"
BACK: Panel = "back"

#: Sided base regions: the shape of ONE side (the mirror gives the other).
# fmt: off
SIDED_SHAPES: dict[str, Shape] = {
    # head and face (front)
    "forehead": _shape(FRONT, (0, 46), (20, 47), (34, 54), (41, 66), (41, 92), (0, 92), radius=9),
    "temple": _shape(FRONT, (43, 64), (49, 72), (53, 88), (53, 121), (43, 119), radius=4),
    "eye_orbit": _shape(FRONT, (5, 95), (41, 95), (41, 118), (5, 118), radius=8),
    "cheek": _shape(FRONT, (17, 121), (41, 121), (53, 125), (52, 145), (17, 145), radius=5),
    "teeth_upper": _shape(FRONT, (0, 122), (15, 122), (15, 133), (0, 133), radius=3),
    "teeth_lower": _shape(FRONT, (0, 134), (15, 134), (15, 145), (0, 145), radius=3),
    "jaw_tmj": _shape(FRONT, (0, 148), (52, 148), (50, 159), (38, 171), (20, 179), (0, 181)),
    # neck (front)
    "neck_anterior": _shape(FRONT, (10, 183), (20, 183), (20, 213), (10, 213), radius=3),
    "neck_lateral": _shape(FRONT, (22, 183), (30, 181), (33, 204), (44, 212), (22, 213), radius=3),
    # shoulder girdle and trunk (front)
    "shoulder_anterior": _shape(FRONT, (64, 216), (106, 217), (106, 262), (66, 262)),
    "shoulder_lateral": _shape(FRONT, (108, 217), (126, 221), (138, 232), (142, 262), (108, 262),
        radius=8),
    "chest": _shape(FRONT, (10, 216), (62, 218), (64, 262), (64, 321), (10, 321)),
    "axilla": _shape(FRONT, (66, 264), (82, 264), (82, 308), (66, 300), radius=4),
    "abdomen": _shape(FRONT, (0, 324), (64, 324), (64, 400), (60, 432), (0, 432)),
    "groin": _shape(FRONT, (0, 435), (60, 435), (62, 446), (38, 474), (14, 478), (0, 478)),
    "hip_lateral": _shape(FRONT, (66, 404), (76, 414), (82, 440), (82, 477), (64, 477), (64, 446)),
    # arm, elbow, forearm and hand (front, palm forward: thumb outward)
    "arm_medial": _shape(FRONT, (84, 264), (100, 264), (100, 392), (86, 392), radius=4),
    "arm_anterior": _shape(FRONT, (102, 264), (124, 264), (124, 392), (102, 392), radius=4),
    "arm_lateral": _shape(FRONT, (126, 264), (142, 264), (140, 392), (126, 392), radius=4),
    "elbow_medial": _shape(FRONT, (86, 394), (112, 394), (112, 424), (88, 424)),
    "elbow_lateral": _shape(FRONT, (114, 394), (140, 394), (140, 424), (114, 424)),
    "forearm_volar": _shape(FRONT, (88, 426), (140, 426), (136, 532), (92, 532), radius=8),
    "wrist_volar": _shape(FRONT, (92, 534), (136, 534), (136, 553), (92, 553), radius=4),
    "hand_palmar": _shape(FRONT, (94, 555), (132, 555), (132, 604), (94, 604)),
    "thumb": _shape(FRONT, (134, 557), (144, 563), (152, 598), (144, 608), (134, 600), radius=5),
    "fingers_4_5": _shape(FRONT, (92, 606), (112, 606), (112, 654), (96, 656), radius=7),
    "fingers_2_3": _shape(FRONT, (114, 606), (132, 606), (130, 660), (114, 660), radius=7),
    # thigh, knee, leg, ankle and foot (front)
    "thigh_medial": _shape(FRONT, (12, 481), (32, 481), (32, 608), (16, 608), (12, 520)),
    "thigh_anterior": _shape(FRONT, (34, 481), (60, 481), (60, 608), (34, 608)),
    "thigh_lateral": _shape(FRONT, (62, 481), (82, 481), (80, 550), (74, 608), (62, 608)),
    "knee_medial": _shape(FRONT, (15, 612), (32, 612), (32, 671), (19, 671)),
    "knee_anterior": _shape(FRONT, (34, 612), (58, 612), (58, 671), (34, 671), radius=12),
    "knee_lateral": _shape(FRONT, (60, 612), (74, 612), (72, 671), (60, 671)),
    "leg_anterior": _shape(FRONT, (18, 675), (50, 675), (46, 799), (25, 799)),
    "leg_lateral": _shape(FRONT, (52, 675), (71, 675), (66, 750), (57, 799), (48, 799)),
    "ankle_anterior": _shape(FRONT, (24, 802), (46, 802), (46, 827), (22, 827), radius=4),
    "ankle_lateral": _shape(FRONT, (48, 802), (60, 802), (66, 828), (68, 856), (54, 856),
        (50, 829), (48, 827), radius=4),
    "foot_dorsum": _shape(FRONT, (20, 830), (48, 830), (52, 856), (14, 856), radius=5),
    "toe_big": _shape(FRONT, (12, 858), (29, 858), (29, 880), (14, 880)),
    "toes_lesser": _shape(FRONT, (31, 858), (68, 858), (62, 874), (31, 877)),
    # head and neck (back)
    "occiput": _shape(BACK, (0, 76), (38, 76), (47, 92), (49, 128), (43, 155), (28, 172), (0, 176),
        radius=8),
    "ear": _shape(BACK, (51, 100), (58, 103), (61, 124), (56, 145), (51, 146), radius=4),
    "neck_posterior": _shape(BACK, (0, 179), (24, 179), (27, 228), (0, 228), radius=3),
    "shoulder_top": _shape(BACK, (29, 190), (58, 200), (108, 209), (132, 217), (140, 230),
        (29, 230), radius=5),
    # upper and mid back (back); the spine is the gap at the midline
    "interscapular": _shape(BACK, (8, 232), (34, 232), (34, 339), (8, 339)),
    "scapula": _shape(BACK, (36, 232), (80, 232), (78, 262), (68, 300), (40, 300), (36, 280)),
    "scapula_inferior_angle": _shape(BACK, (40, 303), (68, 303), (62, 326), (52, 340), (40, 330),
        radius=5),
    "shoulder_posterior": _shape(BACK, (82, 232), (140, 232), (142, 272), (84, 272), (82, 256)),
    "back_mid": _shape(BACK, (8, 342), (70, 342), (66, 398), (8, 398)),
    "low_back": _shape(BACK, (8, 400), (66, 400), (72, 440), (72, 456), (8, 456)),
    # pelvis (back)
    "sacroiliac": _shape(BACK, (16, 459), (38, 459), (30, 476), (17, 490), radius=4),
    "buttock": _shape(BACK, (44, 459), (74, 461), (80, 498), (76, 538), (60, 560), (26, 562),
        (13, 550), (13, 530), (22, 498), radius=10),
    # arm (back)
    "arm_posterior": _shape(BACK, (84, 274), (142, 274), (140, 392), (86, 392)),
    "elbow_posterior": _shape(BACK, (86, 394), (140, 394), (140, 424), (88, 424), radius=8),
    "forearm_dorsal": _shape(BACK, (88, 426), (140, 426), (136, 532), (92, 532), radius=8),
    "wrist_dorsal": _shape(BACK, (92, 534), (136, 534), (136, 553), (92, 553), radius=4),
    "hand_dorsal": _shape(BACK, (94, 555), (132, 555), (142, 561), (152, 598), (142, 606),
        (132, 604), (130, 660), (96, 656), (92, 606), radius=7),
    # thigh, knee, leg and foot (back)
    "thigh_posterior": _shape(BACK, (12, 565), (78, 565), (74, 608), (14, 608)),
    "knee_posterior": _shape(BACK, (16, 612), (74, 612), (72, 671), (19, 671), radius=10),
    "calf": _shape(BACK, (18, 675), (71, 675), (68, 740), (56, 797), (26, 797), (16, 730),
        radius=12),
    "heel": _shape(BACK, (27, 800), (55, 800), (58, 836), (50, 848), (32, 848), (24, 836)),
    "foot_plantar": _shape(BACK, (34, 866), (52, 864), (60, 880), (64, 904), (66, 926), (60, 940),
        (44, 946), (30, 942), (24, 930), (28, 912), (33, 892), radius=8),
}

#: Midline regions: the right half (u >= 0) from the top of the midline to the bottom of it.
MIDLINE_SHAPES: dict[str, Shape] = {
    "vertex": _shape(BACK, (0, 45), (16, 46), (32, 56), (40, 73), (0, 73), radius=8),
    "throat": _shape(FRONT, (0, 183), (8, 183), (8, 213), (0, 213), radius=3),
    "sternum": _shape(FRONT, (0, 216), (8, 216), (8, 321), (0, 321), radius=4),
    "perineum": _shape(FRONT, (0, 481), (10, 481), (10, 496), (0, 506), radius=4),
    "sacrum": _shape(BACK, (0, 459), (14, 459), (12, 486), (0, 503), radius=4),
    "coccyx": _shape(BACK, (0, 506), (7, 506), (5, 520), (0, 528), radius=3),
}

#: Faint outlines behind the regions: half a figure from the top of the head round to the crotch.
SILHOUETTE_HALF: dict[Panel, tuple[Point, ...]] = {
    FRONT: (
        (0, 42), (24, 44), (42, 54), (53, 72), (56, 100), (56, 130), (52, 158), (38, 174),
        (32, 180), (34, 200), (48, 210), (100, 214), (130, 219), (143, 232), (146, 262),
        (144, 392), (143, 426), (139, 532), (138, 554), (150, 562), (156, 598), (146, 610),
        (134, 606), (133, 662), (114, 663), (94, 659), (90, 606), (90, 555), (89, 532), (85, 426),
        (84, 394), (83, 310), (67, 302), (66, 322), (66, 400), (84, 440), (85, 480), (84, 550),
        (76, 610), (76, 672), (73, 680), (74, 750), (62, 800), (70, 856), (70, 874), (63, 878),
        (31, 880), (28, 883), (12, 883), (11, 858), (19, 828), (22, 800), (15, 730), (15, 675),
        (13, 612), (10, 520), (11, 500), (0, 508),
    ),
    BACK: (
        (0, 42), (24, 44), (42, 54), (50, 72), (51, 98), (62, 101), (64, 124), (58, 148),
        (46, 158), (32, 176), (30, 186), (58, 197), (108, 206), (134, 214), (143, 230), (146, 262),
        (144, 392), (143, 426), (139, 532), (138, 554), (146, 560), (156, 598), (146, 610),
        (134, 606), (133, 662), (114, 663), (94, 659), (90, 606), (90, 555), (89, 532), (85, 426),
        (84, 394), (83, 310), (72, 304), (72, 340), (68, 398), (74, 440), (83, 498), (78, 552),
        (76, 610), (76, 672), (74, 740), (60, 798), (61, 836), (52, 851), (30, 851), (21, 836),
        (23, 798), (14, 730), (14, 675), (12, 612), (10, 566), (0, 566),
    ),
}
# fmt: on

#: The "R"/"L" letters beside each figure: (on the viewer's left, on the viewer's right).
SIDE_MARKERS: dict[Panel, tuple[str, str]] = {FRONT: ("R", "L"), BACK: ("L", "R")}
MARKER_OFFSET = 172.0


# --- building paths ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChartRegion:
    """One clickable region of the chart."""

    id: str  # the drawing id, e.g. "temple_l"
    label: str  # the vocabulary label of the base region, e.g. "temple"
    panel: Panel
    path_d: str
    base: str = ""
    side: str = MIDLINE  # "left", "right" or "midline"

    @property
    def aria_label(self) -> str:
        """The accessible name: "temple (left)", "crown of the head (midline)"."""
        return f"{self.label} ({self.side})"

    @property
    def name(self) -> str:
        """A spoken name for announcements: "Left temple", "Crown of the head"."""
        return sided(self.label, self.side, leading=True)


def _fmt(value: float) -> str:
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _place(points: Iterable[Point], panel: Panel, outward: int) -> list[Point]:
    """Figure coordinates to SVG coordinates; ``outward`` is -1 (viewer's left) or +1."""
    centre = PANEL_CENTRE[panel]
    return [(centre + outward * u, y) for u, y in points]


def viewer_direction(panel: Panel, side: str) -> int:
    """-1 if ``side`` of the patient appears on the viewer's left in ``panel``, else +1."""
    if side not in ("left", "right"):
        raise ValueError(f"not a side: {side!r}")
    on_left = "right" if panel == FRONT else "left"
    return -1 if side == on_left else 1


def _mirror_closed(half: Sequence[Point]) -> list[Point]:
    """A closed outline from its right half (top of the midline round to the bottom of it)."""
    right = list(half)
    left = [(-u, y) for u, y in reversed(right) if u != 0]
    return right + left


def rounded_path(points: Sequence[Point], radius: float = DEFAULT_RADIUS) -> str:
    """A closed SVG path through ``points`` with corners rounded by quadratic curves.

    Every corner's control point is the corner itself, so all the numbers in the path stay
    inside the polygon's bounding box (which the tests rely on).
    """
    count = len(points)
    if count < 3:
        raise ValueError("a region needs at least three points")

    def toward(a: Point, b: Point, distance: float) -> Point:
        length = math.dist(a, b)
        if length == 0:
            return a
        return (a[0] + (b[0] - a[0]) * distance / length, a[1] + (b[1] - a[1]) * distance / length)

    corners: list[tuple[Point, Point, Point]] = []
    for index, vertex in enumerate(points):
        before, after = points[index - 1], points[(index + 1) % count]
        r = min(radius, math.dist(vertex, before) / 2, math.dist(vertex, after) / 2)
        corners.append((toward(vertex, before, r), vertex, toward(vertex, after, r)))

    def pt(p: Point) -> str:
        return f"{_fmt(p[0])} {_fmt(p[1])}"

    parts = [f"M{pt(corners[0][2])}"]
    for entry, vertex, leave in [*corners[1:], corners[0]]:
        parts.append(f"L{pt(entry)}")
        parts.append(f"Q{pt(vertex)} {pt(leave)}")
    parts.append("Z")
    return "".join(parts)


def _side_word(side: Any) -> str:
    return side_word(side) or MIDLINE


@cache
def body_chart_regions() -> tuple[ChartRegion, ...]:
    """Every drawing region, front panel first, each panel head to foot and viewer-left first."""
    knowledge = load_knowledge()
    regions: list[ChartRegion] = []
    for drawing in knowledge.drawing_regions:
        base = knowledge.region(drawing.base)
        side = _side_word(drawing.side)
        if side == MIDLINE:
            shape = MIDLINE_SHAPES[drawing.base]
            points = _place(_mirror_closed(shape.points), shape.panel, 1)
        else:
            shape = SIDED_SHAPES[drawing.base]
            points = _place(shape.points, shape.panel, viewer_direction(shape.panel, side))
        regions.append(
            ChartRegion(
                id=drawing.id,
                label=base.label,
                panel=shape.panel,
                path_d=rounded_path(points, shape.radius),
                base=drawing.base,
                side=side,
            )
        )
    base_order: dict[str, int] = {}
    for region in regions:
        base_order.setdefault(region.base, len(base_order))

    def reading_order(region: ChartRegion) -> tuple[int, int, int]:
        # The knowledge base's head-to-foot order, the viewer's left side of each pair first.
        first = "right" if region.panel == FRONT else "left"
        return (PANELS.index(region.panel), base_order[region.base], region.side != first)

    return tuple(sorted(regions, key=reading_order))


@cache
def silhouette_paths() -> dict[Panel, str]:
    """The faint, non-interactive outline of each figure (the soles have none: they are regions)."""
    return {
        panel: rounded_path(_place(_mirror_closed(half), panel, 1), radius=8)
        for panel, half in SILHOUETTE_HALF.items()
    }


@cache
def region_ids() -> frozenset[str]:
    return frozenset(region.id for region in body_chart_regions())


def clean_region_ids(values: Iterable[str]) -> tuple[str, ...]:
    """Deduplicate submitted ids into chart order; raise ValueError naming any unknown id."""
    wanted = {value.strip() for value in values if value and value.strip()}
    unknown = sorted(wanted - region_ids())
    if unknown:
        raise ValueError(f"unknown body-chart region(s): {', '.join(unknown)}")
    return tuple(region.id for region in body_chart_regions() if region.id in wanted)


class ChartRows(list[dict[str, Any]]):
    """The template rows of :func:`chart_context`: a list of regions that also carries the rest
    of what ``charting/_body_chart.html`` draws (``viewbox``, ``panels``, ``selected``), so a
    view passes a single ``chart_regions`` variable."""

    viewbox: str
    panels: list[dict[str, Any]]

    @property
    def selected(self) -> list[dict[str, Any]]:
        return [row for row in self if row["selected"]]


def _panels(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    silhouettes = silhouette_paths()
    panels = []
    for panel in PANELS:
        centre = PANEL_CENTRE[panel]
        left, right = SIDE_MARKERS[panel]
        panels.append(
            {
                "panel": panel,
                "caption": PANEL_CAPTION[panel],
                "x": _fmt(centre),
                "silhouette": silhouettes[panel],
                "marker_left": left,
                "marker_right": right,
                "marker_left_x": _fmt(centre - MARKER_OFFSET),
                "marker_right_x": _fmt(centre + MARKER_OFFSET),
                "regions": [row for row in rows if row["panel"] == panel],
            }
        )
    return panels


@cache
def _region_rows() -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "id": region.id,
            "base": region.base,
            "label": region.label,
            "side": region.side,
            "panel": region.panel,
            "path_d": region.path_d,
            "aria_label": region.aria_label,
            "name": region.name,
        }
        for region in body_chart_regions()
    )


def chart_context(selected_ids: Iterable[str] = ()) -> ChartRows:
    """The regions as template rows, each with ``selected`` (unknown ids raise ValueError).

    Pass the result as ``chart_regions`` to ``charting/_body_chart.html``, with
    ``chart_input_name`` (the form field the checkboxes submit, one value per region) and
    ``chart_readonly``; optional ``chart_id`` (prefix of the element ids, default "bodychart")
    and ``chart_title`` (default "Pain drawing").
    """
    selected = set(clean_region_ids(selected_ids))
    rows = ChartRows({**row, "selected": row["id"] in selected} for row in _region_rows())
    x0, y0, width, height = VIEWBOX
    rows.viewbox = f"{x0} {y0} {width} {height}"
    rows.panels = _panels(rows)
    return rows
