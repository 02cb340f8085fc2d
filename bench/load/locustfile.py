"""Mixed clinic traffic for `bench/bench_load.py` (locust, headless).

Each simulated user has its own browser session of the demo clinician (signed in through the login
form by the orchestrator before the run), and searches patients,
opens patient records and treatment-session pages, adds needling entries (htmx, as the charting
screen does) and books appointments (finds free times, then picks one), with /healthz, the
framework floor, in the same mix so that it is measured under the same load.

A refused booking (another user took the slot a moment earlier) is a correct answer, counted
apart from errors. Every write the server acknowledged is appended to LOAD_ACKS (JSON lines) so
the orchestrator can check afterwards that it is in the database.

Environment: LOAD_FIXTURE (the prepare step's JSON: sessions, patients, lots...), LOAD_ACKS,
LOAD_WAIT (think time).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import sys
import urllib.parse
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import entry_form, entry_key, proxy_headers  # noqa: E402

FIXTURE: dict[str, Any] = json.loads(Path(os.environ["LOAD_FIXTURE"]).read_text())
ACKS = Path(os.environ["LOAD_ACKS"]).open("a", buffering=1)  # noqa: SIM115 - open for the run
KEYS = itertools.count(int(os.environ.get("LOAD_KEY_OFFSET", "0")))
USERS = itertools.count()
SLOT = re.compile(r'name="slot" value="([^"]+)"')
APPOINTMENT = re.compile(r"/schedule/appointments/([0-9a-f-]{36})/")
OUTCOMES = {"booked": 0, "refused": 0, "entries": 0, "entries_refused": 0}
# Think time between a user's requests, in seconds: "0.5-1.5" (default) or "0" (none: each user
# sends its next request as soon as the last one is answered, which measures throughput).
WAIT = os.environ.get("LOAD_WAIT", "0.5-1.5")


def _wait_time() -> Any:
    low, _, high = WAIT.partition("-")
    return between(float(low), float(high)) if high else constant(float(low))


def acknowledge(kind: str, **record: Any) -> None:
    ACKS.write(json.dumps({"kind": kind, **record}) + "\n")


@events.quitting.add_listener
def _report(environment: Any, **_: Any) -> None:
    Path(os.environ["LOAD_ACKS"] + ".outcomes").write_text(json.dumps(OUTCOMES))


class ClinicUser(HttpUser):
    wait_time = _wait_time()

    def on_start(self) -> None:
        # Signed in before the run (argon2 sign-ins are slow on purpose and not page traffic).
        index = next(USERS)
        login = FIXTURE["logins"][index % len(FIXTURE["logins"])]
        self.client.headers.update(proxy_headers(self.host or ""))
        host = urllib.parse.urlsplit(self.host or "").hostname or "127.0.0.1"
        for name, value in login.items():
            self.client.cookies.set(name, value, domain=host, path="/")
        mine = random.Random(index)  # noqa: S311 - traffic shape, not security
        self.rng = mine
        self.session = FIXTURE["sessions"][index % len(FIXTURE["sessions"])]

    def _csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))

    @task(3)
    def search_patients(self) -> None:
        query = self.rng.choice(FIXTURE["search"])
        self.client.get(f"/patients/?q={query}", name="search patients")

    @task(3)
    def open_patient(self) -> None:
        patient = self.rng.choice(FIXTURE["patients"])
        self.client.get(f"/patients/{patient}/", name="patient record")

    @task(3)
    def open_chart(self) -> None:
        s = self.rng.choice(FIXTURE["sessions"])
        self.client.get(f"/chart/{s['patient']}/sessions/{s['session']}/", name="open chart")

    @task(2)
    def add_entry(self) -> None:
        s = self.session
        key = next(KEYS)
        data = entry_form(
            lot=self.rng.choice(FIXTURE["lots"]),
            muscle=self.rng.choice(FIXTURE["muscles"]),
            key=key,
        )
        data["csrfmiddlewaretoken"] = self._csrf()
        insertions, depth = entry_key(key)
        with self.client.post(
            f"/chart/{s['patient']}/sessions/{s['session']}/entries/",
            data=data,
            headers={"HX-Request": "true"},
            name="add needling entry",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif f"{depth} mm, {insertions} ×" in response.text:
                OUTCOMES["entries"] += 1
                acknowledge("entry", session=s["session"], insertions=insertions, depth=depth)
                response.success()
            elif "Refused:" in response.text:
                OUTCOMES["entries_refused"] += 1
                response.success()
            else:
                response.failure("the entry is neither in the answer nor refused")

    @task(1)
    def book_appointment(self) -> None:
        patient = self.rng.choice(FIXTURE["patients"])
        today = dt.date.fromisoformat(FIXTURE["today"])
        day = today + dt.timedelta(days=self.rng.randint(1, 28))
        kind = self.rng.choice(FIXTURE["appointment_types"])
        path = f"/schedule/book/{patient}/?appointment_type={kind}&practitioner=&day={day}"
        page = self.client.get(path, name="find free times")
        slots = SLOT.findall(page.text)
        if not slots:
            return
        with self.client.post(
            path,
            data={
                "csrfmiddlewaretoken": self._csrf(),
                "appointment_type": str(kind),
                "slot": self.rng.choice(slots),
                "note": "",
            },
            allow_redirects=False,
            name="book appointment",
            catch_response=True,
        ) as response:
            found = APPOINTMENT.search(response.headers.get("Location", ""))
            if response.status_code == 302 and found:
                OUTCOMES["booked"] += 1
                acknowledge("appointment", id=found.group(1))
                response.success()
            elif response.status_code == 422:
                OUTCOMES["refused"] += 1  # the slot went to someone else: a correct refusal
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")

    @task(2)
    def floor(self) -> None:
        self.client.get("/healthz", name="floor /healthz")
