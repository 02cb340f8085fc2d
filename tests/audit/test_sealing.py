"""The sealer against real processes and threads: a writer killed after its INSERT, sealers that
run at the same time, the worker's sealing loop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections

from taut.audit.models import Action, AuditEntry, AuditSeal
from taut.audit.sealing import audit_seal_pending, seal_every
from taut.audit.services import audit_record
from taut.audit.verification import audit_chain_verify

pytestmark = pytest.mark.django_db(transaction=True)

WRITER = """
import time
import django

django.setup()
from taut.audit.models import Action
from taut.audit.services import audit_record

entry = audit_record(request=None, actor=None, clinic=None, action=Action.FAILED_LOGIN,
                     object_type="user", object_id="", detail={"username": "killed"})
print(entry.pk, flush=True)
time.sleep(120)  # killed here, between its INSERT and any seal
"""


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}"
        f"/{settings['NAME']}"
    )


def _entry(n: int) -> AuditEntry:
    return audit_record(
        request=None,
        actor=None,
        clinic=None,
        action=Action.VIEW,
        object_type="patient_search",
        object_id="",
        detail={"n": n},
    )


def test_an_entry_whose_writer_was_killed_after_its_insert_is_sealed_and_verifies() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "taut.clinic.settings",
        "TAUT_TESTING": "1",
        "DATABASE_URL": _database_url(),
    }
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        entry_id = int(writer.stdout.readline())
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    assert not AuditSeal.objects.filter(entry_id=entry_id).exists()
    assert audit_chain_verify(grace=timedelta(0)).never_sealed == (entry_id,)

    assert audit_seal_pending() == 1

    result = audit_chain_verify(grace=timedelta(0))
    assert result.ok and result.entries_checked == 1
    assert AuditEntry.objects.get(pk=entry_id).detail == {"username": "killed"}


def _in_thread(work: Any) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_sealers_running_at_once_build_one_unbroken_chain() -> None:
    def write() -> None:
        for n in range(60):
            _entry(n)

    def seal() -> None:
        for _ in range(15):
            audit_seal_pending(batch=7)

    threads = [_in_thread(write), _in_thread(seal), _in_thread(seal)]
    for thread in threads:
        thread.join(timeout=120)
    audit_seal_pending()
    result = audit_chain_verify(grace=timedelta(0))
    assert result.ok and result.entries_checked == 60
    sequences = sorted(AuditSeal.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 61))


# libfaketime (CI's shifted-clock runs) moves the monotonic clock that a thread's timed wait
# measures its deadline on, but not the kernel's wait itself: a 0.05 s Event.wait lasts the
# offset (two years), so the loop's second round never comes. The loop is tested on the real clock.
UNDER_FAKETIME = "faketime" in os.environ.get("LD_PRELOAD", "")


@pytest.mark.skipif(UNDER_FAKETIME, reason="libfaketime stretches timed thread waits")
def test_the_workers_sealing_loop_seals_what_requests_write() -> None:
    stop = threading.Event()
    loop = _in_thread(lambda: seal_every(0.05, stop))
    try:
        entry = _entry(1)
        deadline = time.monotonic() + 90  # generous: CI's machine is shared and loaded
        while not AuditSeal.objects.filter(entry=entry).exists():
            assert time.monotonic() < deadline, "the sealing loop did not seal the entry"
            time.sleep(0.05)
    finally:
        stop.set()
        loop.join(timeout=20)
    assert not loop.is_alive()
    assert audit_chain_verify(grace=timedelta(0)).ok


def test_the_worker_run_from_cron_seals_what_is_waiting() -> None:
    from django.core.management import call_command

    entry = _entry(1)
    call_command("worker", batch=True, interval=0)
    assert AuditSeal.objects.filter(entry=entry).exists()
