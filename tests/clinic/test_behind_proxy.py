"""Behind a real reverse proxy (Debian's nginx, configured as docs/deployment.md says) in front of a
live server, clients are still told apart: each from its own loopback address (127.0.0.2,
127.0.0.3, ...), the way clients on the internet reach the proxy from theirs."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from taut.audit.models import Action, AuditEntry
from tests.conftest import PASSWORD, World
from tests.scheduling.conftest import Desk, make_desk, next_working_day

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

CONFIG = """
daemon off;
master_process off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass {upstream};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("nginx stopped before it listened")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("nginx did not listen within 10 s")


@pytest.fixture
def proxy(live_server: Any, tmp_path: Path, settings: Any) -> Iterator[str]:
    """nginx on a free loopback port in front of the live server; the server trusts it."""
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs nginx for the proxy tests (scripts/ensure-nginx installs it)")
        pytest.skip("nginx is not installed (scripts/ensure-nginx installs it with apt-get)")
    settings.TAUT_TRUSTED_PROXIES = ["127.0.0.1"]
    port = _free_port()
    upstream = live_server.url.replace("localhost", "127.0.0.1")
    config = tmp_path / "nginx.conf"
    config.write_text(CONFIG.format(dir=tmp_path, port=port, upstream=upstream))
    process = subprocess.Popen(  # noqa: S603
        [NGINX, "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


class _FromAddress(HTTPAdapter):
    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client_from(address: str) -> requests.Session:
    """A browser-like client whose connections leave from `address`."""
    session = requests.Session()
    session.mount("http://", _FromAddress(address))
    return session


def _csrf(page: requests.Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def sign_in(client: requests.Session, base: str, username: str, password: str) -> Any:
    page = client.get(f"{base}/accounts/login/", timeout=10)
    return client.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": _csrf(page), "username": username, "password": password},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )


def test_a_stranger_cannot_lock_a_colleague_out(world: World, proxy: str, settings: Any) -> None:
    stranger = client_from("127.0.0.2")
    statuses = [
        sign_in(stranger, proxy, "clinician_a", "a-wrong-guess").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = sign_in(stranger, proxy, "clinician_a", PASSWORD)
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text

    colleague = sign_in(client_from("127.0.0.3"), proxy, "clinician_a", PASSWORD)
    assert colleague.status_code == 302, colleague.text[:300]
    signed_in = AuditEntry.objects.filter(action=Action.LOGIN).get()
    assert signed_in.ip_address == "127.0.0.3"
    failures = AuditEntry.objects.filter(action=Action.FAILED_LOGIN)
    assert {entry.ip_address for entry in failures} == {"127.0.0.2"}


def test_a_forged_forwarded_header_does_not_escape_the_lock(
    world: World, proxy: str, settings: Any
) -> None:
    stranger = client_from("127.0.0.2")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        stranger.headers["X-Forwarded-For"] = f"198.51.100.{attempt}"
        sign_in(stranger, proxy, "clinician_a", "a-wrong-guess")
    stranger.headers["X-Forwarded-For"] = "127.0.0.3"
    assert sign_in(stranger, proxy, "clinician_a", PASSWORD).status_code == 429


def test_a_direct_connection_is_not_believed_about_its_address(
    world: World, proxy: str, live_server: Any
) -> None:
    direct = client_from("127.0.0.2")
    direct.headers["X-Forwarded-For"] = "198.51.100.9"
    answer = sign_in(direct, live_server.url.replace("localhost", "127.0.0.1"), "owner_a", PASSWORD)
    assert answer.status_code == 302
    assert AuditEntry.objects.get(action=Action.LOGIN).ip_address == "127.0.0.2"


def _book_online(client: requests.Session, base: str, desk: Desk, slot: str, n: int) -> int:
    answer = client.post(
        f"{base}/book/{desk.world.clinic_a.slug}/details/",
        data={
            "csrfmiddlewaretoken": _csrf(_search(client, base, desk)),
            "appointment_type": desk.type("initial_evaluation").pk,
            "slot": slot,
            "step": "confirm",
            "given_name": "Visitor",
            "family_name": f"Number{chr(65 + n)}",
            "date_of_birth": "1990-02-03",
            "phone": "(303) 555-0177",
            "email": f"visitor{n}@example.com",
        },
        allow_redirects=False,
        timeout=10,
    )
    return answer.status_code


def _search(client: requests.Session, base: str, desk: Desk) -> requests.Response:
    return client.get(
        f"{base}/book/{desk.world.clinic_a.slug}/",
        params={
            "appointment_type": desk.type("initial_evaluation").pk,
            "practitioner": "",
            "day": next_working_day().isoformat(),
        },
        timeout=10,
    )


def _free_slots(client: requests.Session, base: str, desk: Desk) -> list[str]:
    return re.findall(r'name="slot" value="([^"]+)"', _search(client, base, desk).text)


def test_one_client_booking_online_in_bulk_does_not_stop_the_others(
    world: World, proxy: str
) -> None:
    from taut.scheduling.services.online import ONLINE_BOOKINGS_PER_HOUR

    desk = make_desk(world)
    script, patient = client_from("127.0.0.2"), client_from("127.0.0.3")
    slots = _free_slots(script, proxy, desk)[::4]  # 45 minutes apart
    statuses = [
        _book_online(script, proxy, desk, slot, n)
        for n, slot in enumerate(slots[: ONLINE_BOOKINGS_PER_HOUR + 1])
    ]
    assert statuses == [302] * ONLINE_BOOKINGS_PER_HOUR + [409]
    last = slots[ONLINE_BOOKINGS_PER_HOUR + 1]
    assert _book_online(patient, proxy, desk, last, 20) == 302
