"""A WebSub (W3C, formerly PubSubHubbub) subscriber: push for feeds that advertise a hub.

* Discovery: after the poller fetched a changed feed, :meth:`WebSubSubscriber.feed_fetched`
  looks for ``<link rel="hub">`` (Atom, or ``atom:link`` in RSS) and ``rel="self"``
  (the topic), or a JSON Feed's ``hubs``. A feed with a hub is subscribed to.
* Subscription: ``POST`` to the hub with ``hub.mode=subscribe``, ``hub.topic``,
  ``hub.callback=<ingest.websub_callback_base>/websub/<feed key>``, a random
  ``hub.secret`` (per subscription, kept in the ingest state file) and
  ``hub.lease_seconds``. The subscription is stored as pending *before* the
  request, since a hub may verify before it answers.
* Verification of intent: ``GET /websub/<key>`` echoes ``hub.challenge`` when the
  mode is ``subscribe`` and the topic is the one this monitor asked for; anything
  else is 404. ``hub.mode=denied`` is recorded and logged.
* Content distribution: ``POST /websub/<key>`` must carry ``X-Hub-Signature``
  (``sha1``/``sha256``/``sha384``/``sha512`` HMAC of the body with the secret);
  a missing or wrong signature is refused (403) with a logged reason and nothing
  is ingested. A valid body is parsed with the feed parser and its items go
  through :meth:`FeedPoller.accept` under the feed's own URL, so ids, dedup and
  the sink are exactly those of polling. Polling continues as a fallback.
* Leases are renewed before they expire (a tenth of the lease, at least a
  minute, ahead); failed or unverified requests are retried with backoff.

Log events: ``websub_hub_discovered``, ``websub_subscribe_requested``,
``websub_subscribe_failed``, ``websub_subscription_verified``,
``websub_subscription_denied``, ``websub_verification_refused``,
``websub_signature_rejected``, ``websub_content_received``,
``websub_content_unusable``, ``websub_hub_gone``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import secrets
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin

import feedparser
import httpx
import structlog
from aiohttp import web

from monitor.ingest.errors import FeedError
from monitor.ingest.parse import parse_feed
from monitor.ingest.poller import FeedPoller
from monitor.ingest.push import read_limited

log = structlog.get_logger(__name__)

ALGORITHMS: dict[str, Callable[..., Any]] = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
MAX_CONTENT_BYTES = 10 * 1024 * 1024
State = Literal["pending", "active", "denied"]

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
    next_attempt REAL NOT NULL
);
"""


# --------------------------------------------------------------------------- signatures


def sign(secret: str, body: bytes, algorithm: str = "sha256") -> str:
    """The ``X-Hub-Signature`` value a hub sends: ``<algorithm>=<hex HMAC of the body>``."""
    digest = hmac.new(secret.encode(), body, ALGORITHMS[algorithm]).hexdigest()
    return f"{algorithm}={digest}"


def signature_problem(secret: str, body: bytes, header: str | None) -> str | None:
    """None when ``header`` is a valid signature of ``body``, else why not (a fixed reason)."""
    if not header:
        return "missing_signature"
    algorithm, sep, given = header.strip().partition("=")
    if not sep or not given:
        return "malformed_signature"
    method = ALGORITHMS.get(algorithm.strip().lower())
    if method is None:
        return "unsupported_algorithm"
    expected = hmac.new(secret.encode(), body, method).hexdigest()
    if not hmac.compare_digest(expected, given.strip().lower()):
        return "signature_mismatch"
    return None


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class HubLinks:
    """Where a feed says it is published: its hub and its topic URL (``rel="self"``)."""

    hub: str
    topic: str


def _http(url: object) -> bool:
    return isinstance(url, str) and url.startswith(("http://", "https://"))


def discover(body: bytes, *, feed_url: str, content_type: str = "") -> HubLinks | None:
    """The hub and topic a feed document advertises, or None."""
    if b"hub" not in body:  # cheap: most feeds advertise none
        return None
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        try:
            doc = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return None
        hubs = doc.get("hubs") if isinstance(doc, dict) else None
        for hub in hubs if isinstance(hubs, list) else []:
            if (
                isinstance(hub, dict)
                and str(hub.get("type", "")).lower() == "websub"
                and _http(hub.get("url"))
            ):
                topic = doc.get("feed_url")
                return HubLinks(str(hub["url"]), str(topic) if _http(topic) else feed_url)
        return None
    headers = {"content-location": feed_url}
    if content_type:
        headers["content-type"] = content_type
    try:
        result = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    except Exception:
        return None
    hub = topic = None
    for link in (result.get("feed") or {}).get("links") or []:
        rel, href = link.get("rel"), link.get("href")
        if not isinstance(href, str) or not href:
            continue
        href = urljoin(feed_url, href)
        if rel == "hub" and hub is None and _http(href):
            hub = href
        elif rel == "self" and topic is None and _http(href):
            topic = href
    return HubLinks(hub, topic or feed_url) if hub else None


def feed_key(feed_url: str) -> str:
    """The callback path segment of a feed: short, URL-safe, stable."""
    return "f" + hashlib.sha256(feed_url.encode()).hexdigest()[:24]


# --------------------------------------------------------------------------- state


@dataclass(frozen=True)
class Subscription:
    """One feed's subscription at its hub.

    ``state`` is what the hub last confirmed; ``pending`` is true while a
    subscribe request (first or renewal) awaits the hub's verification.
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


class SubscriptionStore:
    """WebSub subscriptions in the ingest state file (``FeedStateStore.path``), own table."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def get(self, key: str) -> Subscription | None:
        """The subscription with this callback key, if any."""
        row = self._db.execute(f"SELECT {_COLUMNS} FROM websub WHERE key = ?", (key,)).fetchone()
        return None if row is None else _row(row)

    def all(self) -> list[Subscription]:
        """Every stored subscription."""
        return [_row(r) for r in self._db.execute(f"SELECT {_COLUMNS} FROM websub ORDER BY key")]

    def save(self, sub: Subscription) -> None:
        """Store (insert or replace) a subscription."""
        self._db.execute(
            f"INSERT OR REPLACE INTO websub ({_COLUMNS}) VALUES ({', '.join('?' * 12)})",
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
            ),
        )

    def delete(self, key: str) -> None:
        """Forget a subscription."""
        self._db.execute("DELETE FROM websub WHERE key = ?", (key,))


_COLUMNS = (
    "key, feed_url, hub, topic, secret, state, pending, lease_seconds, expires_at, requested_at,"
    " attempts, next_attempt"
)


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
    )


def retry_delay(attempts: int, *, base: float = 60.0, cap: float = 3600.0) -> float:
    """Seconds before the next subscribe attempt after ``attempts`` failures."""
    return float(min(cap, base * 2.0 ** min(max(attempts - 1, 0), 20)))


def renew_margin(lease_seconds: int) -> float:
    """How long before a lease's end it is renewed."""
    return max(60.0, lease_seconds / 10.0) if lease_seconds > 120 else lease_seconds / 2.0


# --------------------------------------------------------------------------- the subscriber


class WebSubSubscriber:
    """Subscribes polled feeds that advertise a hub and ingests what hubs push."""

    def __init__(
        self,
        callback_base: str,
        *,
        poller: FeedPoller,
        store: SubscriptionStore,
        client: httpx.AsyncClient,
        lease_seconds: int = 864000,
        verify_timeout: float = 300.0,
        retry_base: float = 60.0,
        check_interval: float = 30.0,
        request_timeout: float = 15.0,
        max_bytes: int = MAX_CONTENT_BYTES,
    ) -> None:
        self.callback_base = callback_base.rstrip("/")
        self.poller = poller
        self.store = store
        self.client = client
        self.lease_seconds = lease_seconds
        self.verify_timeout = verify_timeout
        self.retry_base = retry_base
        self.check_interval = check_interval
        self.request_timeout = request_timeout
        self.max_bytes = max_bytes
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stop = asyncio.Event()

    def callback_url(self, key: str) -> str:
        """Where the hub calls back for a feed."""
        return f"{self.callback_base}/websub/{key}"

    # -- discovery (the poller's hook) -----------------------------------------
    def feed_fetched(self, feed_url: str, final_url: str, body: bytes, content_type: str) -> None:
        """Poller hook: look for a hub in the fetched document, in the background."""
        task = asyncio.get_running_loop().create_task(
            self.discovered(feed_url, final_url, body, content_type), name=f"websub:{feed_url}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def discovered(
        self, feed_url: str, final_url: str, body: bytes, content_type: str = ""
    ) -> Subscription | None:
        """Subscribe (or keep the subscription) for a fetched feed document."""
        try:
            links = await asyncio.to_thread(discover, body, feed_url=final_url, content_type=content_type)
        except Exception as exc:  # discovery must never hurt polling
            log.warning("websub_discovery_failed", feed_url=feed_url, error=f"{type(exc).__name__}: {exc}")
            return None
        key = feed_key(feed_url)
        async with self._locks[key]:
            current = self.store.get(key)
            if links is None:
                if current is not None:
                    self.store.delete(key)
                    log.info("websub_hub_gone", feed_url=feed_url, hub=current.hub)
                return None
            if (
                current is not None
                and (current.hub, current.topic) == (links.hub, links.topic)
                and current.state != "denied"
            ):
                return current
            log.info("websub_hub_discovered", feed_url=feed_url, hub=links.hub, topic=links.topic)
            return await self._subscribe(feed_url, links, None)

    async def _subscribe(self, feed_url: str, links: HubLinks, current: Subscription | None) -> Subscription:
        """Send a subscribe request (first or renewal); the caller holds the key's lock."""
        now = time.time()
        key = feed_key(feed_url)
        sub = Subscription(
            key=key,
            feed_url=feed_url,
            hub=links.hub,
            topic=links.topic,
            secret=current.secret if current is not None else secrets.token_hex(32),
            state=current.state if current is not None else "pending",
            pending=True,
            lease_seconds=current.lease_seconds if current is not None else self.lease_seconds,
            expires_at=current.expires_at if current is not None else None,
            requested_at=now,
            attempts=current.attempts if current is not None else 0,
            next_attempt=now + self.verify_timeout,
        )
        self.store.save(sub)  # before the request: the hub may verify before it answers
        form = {
            "hub.mode": "subscribe",
            "hub.topic": links.topic,
            "hub.callback": self.callback_url(key),
            "hub.secret": sub.secret,
            "hub.lease_seconds": str(self.lease_seconds),
        }
        problem: str | None = None
        try:
            response = await self.client.post(links.hub, data=form, timeout=self.request_timeout)
            if not 200 <= response.status_code < 300:
                problem = f"hub answered {response.status_code}: {response.text[:200]}"
        except httpx.HTTPError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        latest = self.store.get(key) or sub
        if problem is None:
            log.info("websub_subscribe_requested", feed_url=feed_url, hub=links.hub, topic=links.topic)
            return latest
        attempts = sub.attempts + 1
        delay = retry_delay(attempts, base=self.retry_base)
        failed = replace(latest, attempts=attempts, next_attempt=time.time() + delay)
        self.store.save(failed)
        log.warning(
            "websub_subscribe_failed",
            feed_url=feed_url,
            hub=links.hub,
            error=problem,
            retry_in=round(delay, 1),
        )
        return failed

    # -- renewal ----------------------------------------------------------------
    async def maintain(self, now: float | None = None) -> int:
        """Renew leases close to their end and retry unverified or failed requests; returns how many."""
        now = time.time() if now is None else now
        renewed = 0
        for sub in self.store.all():
            if sub.state == "denied":
                continue
            due = sub.next_attempt <= now if sub.pending else False
            if not sub.pending and sub.expires_at is not None:
                due = sub.expires_at - now <= renew_margin(sub.lease_seconds)
            if not due:
                continue
            async with self._locks[sub.key]:
                current = self.store.get(sub.key)
                if current is None or current != sub:
                    continue
                await self._subscribe(sub.feed_url, HubLinks(sub.hub, sub.topic), current)
                renewed += 1
        return renewed

    async def run(self) -> None:
        """Renew and retry every ``check_interval`` seconds until :meth:`stop`."""
        self._stop.clear()
        while not self._stop.is_set():
            try:
                await self.maintain()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("websub_maintenance_failed", error=f"{type(exc).__name__}: {exc}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.check_interval)

    async def stop(self) -> None:
        """Stop :meth:`run` and any discovery still running."""
        self._stop.set()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- the callback --------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        """``GET``/``POST /websub/{key}``: verification of intent, content distribution."""
        key = request.match_info["key"]
        if request.method == "GET":
            return await self._verify(request, key)
        return await self._content(request, key)

    async def _verify(self, request: web.Request, key: str) -> web.Response:
        mode = request.query.get("hub.mode", "")
        topic = request.query.get("hub.topic", "")
        # no lock and no await from reading to writing: a hub may verify synchronously,
        # while the subscribe request (which holds the key's lock) still waits for its answer
        sub = self.store.get(key)
        if sub is None or topic != sub.topic:
            log.warning("websub_verification_refused", key=key, mode=mode, topic=topic, reason="unknown")
            raise web.HTTPNotFound(text="no such subscription")
        if mode == "denied":
            self.store.save(replace(sub, state="denied", pending=False))
            log.warning(
                "websub_subscription_denied",
                feed_url=sub.feed_url,
                reason=request.query.get("hub.reason"),
            )
            return web.Response(text="")
        challenge = request.query.get("hub.challenge", "")
        if mode != "subscribe" or not challenge or not (sub.pending or sub.state == "active"):
            log.warning(
                "websub_verification_refused", feed_url=sub.feed_url, mode=mode, reason="not_requested"
            )
            raise web.HTTPNotFound(text="no such pending request")
        try:
            lease = int(request.query.get("hub.lease_seconds", sub.lease_seconds))
        except ValueError:
            lease = sub.lease_seconds
        lease = max(lease, 1)
        now = time.time()
        self.store.save(
            replace(
                sub,
                state="active",
                pending=False,
                lease_seconds=lease,
                expires_at=now + lease,
                attempts=0,
                next_attempt=0.0,
            )
        )
        log.info("websub_subscription_verified", feed_url=sub.feed_url, hub=sub.hub, lease_seconds=lease)
        return web.Response(text=challenge, content_type="text/plain")

    async def _content(self, request: web.Request, key: str) -> web.Response:
        sub = self.store.get(key)
        if sub is None or sub.state != "active":
            log.warning("websub_signature_rejected", key=key, reason="unknown_subscription")
            raise web.HTTPNotFound(text="no such subscription")
        body = await read_limited(request, self.max_bytes)
        problem = signature_problem(sub.secret, body, request.headers.get("X-Hub-Signature"))
        if problem is not None:
            log.warning("websub_signature_rejected", feed_url=sub.feed_url, hub=sub.hub, reason=problem)
            raise web.HTTPForbidden(text=f"rejected: {problem}")
        now = datetime.now(UTC)
        try:
            parsed = await asyncio.to_thread(
                parse_feed,
                body,
                feed_url=sub.topic,
                now=now,
                content_type=request.headers.get("Content-Type", ""),
            )
        except FeedError as exc:
            log.warning("websub_content_unusable", feed_url=sub.feed_url, reason=exc.reason, error=str(exc))
            return web.json_response({"items": 0, "new": 0}, status=202)
        articles = self.poller.articles(sub.feed_url, parsed, now)
        verdicts = await self.poller.accept(articles, feed_url=sub.feed_url, web=True)
        fresh = sum(1 for v in verdicts.values() if v != "duplicate")
        log.info("websub_content_received", feed_url=sub.feed_url, items=len(articles), new=fresh)
        return web.json_response({"items": len(articles), "new": fresh}, status=202)
