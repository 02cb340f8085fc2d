from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from taut.clinics.services import ClinicError, clinic_create_with_owner


class Command(BaseCommand):
    help = (
        "Create a clinic and its owner account. The password is read from TAUT_OWNER_PASSWORD "
        "or asked for at the prompt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", required=True, help="the clinic's name")
        parser.add_argument("--slug", help="short name for URLs (default: from the name)")
        parser.add_argument("--time-zone", default="UTC", help="e.g. America/Denver")
        parser.add_argument("--jurisdiction", required=True, help="e.g. US-CO or CA-AB")
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("TAUT_OWNER_PASSWORD") or self._ask_password()
        try:
            validate_password(password)
        except ValidationError as invalid:
            raise CommandError("Password refused: " + " ".join(invalid.messages)) from invalid
        try:
            membership = clinic_create_with_owner(
                name=options["clinic"],
                slug=options["slug"] or slugify(options["clinic"]),
                time_zone=options["time_zone"],
                jurisdiction=options["jurisdiction"].upper(),
                username=options["username"],
                email=options["email"],
                password=password,
            )
        except (ClinicError, ValidationError) as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {membership.clinic.name} with owner {membership.user.get_username()}."
            )
        )

    def _ask_password(self) -> str:
        first = getpass.getpass("Owner password: ")
        if first != getpass.getpass("Again: "):
            raise CommandError("The passwords differ.")
        return first
