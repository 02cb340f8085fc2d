"""The body chart's ~130 regions as markup, each built once per process in each of its states.

Rendering every region through the template engine cost more than the rest of the charting page;
a region's markup depends only on the knowledge data and on whether it is marked, so each
variant is built once (with `format_html`, which escapes every value) and a page joins strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from taut.charting.bodychart import ChartRegion, body_chart_regions

register = template.Library()

MARKED = {"fill": "url(#taut-bodychart-hatch)", "stroke": "#5c0f0a", "width": "2.5"}
UNMARKED = {"fill": "#ffffff", "stroke": "#6b7b8c", "width": "1"}


@register.simple_tag
def region_paths(rows: Iterable[dict[str, Any]], readonly: bool) -> SafeString:
    """The <path> of each region row (as `chart_context` gives them), marked where selected."""
    return mark_safe("".join(_path(row["id"], row["selected"], bool(readonly)) for row in rows))  # noqa: S308 - joined format_html output


@register.simple_tag
def region_options(rows: Iterable[dict[str, Any]], chart_id: str, input_name: str) -> SafeString:
    """The list alternative to the drawing: one checkbox per region row, checked where selected."""
    return mark_safe(  # noqa: S308 - joined format_html output
        "".join(_option(row["id"], row["selected"], chart_id, input_name) for row in rows)
    )


@lru_cache(maxsize=1)
def _regions() -> dict[str, ChartRegion]:
    return {region.id: region for region in body_chart_regions()}


@lru_cache(maxsize=1024)
def _path(region_id: str, selected: bool, readonly: bool) -> str:
    region = _regions()[region_id]
    look = MARKED if selected else UNMARKED
    interactive = ""
    if not readonly:
        interactive = format_html(
            ' id="region-{}" tabindex="0" role="checkbox" aria-checked="{}" aria-label="{}"'
            ' data-name="{}"',
            region.id,
            "true" if selected else "false",
            region.aria_label,
            region.name,
        )
    return format_html(
        '<path{} data-region="{}" class="region{}" d="{}" fill="{}" stroke="{}" stroke-width="{}">'
        "<title>{}</title></path>\n",
        interactive,
        region.id,
        " selected" if selected else "",
        region.path_d,
        look["fill"],
        look["stroke"],
        look["width"],
        region.aria_label,
    )


@lru_cache(maxsize=2048)
def _option(region_id: str, selected: bool, chart_id: str, input_name: str) -> str:
    region = _regions()[region_id]
    return format_html(
        '<li><label><input type="checkbox" name="{}" value="{}" id="{}-option-{}"{}> {}'
        "</label></li>\n",
        input_name,
        region.id,
        chart_id,
        region.id,
        mark_safe(" checked") if selected else "",  # noqa: S308 - a constant
        region.aria_label,
    )
