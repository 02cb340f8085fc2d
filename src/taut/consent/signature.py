"""Signatures arrive as strokes of points; Taut draws the SVG itself, so no uploaded markup is kept.

The signature pad sends JSON: a list of strokes, each a list of [x, y] points inside the pad.
"""

from __future__ import annotations

import json

PAD_WIDTH, PAD_HEIGHT = 600, 200
MAX_BYTES = 100_000
MAX_POINTS = 5_000
MIN_POINTS = 10


class SignatureError(ValueError):
    """The signature cannot be accepted; the message says why, for the signer."""


def _stroke_points(stroke: object) -> list[tuple[float, float]]:
    if not isinstance(stroke, list):
        raise SignatureError("The signature is not in the expected form; please sign again.")
    points = []
    for point in stroke:
        if (
            not isinstance(point, list)
            or len(point) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
        ):
            raise SignatureError("The signature is not in the expected form; please sign again.")
        x, y = float(point[0]), float(point[1])
        if not (0 <= x <= PAD_WIDTH and 0 <= y <= PAD_HEIGHT):
            raise SignatureError("The signature goes outside the signing box; please sign again.")
        points.append((round(x, 1), round(y, 1)))
    return points


def signature_strokes(raw: str) -> list[list[tuple[float, float]]]:
    if len(raw.encode()) > MAX_BYTES:
        raise SignatureError("The signature is too large; please sign again more simply.")
    try:
        data = json.loads(raw or "[]")
    except (json.JSONDecodeError, RecursionError) as broken:  # "[[[[…" nests past the stack
        raise SignatureError("The signature could not be read; please sign again.") from broken
    if not isinstance(data, list):
        raise SignatureError("The signature is not in the expected form; please sign again.")
    strokes = [_stroke_points(stroke) for stroke in data]
    total = sum(len(s) for s in strokes)
    if total < MIN_POINTS:
        raise SignatureError("Please draw your signature in the box.")
    if total > MAX_POINTS:
        raise SignatureError("The signature is too large; please sign again more simply.")
    return strokes


def signature_svg(strokes: list[list[tuple[float, float]]]) -> str:
    paths = []
    for stroke in strokes:
        if not stroke:
            continue
        (x0, y0), rest = stroke[0], stroke[1:] or [stroke[0]]
        commands = f"M{x0} {y0} " + " ".join(f"L{x} {y}" for x, y in rest)
        paths.append(f'<path d="{commands}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PAD_WIDTH} {PAD_HEIGHT}" '
        f'width="{PAD_WIDTH / 2}" height="{PAD_HEIGHT / 2}" role="img" aria-label="Signature">'
        f'<g fill="none" stroke="#111" stroke-width="2.5" stroke-linecap="round" '
        f'stroke-linejoin="round">{"".join(paths)}</g></svg>'
    )
