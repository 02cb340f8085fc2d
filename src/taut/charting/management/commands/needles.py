from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taut.charting.selectors import lot_trace


class Command(BaseCommand):
    help = (
        "Needle stock. `taut needles trace LOT` lists every session and patient a lot was used on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["trace"])
        parser.add_argument("lot", help="the lot number printed on the box")

    def handle(self, *args: Any, **options: Any) -> None:
        uses = lot_trace(lot_number=options["lot"])
        if not uses:
            raise CommandError(f"Lot {options['lot']} was not used in any session.")
        self.stdout.write(f"Lot {options['lot']}: {len(uses)} use(s)")
        self.stdout.write(f"{'date':<11} {'clinic':<28} {'patient':<28} {'muscle':<24} needles")
        for entry in uses:
            session = entry.session
            self.stdout.write(
                f"{session.date_of_service!s:<11} {session.clinic.name[:27]:<28} "
                f"{session.patient.full_name[:27]:<28} {entry.muscle}_{entry.side:<22} "
                f"{entry.needles_in}"
            )
