"""`taut suggest`: rank the muscles whose referral patterns explain a pain drawing."""

from __future__ import annotations

import argparse
import json
import sys

from taut.cli.knowledge import format_table
from taut.clinical.knowledge import KnowledgeError
from taut.clinical.referral import Suggestion, UnknownRegionError, rank_muscles


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    regions = [region.strip() for region in args.regions.split(",") if region.strip()]
    try:
        suggestions = rank_muscles(regions, top=args.top)
    except UnknownRegionError as error:
        print(f"taut suggest: {error}", file=sys.stderr)
        return 2
    except KnowledgeError as error:
        print(f"taut suggest: knowledge base is invalid: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([suggestion.as_dict() for suggestion in suggestions], indent=2))
    else:
        print(_table(suggestions))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taut suggest",
        description="Rank muscles whose trigger-point referral patterns explain a pain drawing. "
        "An aid to examination, not a diagnosis: screen for radicular, joint and visceral "
        "causes first.",
    )
    parser.add_argument(
        "--regions",
        required=True,
        help="comma-separated drawing region ids, e.g. temple_l,occiput_l "
        "(`taut knowledge show regions` lists them)",
    )
    parser.add_argument("--top", type=_non_negative, default=10, help="how many (default 10)")
    parser.add_argument("--json", action="store_true", help="print a JSON list, best first")
    return parser


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _table(suggestions: list[Suggestion]) -> str:
    if not suggestions:
        return "No muscle's referral pattern covers these regions."
    rows: list[tuple[str, ...]] = [
        ("#", "muscle", "side", "score", "coverage", "matched", "source")
    ]
    for rank, suggestion in enumerate(suggestions, start=1):
        matched = ", ".join(f"{region} ({kind.value})" for region, kind in suggestion.matched)
        rows.append(
            (
                str(rank),
                suggestion.muscle,
                suggestion.side.value,
                f"{suggestion.score:.3f}",
                f"{suggestion.coverage:.0%}",
                matched,
                suggestion.source,
            )
        )
    return format_table(rows)
