"""WebSub subscriptions kept in the ingest state file, and the arithmetic of their leases.

Each subscription has a random callback token (``/websub/<token>``): the only
thing that routes a hub's call to it. The table keeps the token (renewals must
name the same callback) and its SHA-256, which is what lookups use, so finding
a subscription never compares a caller's guess with a stored token byte by
byte; the token found is then compared in constant time as well.

A state file written before tokens existed is migrated in place: its rows are
kept, each gets a fresh token and is marked for re-subscription, so hubs learn
the new callback at the next maintenance pass (the old feed-derived callback
path no longer routes to anything).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import structlog

log = structlog.get_logger(__name__)

State = Literal["pending", "active", "denied"]
MIN_LEASE_SECONDS = 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS websub (
    key TEXT PRIMARY KEY,
    feed_url TEXT NOT NULL,
    hub TEXT NOT NULL,
    topic TEXT NOT NULL,
    secret TEXT NOT NULL,
    state TEXT NOT NULL,
    pending INTEGER NOT NULL,
    lease_seconds INTEGER NOT NULL,
    expires_at REAL,
    requested_at REAL NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt REAL NOT NULL,
    token TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL DEFAULT ''
);
"""
_COLUMNS = (
    "key, feed_url, hub, topic, secret, state, pending, lease_seconds, expires_at, requested_at,"
    " attempts, next_attempt, token"
)


def feed_key(feed_url: str) -> str:
    """A feed's row key in the table: short, stable (never part of a URL any more)."""
    return "f" + hashlib.sha256(feed_url.encode()).hexdigest()[:24]


def new_token() -> str:
    """A fresh callback token: 24 random bytes, URL-safe."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    """What the table indexes a token by."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Subscription:
    """One feed's subscription at its hub.

    ``state`` is what the hub last confirmed; ``pending`` is true while a
    subscribe request (first or renewal) awaits the hub's verification, and
    only then is a verification (or a denial) accepted. ``secret`` is empty
    for a plain-http hub, which is never sent one.
    """

    key: str
    feed_url: str
    hub: str
    topic: str
    secret: str
    state: State
    pending: bool
    lease_seconds: int
    expires_at: float | None
    requested_at: float
    attempts: int = 0
    next_attempt: float = 0.0
    token: str = ""


class SubscriptionStore:
    """WebSub subscriptions in the ingest state file (``FeedStateStore.path``), own table."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._migrate()
        self._db.execute("CREATE INDEX IF NOT EXISTS websub_token ON websub (token_hash)")

    def _migrate(self) -> None:
        """Give rows of a table made before callback tokens a token each, and re-subscribe them."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(websub)")}
            for column in ("token", "token_hash"):
                if column not in columns:
                    self._db.execute(f"ALTER TABLE websub ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")
            keys = [row[0] for row in self._db.execute("SELECT key FROM websub WHERE token = ''")]
            for key in keys:
                token = new_token()
                self._db.execute(
                    "UPDATE websub SET token = ?, token_hash = ?, attempts = 0, next_attempt = 0,"
                    " pending = CASE WHEN state = 'denied' THEN pending ELSE 1 END WHERE key = ?",
                    (token, token_hash(token), key),
                )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        if keys:
            log.info("websub_store_migrated", subscriptions=len(keys))

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def get(self, key: str) -> Subscription | None:
        """The subscription of the feed with this row key, if any."""
        row = self._db.execute(f"SELECT {_COLUMNS} FROM websub WHERE key = ?", (key,)).fetchone()
        return None if row is None else _row(row)

    def by_token(self, token: str) -> Subscription | None:
        """The subscription with callback token ``token`` (found by hash, compared in constant time)."""
        if not token:
            return None
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM websub WHERE token_hash = ?", (token_hash(token),)
        ).fetchone()
        if row is None or not hmac.compare_digest(str(row[12]).encode(), token.encode()):
            return None
        return _row(row)

    def all(self) -> list[Subscription]:
        """Every stored subscription."""
        return [_row(r) for r in self._db.execute(f"SELECT {_COLUMNS} FROM websub ORDER BY key")]

    def save(self, sub: Subscription) -> None:
        """Store (insert or replace) a subscription."""
        self._db.execute(
            f"INSERT OR REPLACE INTO websub ({_COLUMNS}, token_hash) VALUES ({', '.join('?' * 14)})",
            (
                sub.key,
                sub.feed_url,
                sub.hub,
                sub.topic,
                sub.secret,
                sub.state,
                int(sub.pending),
                sub.lease_seconds,
                sub.expires_at,
                sub.requested_at,
                sub.attempts,
                sub.next_attempt,
                sub.token,
                token_hash(sub.token) if sub.token else "",
            ),
        )

    def delete(self, key: str) -> None:
        """Forget a subscription."""
        self._db.execute("DELETE FROM websub WHERE key = ?", (key,))


def _row(row: tuple[Any, ...]) -> Subscription:
    return Subscription(
        key=str(row[0]),
        feed_url=str(row[1]),
        hub=str(row[2]),
        topic=str(row[3]),
        secret=str(row[4]),
        state=row[5],
        pending=bool(row[6]),
        lease_seconds=int(row[7]),
        expires_at=None if row[8] is None else float(row[8]),
        requested_at=float(row[9]),
        attempts=int(row[10]),
        next_attempt=float(row[11]),
        token=str(row[12]),
    )


def clamp_lease(value: str | None, *, requested: int, maximum: int) -> int:
    """The lease a verification grants, within [60 s, ``maximum``]; ``requested`` when absent or bad."""
    try:
        lease = int(value) if value is not None else requested
    except ValueError:
        lease = requested
    return max(MIN_LEASE_SECONDS, min(lease, maximum))


def retry_delay(attempts: int, *, base: float = 60.0, cap: float = 3600.0) -> float:
    """Seconds before the next subscribe attempt after ``attempts`` failures."""
    return float(min(cap, base * 2.0 ** min(max(attempts - 1, 0), 20)))


def renew_margin(lease_seconds: int) -> float:
    """How long before a lease's end it is renewed."""
    return max(60.0, lease_seconds / 10.0) if lease_seconds > 120 else lease_seconds / 2.0
