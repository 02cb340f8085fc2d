from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taut.audit.sealing import audit_seal_pending
from taut.audit.verification import DEFAULT_GRACE, VerificationResult, audit_chain_verify


class Command(BaseCommand):
    help = (
        "Work with the audit log. `taut audit seal` links every written entry into its clinic's "
        "chain (the worker does this every few seconds); `taut audit verify` checks every entry, "
        "every chain, and names entries that were never sealed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "subcommand", choices=["verify", "seal"], help="verify: check the log; seal: seal now"
        )
        parser.add_argument(
            "--grace-minutes",
            type=float,
            default=DEFAULT_GRACE.total_seconds() / 60,
            help="verify: an entry older than this without a seal is reported (default 10)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "seal":
            sealed = audit_seal_pending()
            self.stdout.write(self.style.SUCCESS(f"Sealed {sealed} audit entries."))
            return
        result = audit_chain_verify(grace=timedelta(minutes=options["grace_minutes"]))
        if not result.ok:
            raise CommandError(" ".join(_problems(result)))
        self.stdout.write(self.style.SUCCESS(_intact(result)))


def _intact(result: VerificationResult) -> str:
    line = (
        f"Audit log intact: {result.entries_checked} entries sealed in "
        f"{result.chains_checked} chains."
    )
    if result.awaiting_seal:
        line += (
            f" {result.awaiting_seal} newer entries await the sealer (within the "
            f"{_minutes(result.grace)} grace period)."
        )
    return line


def _problems(result: VerificationResult) -> list[str]:
    problems = []
    broken = result.first_break
    if broken is not None:
        place = f"sequence {broken.sequence}" if broken.sequence is not None else "not yet sealed"
        problems.append(
            f"Audit chain {broken.chain_key} is broken at entry {broken.entry_id} "
            f"({place}): {broken.reason}."
        )
    if result.never_sealed:
        problems.append(
            f"{len(result.never_sealed)} entries were never sealed (older than the "
            f"{_minutes(result.grace)} grace period; is `taut worker` running?): "
            f"{_id_ranges(result.never_sealed)}."
        )
    return problems


def _minutes(grace: timedelta) -> str:
    return f"{grace.total_seconds() / 60:g}-minute"


def _id_ranges(ids: Iterable[int]) -> str:
    """Entry ids as compact ranges: 3, 5-9, 12."""
    ranges: list[list[int]] = []
    for entry_id in sorted(ids):
        if ranges and entry_id == ranges[-1][1] + 1:
            ranges[-1][1] = entry_id
        else:
            ranges.append([entry_id, entry_id])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)
