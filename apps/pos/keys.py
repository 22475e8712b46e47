"""The codes and keys of the point of service, and the hashes that stand in for addresses and devices.

- An open link's code is short (8 characters from 31 that cannot be mistaken for each other, about
  40 bits), because a customer may type it from a poster. Unlike a survey invitation's token it is
  no secret and grants nothing but "answer anonymously": it is printed on a wall for anyone to read,
  so guessing one gains nothing that walking past the poster does not. The limits in limits.py,
  not the code's length, are what stop ballot-stuffing.
- A kiosk's pairing token and device key are credentials: 256 random bits each, only their SHA-256
  is stored, and the pairing token works once.
- A client address is never stored: it is hashed with a random salt kept one day in the cache.
"""

import datetime as dt
import hashlib
import secrets

from django.core.cache import cache

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
CODE_LENGTH = 8
_SALT_TTL_SECONDS = 2 * 24 * 3600


def open_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def open_code_normalize(code: str) -> str:
    """What a customer typed, as stored: the case forgiven."""
    return code.strip().upper()


def secret_new() -> str:
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def daily_salt(*, day: dt.date) -> str:
    """The salt of `day`, made on first use and forgotten by the cache after two days, so a day's
    hashes can be compared with each other only. cache.add keeps the first of two racing makers."""
    key = f"pos:address-salt:{day.isoformat()}"
    cache.add(key, secrets.token_hex(16), timeout=_SALT_TTL_SECONDS)
    return cache.get(key) or ""


def address_hash(*, address: str, day: dt.date) -> str:
    if not address:
        return ""
    return hashlib.sha256(f"{daily_salt(day=day)}:{address}".encode()).hexdigest()


def device_hash(*, device_id: str) -> str:
    return hashlib.sha256(f"pos-device:{device_id}".encode()).hexdigest() if device_id else ""
