"""HMAC-SHA256 request signing for webhooks.

The signed message is ``f"{timestamp}.".encode() + body`` where ``timestamp``
is the ``X-Newsmon-Timestamp`` header (unix seconds) and ``body`` the exact
request bytes. The header value is ``sha256=<lowercase hex digest>``.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SCHEME = "sha256="


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode("ascii") + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Newsmon-Signature`` value for ``body`` sent at ``timestamp``."""
    return SCHEME + _digest(secret, timestamp, body)


def verify(
    secret: str,
    timestamp: int | str,
    body: bytes,
    signature: str,
    *,
    tolerance: float = 300,
    now: float | None = None,
) -> bool:
    """True when ``signature`` is valid for ``body`` and ``timestamp`` is within ``tolerance`` seconds.

    ``timestamp`` may be the raw header string; anything malformed is simply
    invalid. The digest comparison is constant-time.
    """
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance:
        return False
    if not signature.startswith(SCHEME):
        return False
    expected = _digest(secret, ts, body)
    return hmac.compare_digest(expected.encode("ascii"), signature[len(SCHEME) :].encode("ascii", "replace"))
