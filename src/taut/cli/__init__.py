"""The `taut` command.

Commands that only need the clinical core (`suggest`, `screen`, `score`, `knowledge`) run without
Django, so they start fast and work without a database. Every other command is a Django management
command (`run`, `demo`, `migrate`, `createowner`, `audit`, ...), so `taut X --help` works for all.
"""

from __future__ import annotations

import importlib
import os
import sys

# Each module named here exposes `main(argv: list[str]) -> int`.
PURE_COMMANDS = {
    "suggest": "taut.cli.suggest",
    "knowledge": "taut.cli.knowledge",
    "screen": "taut.cli.screen",
    "score": "taut.cli.score",
}

USAGE = """usage: taut COMMAND [options]

Clinical commands (no database needed):
  suggest      rank muscles whose referral patterns explain a pain drawing
  screen       screen an intake file for contraindications
  score        score a completed questionnaire
  knowledge    check or show the cited knowledge base

Clinic commands:
  run          set up (migrate, seed the demo when empty) and serve on 127.0.0.1:8000
  demo         seed the demo clinic
  migrate      apply database migrations
  createowner  create a clinic and its owner account
  audit        verify the audit log's hash chain
  ...          any Django management command (`taut help` lists them)

`taut COMMAND --help` explains each command.
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(USAGE)
        return 0
    command, rest = args[0], args[1:]
    try:
        if command in PURE_COMMANDS:
            module = importlib.import_module(PURE_COMMANDS[command])
            return int(module.main(rest))
        return _run_django(command, rest)
    except BrokenPipeError:
        # The reader went away (`taut suggest ... | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run_django(command: str, rest: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taut.clinic.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["taut", command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
