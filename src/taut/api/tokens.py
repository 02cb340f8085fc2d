"""Token secrets: how they are made, hashed and read back from an Authorization header."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "taut"  # noqa: S105 - a public marker, not a secret
PREFIX_BYTES = 4  # 8 hex characters, shown in lists and in the audit log
SECRET_BYTES = 32  # 256 random bits
# SMART access tokens: "." is not in token_urlsafe's alphabet, so they never look like the above.
ACCESS_TOKEN_PREFIX = "smart."  # noqa: S105 - a public marker, not a secret


def new_token() -> tuple[str, str, str]:
    """A fresh token: (prefix, full secret to show once, hash to store)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return prefix, secret, hash_secret(secret)


def new_access_token() -> tuple[str, str]:
    """A fresh SMART access token: (secret to hand out once, hash to store)."""
    secret = f"{ACCESS_TOKEN_PREFIX}{secrets.token_urlsafe(SECRET_BYTES)}"
    return secret, hash_secret(secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def prefix_of(secret: str) -> str | None:
    """The prefix inside a presented secret, or None if it is not shaped like a Taut token."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 2 * PREFIX_BYTES:
        return None
    return parts[1]
