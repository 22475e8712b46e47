"""The address of the client a request came from, also behind reverse proxies.

Production runs behind a TLS proxy, so REMOTE_ADDR is the proxy's address for
every visitor. X-Forwarded-For names the client, but anyone can send that header:
it is believed only through proxies listed in settings.TRUSTED_PROXIES. Each
proxy appends the address it saw to the right of the header, so reading it from
the right, past our own trusted proxies, the first address we do not trust is
the client (the rightmost-untrusted rule); anything to its left is the client's
to invent and is ignored.

client_ip() is the one answer to "who is this?" for rate limits and throttles
(django-ratelimit reads it through RATELIMIT_IP_META_KEY).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in configured if item.strip())
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is still that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR, or from X-Forwarded-For when REMOTE_ADDR is a trusted proxy."""
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        # No address: the server listens on a Unix socket, which only a process on
        # this machine (the proxy) can reach, so the peer is a trusted local hop.
        client: Address = ipaddress.ip_address("127.0.0.1")
    elif not any(peer in network for network in trusted):
        return str(peer)
    else:
        client = peer
    # Several X-Forwarded-For headers arrive joined with commas, in order.
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            # Not an address: a trusted proxy never writes that, so it came from the
            # client; the last address a trusted proxy vouched for stands.
            break
        client = address
        if not any(address in network for network in trusted):
            break
    return str(client)


def trusted_proxies_check(**kwargs: object) -> list[checks.Error]:
    """A mistyped TRUSTED_PROXIES stops the start, not the first rate-limited request."""
    try:
        _networks(tuple(settings.TRUSTED_PROXIES))
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="List addresses or networks: 10.0.0.0/8,192.0.2.7", id="core.E001")]
    return []
