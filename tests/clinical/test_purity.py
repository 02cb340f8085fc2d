"""The clinical core stays pure: importing any of it never imports Django."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import taut.clinical

SRC = Path(taut.clinical.__file__).resolve().parents[2]


def test_importing_every_clinical_module_does_not_import_django():
    modules = [
        info.name for info in pkgutil.walk_packages(taut.clinical.__path__, prefix="taut.clinical.")
    ]
    assert "taut.clinical.referral" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(leaked))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == ""
