"""Survey link tokens.

A link carries 256 bits derived with the server's secret from a random
128-bit nonce stored on the invitation. The database keeps only the token's
SHA-256, so a leaked table cannot be turned into working links, and the same
link is rebuilt for a reminder or a retried send.
"""

import base64
import binascii
import hashlib
import hmac
import re
import secrets

from django.conf import settings

_CONTEXT = b"kokemus.survey-link.v1:"
_SHORT = re.compile(r"[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]")  # 43 characters: 256 bits, the last one's low bits 0


def token_nonce_new() -> str:
    return secrets.token_hex(16)


def token_for(nonce: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), _CONTEXT + nonce.encode(), hashlib.sha256).digest()
    return digest.hex()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_looks_valid(token: str) -> bool:
    """Cheap shape check before any database look-up."""
    return len(token) == 64 and all(character in "0123456789abcdef" for character in token)


def token_short(token: str) -> str:
    """The same 256-bit token in 43 URL-safe characters instead of 64, for links in text messages."""
    return base64.urlsafe_b64encode(bytes.fromhex(token)).decode().rstrip("=")


def token_from_short(short: str) -> str | None:
    """The token a short form stands for, or None when `short` is not one."""
    if not _SHORT.fullmatch(short):
        return None
    try:
        return base64.urlsafe_b64decode(short + "=").hex()
    except (binascii.Error, ValueError):
        return None
