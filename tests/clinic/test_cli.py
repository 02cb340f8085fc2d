from __future__ import annotations

import subprocess
import sys

import pytest

from taut.cli import main


def test_taut_without_arguments_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    for command in ("suggest", "screen", "score", "knowledge", "run", "demo", "createowner"):
        assert command in out


@pytest.mark.parametrize("command", ["run", "demo", "migrate", "createowner", "audit"])
def test_each_clinic_command_explains_itself(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "taut.cli", command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: taut" in result.stdout


def test_createowner_creates_a_clinic_and_its_owner(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    from taut.clinics.models import Membership

    monkeypatch.setenv("TAUT_OWNER_PASSWORD", "a-strong-owner-passphrase")
    call_command(
        "createowner",
        "--clinic",
        "Rocky Mountain Needling",
        "--jurisdiction",
        "us-co",
        "--time-zone",
        "America/Denver",
        "--username",
        "rmowner",
        "--email",
        "rm@example.com",
    )
    membership = Membership.objects.get(user__username="rmowner")
    assert membership.role == "owner" and membership.clinic.jurisdiction == "US-CO"
    assert "Created Rocky Mountain Needling" in capsys.readouterr().out


def test_createowner_refuses_a_weak_password(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("TAUT_OWNER_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password refused"):
        call_command(
            "createowner",
            "--clinic",
            "X",
            "--jurisdiction",
            "US-CO",
            "--username",
            "x",
            "--email",
            "x@example.com",
        )


def test_output_cut_short_by_the_reader_ends_quietly() -> None:
    """`taut suggest ... | head` must not print a traceback when head stops reading."""
    command = [
        sys.executable,
        "-m",
        "taut.cli",
        "suggest",
        "--regions",
        "temple_l,occiput_l",
        "--json",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader goes away before the first line, as `head` may
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in stderr
