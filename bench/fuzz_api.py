"""The long schemathesis run against the REST API (`make fuzz`).

    .venv/bin/python bench/fuzz_api.py [cases per operation and mode, default 200]

Runs tests/api/test_fuzz.py with TAUT_FUZZ_EXAMPLES set: every operation of /api/v1/openapi.json,
valid and schema-violating cases, checked for no 5xx and responses that match the document. Set
DATABASE_URL to fuzz against PostgreSQL. Prints the figures; exits non-zero on any failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EXAMPLES = 200


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_EXAMPLES
    env = {**os.environ, "TAUT_TESTING": "1", "TAUT_FUZZ_EXAMPLES": str(examples)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/api/test_fuzz.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    passed = re.search(r"(\d+) passed", summary)
    failed = re.search(r"(\d+) failed", summary)
    runs = int(passed.group(1) if passed else 0) + int(failed.group(1) if failed else 0)
    print(f"database: {os.environ.get('DATABASE_URL', 'SQLite').split('@')[-1]}")
    print(f"operations fuzzed: {runs}, up to {examples} valid and {examples} invalid cases each")
    print(f"result: {summary}")
    print(f"elapsed: {elapsed:.0f} s")
    if result.returncode != 0:
        print(result.stdout[-20000:])
        print(result.stderr[-5000:], file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
