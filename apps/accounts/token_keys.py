"""API token keys: how one is made, recognised and hashed. No database here."""

import hashlib
import secrets

KEY_PREFIX = "kok_"
# 40 random bytes: 320 bits, of which the 48 shown in a token's prefix leave 272 secret.
_KEY_BYTES = 40
_SHOWN_CHARS = len(KEY_PREFIX) + 8


def key_new() -> str:
    """A fresh key, `kok_` and 54 URL-safe characters, recognisable in logs and by secret scanners."""
    return KEY_PREFIX + secrets.token_urlsafe(_KEY_BYTES)


def key_digest(key: str) -> str:
    """The hex SHA-256 of `key`: what is stored and looked up instead of the key."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str:
    """The start of `key` shown in token lists so its owner can tell tokens apart."""
    return key[:_SHOWN_CHARS]
