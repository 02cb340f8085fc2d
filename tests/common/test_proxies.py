"""The client's address: believed from X-Forwarded-For only as far as trusted proxies wrote it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory

from taut.common.proxies import client_ip, parse_networks
from tests.clinic.test_settings import PRODUCTION_ENV, _taut


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_loopback(settings: Any) -> None:
    settings.TAUT_TRUSTED_PROXIES = ["127.0.0.1", "::1", "10.0.0.0/8"]


def test_without_trusted_proxies_the_header_is_ignored(settings: Any) -> None:
    settings.TAUT_TRUSTED_PROXIES = []
    assert client_ip(_request("127.0.0.1", "198.51.100.7")) == "127.0.0.1"


def test_a_trusted_proxy_names_the_client(behind_loopback: None) -> None:
    assert client_ip(_request("127.0.0.1", "198.51.100.7")) == "198.51.100.7"


def test_a_forged_entry_before_the_proxys_own_is_ignored(behind_loopback: None) -> None:
    # The client wrote "203.0.113.5"; nginx appended the address it saw.
    assert client_ip(_request("127.0.0.1", "203.0.113.5, 198.51.100.7")) == "198.51.100.7"


def test_a_chain_of_trusted_proxies_is_walked_to_the_first_stranger(behind_loopback: None) -> None:
    forwarded = "203.0.113.5, 198.51.100.7, 10.1.2.3"
    assert client_ip(_request("127.0.0.1", forwarded)) == "198.51.100.7"


def test_a_direct_connection_cannot_claim_another_address(behind_loopback: None) -> None:
    assert client_ip(_request("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


def test_garbage_in_the_header_stops_at_the_last_real_hop(behind_loopback: None) -> None:
    assert client_ip(_request("127.0.0.1", "<script>, 10.0.0.9")) == "10.0.0.9"
    assert client_ip(_request("127.0.0.1", "")) == "127.0.0.1"


def test_ipv6_and_mapped_ipv4_addresses_are_understood(behind_loopback: None) -> None:
    assert client_ip(_request("::1", "2001:db8::7")) == "2001:db8::7"
    assert client_ip(_request("::ffff:127.0.0.1", "198.51.100.7")) == "198.51.100.7"


def test_no_request_and_no_address_give_none() -> None:
    assert client_ip(None) is None
    assert client_ip(_request("")) is None


def test_a_setting_that_is_not_an_address_is_named() -> None:
    with pytest.raises(ValueError, match="'proxy.local' is not an IP address or network"):
        parse_networks(["127.0.0.1", "proxy.local"])


def test_the_server_refuses_to_start_with_a_bad_trusted_proxy(tmp_path: Path) -> None:
    env = {**PRODUCTION_ENV, "TAUT_TRUSTED_PROXIES": "127.0.0.1,proxy.local"}
    result = _taut(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "TAUT_TRUSTED_PROXIES: 'proxy.local' is not an IP address or network" in result.stderr
