"""`taut screen FILE.json [--json]`: screen an intake file for contraindications (docs/intake.md).

Exit codes: 0 the intake was screened, whatever it found (a contraindicated result is still 0;
`blocked` in the JSON and the report's first line say so); 2 the file cannot be read or is not
a valid intake (the message on stderr names the field and the reason); 1 the knowledge base is
invalid.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Iterable

from taut.clinical.knowledge import Knowledge, load_knowledge
from taut.clinical.practice import Level
from taut.clinical.records import KnowledgeError
from taut.clinical.screening import Finding, IntakeError, Screening, read_intake, screen

HEADINGS = {
    Level.CONTRAINDICATED: "CONTRAINDICATED: no needling at all",
    Level.PRECAUTION: "PRECAUTIONS: acknowledge each before needling",
    Level.LIMIT: "LIMITS: these regions and techniques are refused",
}
WIDTH = 100


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        knowledge = load_knowledge()
        screening = _screen_file(args.file, knowledge)
    except KnowledgeError as error:
        print(f"taut screen: knowledge base is invalid: {error}", file=sys.stderr)
        return 1
    except _BadFile as error:
        print(f"taut screen: {args.file}: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(screening.to_json(), indent=2, ensure_ascii=False))
    else:
        print(report(screening, knowledge))
    return 0


class _BadFile(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taut screen",
        description="Screen an intake file (JSON: as_of, facts, optional plan; see docs/intake.md) "
        "against the cited contraindication rules. Exit 0 when screened (even if blocked), "
        "2 for a bad file.",
    )
    parser.add_argument("file", help="the intake JSON file, or - for standard input")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    return parser


def _screen_file(path: str, knowledge: Knowledge) -> Screening:
    try:
        text = sys.stdin.read() if path == "-" else _read(path)
        intake = read_intake(json.loads(text))
        return screen(intake.facts, as_of=intake.as_of, plan=intake.plan, knowledge=knowledge)
    except json.JSONDecodeError as error:
        raise _BadFile(f"not valid JSON: {error}") from None
    except IntakeError as error:
        raise _BadFile(str(error)) from None


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise _BadFile(f"cannot read the file: {error}") from None


# --- the readable report ------------------------------------------------------------------------


def report(screening: Screening, knowledge: Knowledge) -> str:
    lines = [f"Screening as of {screening.as_of.isoformat()}: {_verdict(screening)}."]
    if screening.plan is not None:
        regions = ", ".join(screening.plan.regions) or "none"
        techniques = ", ".join(screening.plan.techniques) or "none"
        lines.append(f"Plan: regions {regions}; techniques {techniques}.")
    for level, findings in screening.by_level().items():
        if findings:
            lines += ["", f"{HEADINGS[level]} ({len(findings)})"]
            lines += [line for finding in findings for line in _finding(finding)]
    if not screening.findings:
        lines.append("No findings.")
    lines += _sources(screening.findings, knowledge)
    return "\n".join(lines)


def _verdict(screening: Screening) -> str:
    if screening.blocked:
        return "BLOCKED, do not needle"
    counts = f"{len(screening.precautions)} precaution(s) to acknowledge"
    return f"not blocked; {counts}, {len(screening.limits)} limit(s)"


def _finding(finding: Finding) -> list[str]:
    folded = "" if finding.relevant else "  [outside the plan]"
    applies = finding.applies_to
    where = applies if isinstance(applies, str) else ", ".join(applies)
    lines = [f"  {finding.code}{folded}", *_wrapped("", finding.message)]
    lines += _wrapped("applies to: ", where)
    if finding.sites:
        lines += _wrapped("sites: ", ", ".join(finding.sites))
    if finding.muscles:
        lines += _wrapped("muscles: ", ", ".join(finding.muscles))
    lines += _wrapped("action: ", finding.action)
    lines += _wrapped("source: ", f"{', '.join(finding.source)} ({finding.evidence.value})")
    return lines


def _wrapped(label: str, text: str) -> list[str]:
    return textwrap.wrap(
        label + text,
        WIDTH,
        initial_indent="    ",
        subsequent_indent="      ",
        break_on_hyphens=False,
    )


def _sources(findings: Iterable[Finding], knowledge: Knowledge) -> list[str]:
    keys = sorted({key for finding in findings for key in finding.source})
    if not keys:
        return []
    lines = ["", "SOURCES"]
    for key in keys:
        lines += textwrap.wrap(
            f"{key}: {knowledge.source(key).for_clinicians}",
            WIDTH,
            initial_indent="  ",
            subsequent_indent="    ",
        )
    return lines
