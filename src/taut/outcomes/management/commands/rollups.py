from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taut.clinics.models import Clinic
from taut.outcomes.rollups import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the outcomes dashboard's roll-ups from the clinical records: "
        "`taut rollups` for every clinic, `taut rollups --clinic SLUG` for one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", help="the clinic's slug (default: every clinic)")

    def handle(self, *args: Any, **options: Any) -> None:
        clinics = Clinic.objects.order_by("pk")
        if options["clinic"]:
            clinics = clinics.filter(slug=options["clinic"])
            if not clinics.exists():
                raise CommandError(f"No clinic has the slug {options['clinic']!r}.")
        for clinic in clinics:
            self.stdout.write(f"Rebuilding the roll-ups of {clinic.name} ({clinic.slug})…")
            began = time.perf_counter()
            result = rebuild(clinic.pk, progress=lambda step: self.stdout.write(f"  {step}"))
            self.stdout.write(
                self.style.SUCCESS(
                    f"  {result['tallies']:,} tally rows and {result['courses']:,} courses of "
                    f"{result['patients']:,} patients in {time.perf_counter() - began:.1f} s."
                )
            )
