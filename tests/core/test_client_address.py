"""The client's address: from X-Forwarded-For only through the proxies we trust."""

import pytest
from django.core import checks
from django.test import RequestFactory

from apps.core.client_address import client_ip, trusted_proxies_check

PROXY = "10.0.0.5"


def _request(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture(autouse=True)
def _trusted(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8:ffff::/48"]


def test_without_a_proxy_the_connecting_address_is_the_client():
    assert client_ip(_request("198.51.100.7")) == "198.51.100.7"


def test_an_untrusted_peer_cannot_name_another_client():
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_through_a_trusted_proxy_the_forwarded_client_counts():
    assert client_ip(_request(PROXY, "203.0.113.9")) == "203.0.113.9"


def test_the_rightmost_untrusted_hop_wins_over_what_the_client_wrote():
    # The client sent "1.2.3.4" itself; our proxies appended what they saw.
    assert client_ip(_request(PROXY, "1.2.3.4, 203.0.113.9, 10.0.0.2")) == "203.0.113.9"


def test_garbage_in_the_header_stops_at_the_last_vouched_address():
    assert client_ip(_request(PROXY, "203.0.113.9, not-an-address")) == PROXY
    assert client_ip(_request(PROXY, "")) == PROXY
    assert client_ip(_request(PROXY, "junk, 203.0.113.9")) == "203.0.113.9"


def test_ports_and_ipv6_forms():
    assert client_ip(_request(PROXY, "203.0.113.9:51234")) == "203.0.113.9"
    assert client_ip(_request(PROXY, "[2001:db8::1]:443")) == "2001:db8::1"
    assert client_ip(_request("2001:db8:ffff::2", "2001:db8::1")) == "2001:db8::1"
    assert client_ip(_request("::ffff:198.51.100.7")) == "198.51.100.7"


def test_a_unix_socket_peer_is_the_local_proxy():
    assert client_ip(_request("", "203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("")) == "127.0.0.1"


def test_nothing_is_trusted_by_default(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request(PROXY, "203.0.113.9")) == PROXY


def test_a_mistyped_setting_fails_the_checks(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.example"]
    errors = trusted_proxies_check()
    assert [error.id for error in errors] == ["core.E001"]
    assert all(isinstance(error, checks.Error) for error in errors)
