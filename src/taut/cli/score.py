"""`taut score`: score one completed questionnaire, rating or measurement."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinical.measures import Context, Instrument, Mcid, McidUnit
from taut.clinical.outcomes import Answer, Score, ScoringError, resolve_instrument, score_instrument
from taut.clinical.records import KnowledgeError

UNANSWERED = "-"


class AnswerError(ValueError):
    """An --answers entry that is not a number or `-`."""


def main(argv: list[str]) -> int:
    args = _parser().parse_args(_glue_answers(argv))
    try:
        knowledge = load_knowledge()
        instrument = resolve_instrument(args.instrument, knowledge=knowledge)
        answers = parse_answers(args.answers)
        score = score_instrument(instrument.id, answers, knowledge=knowledge)
    except KnowledgeError as error:
        print(f"taut score: knowledge base is invalid: {error}", file=sys.stderr)
        return 1
    except UnknownIdError as error:
        known = ", ".join(i.id for i in load_knowledge().instruments)
        print(f"taut score: {error}; known instruments: {known}", file=sys.stderr)
        return 2
    except (AnswerError, ScoringError) as error:
        print(f"taut score: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(as_json(score, instrument), indent=2, ensure_ascii=False))
    else:
        print(as_text(score, instrument))
    return 0


def parse_answers(text: str) -> list[Answer]:
    """`3,2,-,4` -> [3, 2, None, 4]; whole numbers stay ints."""
    answers: list[Answer] = []
    for number, raw in enumerate(text.split(","), start=1):
        entry = raw.strip()
        if entry == UNANSWERED:
            answers.append(None)
            continue
        if not entry:
            raise AnswerError(f"item {number}: empty answer (write {UNANSWERED} for unanswered)")
        try:
            answers.append(int(entry))
        except ValueError:
            try:
                answers.append(float(entry))
            except ValueError:
                raise AnswerError(f"item {number}: {entry!r} is not a number") from None
    return answers


def as_json(score: Score, instrument: Instrument) -> dict[str, Any]:
    return {
        **score.as_dict(),
        "name": instrument.name,
        "mcids": [_mcid(mcid) for mcid in instrument.mcids],
        "scoring": {
            "note": instrument.scoring.note,
            "source": list(instrument.scoring.source),
            "evidence": instrument.scoring.evidence.value,
        },
    }


def as_text(score: Score, instrument: Instrument) -> str:
    direction = score.direction.value.replace("_", " ")
    unit = "%" if score.unit == "percent" else f" {score.unit}"
    scale = f"{_number(score.scale_min)} to {_number(score.scale_max)}{unit}"
    answered = score.items_answered
    line = (
        f"{instrument.abbreviation} {score.score:.{score.places}f} on {scale} ({direction}); "
        f"{answered} of {answered + score.items_missing} answered"
    )
    lines = [line + (f"; {score.band}" if score.band else "")]
    if score.thresholds_met:
        lines.append("Reaches: " + "; ".join(score.thresholds_met))
    if instrument.mcids:
        changes = "; ".join(_mcid_text(mcid) for mcid in instrument.mcids)
        lines.append(f"Minimal important change: {changes}")
    return "\n".join(lines)


def _mcid(mcid: Mcid) -> dict[str, Any]:
    return {
        "value": _plain(mcid.value),
        "value_max": None if mcid.value_max is None else _plain(mcid.value_max),
        "unit": mcid.unit.value,
        "context": mcid.context.value,
        "population": mcid.population,
        "source": list(mcid.source),
        "evidence": mcid.evidence.value,
        "note": mcid.note,
    }


def _mcid_text(mcid: Mcid) -> str:
    value = _number(mcid.value)
    if mcid.value_max is not None:
        value += f"-{_number(mcid.value_max)}"
    value += "% change" if mcid.unit is McidUnit.PERCENT_CHANGE else " points"
    if mcid.context is Context.BETWEEN_GROUPS:
        value += " between groups"
    return f"{value} ({mcid.population}; {', '.join(mcid.source)}, {mcid.evidence.value})"


def _number(value: float) -> str:
    return str(_plain(value))


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _glue_answers(argv: list[str]) -> list[str]:
    """`--answers -,3,4` -> `--answers=-,3,4`: argparse would read `-,3,4` as an option."""
    glued: list[str] = []
    rest = iter(argv)
    for arg in rest:
        if arg == "--answers":
            value = next(rest, None)
            glued.append(arg if value is None else f"--answers={value}")
        else:
            glued.append(arg)
    return glued


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taut score",
        description="Score one completed questionnaire, rating or measurement with the "
        "instrument's published rules (`taut knowledge show instruments` lists them).",
        epilog="Answers are coded as published: QuickDASH and DASH 1-5, ODI and NDI 0-5, "
        "LEFS 0-4, HIT-6 the response points 6/8/10/11/13, PSFS 0-10 per activity, NPRS 0-10, "
        "Kujala the points of the chosen option. Unscorable input exits with status 2.",
    )
    parser.add_argument(
        "instrument", help="instrument id or abbreviation, any case (quickdash, HIT-6, ndi)"
    )
    parser.add_argument(
        "--answers",
        required=True,
        help=f"comma-separated item responses in item order, {UNANSWERED} for an unanswered item",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    return parser
