from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taut.audit.verification import audit_chain_verify


class Command(BaseCommand):
    help = "Work with the audit log. `taut audit verify` checks every hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify"], help="verify: check the chains")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify()
        if not result.ok:
            broken = result.first_break
            assert broken is not None  # noqa: S101
            raise CommandError(
                f"Audit chain {broken.chain_key} is broken at entry {broken.entry_id} "
                f"(sequence {broken.sequence}): {broken.reason}."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit log intact: {result.entries_checked} entries in "
                f"{result.chains_checked} chains."
            )
        )
