"""A WebSub (W3C, formerly PubSubHubbub) subscriber: push for feeds that advertise a hub.

* Discovery: after the poller fetched a changed feed, :meth:`WebSubSubscriber.feed_fetched`
  looks for ``<link rel="hub">`` (Atom, or ``atom:link`` in RSS) and ``rel="self"``
  (the topic), or a JSON Feed's ``hubs``. A feed with a hub is subscribed to.
  Hub URLs come from feeds, so only ``https`` hubs are used unless
  ``ingest.websub_allow_http_hubs`` allows plain http; every request to a hub
  goes through the egress policy (:mod:`monitor.egress`).
* Subscription: ``POST`` to the hub with ``hub.mode=subscribe``, ``hub.topic``,
  ``hub.callback=<ingest.websub_callback_base>/websub/<token>`` (a random token
  per subscription, see :mod:`monitor.ingest.websub_store`), a random
  ``hub.secret`` and ``hub.lease_seconds``. A plain-http hub is never sent a
  secret: it is subscribed without one (logged as ``websub_subscribe_unsigned``)
  and its pushes are trusted on the callback token alone. The subscription is
  stored as pending *before* the request, since a hub may verify before it
  answers. The hub's answer is read up to 64 KiB, within ``request_timeout``.
* Verification of intent: ``GET /websub/<token>`` is accepted only while that
  subscription's subscribe request is pending and for its topic; the challenge
  (at most 1024 characters) is echoed and the lease clamped to
  [60 s, ``ingest.websub_lease_seconds``]. A ``denied`` counts only while
  pending too (a denial after verification is ignored: renewal will learn it).
  The monitor never asks to unsubscribe, so ``unsubscribe`` is never accepted.
  Everything refused is 404 and changes nothing.
* Content distribution: ``POST /websub/<token>`` of a subscription with a secret
  must carry a well-formed ``X-Hub-Signature`` (``sha1``/``sha256``/``sha384``/
  ``sha512`` HMAC of the body), checked *before* the body is read (also before
  ``100 Continue``); the body is then read up to ``max_bytes`` (413 beyond) and
  its HMAC compared in constant time. A missing, malformed or wrong signature
  is answered 403, not the 2xx the spec allows, so that a misconfigured hub
  sees it; either way nothing is ingested. A valid body is parsed with the feed
  parser and its items go through :meth:`FeedPoller.accept` under the feed's
  own URL, so ids, dedup and the sink are exactly those of polling. Polling
  continues as a fallback.
* Leases are renewed before they expire (a tenth of the lease, at least a
  minute, ahead); failed or unverified requests are retried with backoff.

Everything refused is counted in ``newsmon_websub_refused_total{kind, reason}``.
Log events: ``websub_hub_discovered``, ``websub_hub_refused``,
``websub_subscribe_requested``, ``websub_subscribe_unsigned``,
``websub_subscribe_failed`` (reason ``status``, ``transport``, ``timeout``,
``refused``), ``websub_subscription_verified``, ``websub_subscription_denied``,
``websub_verification_refused``, ``websub_signature_rejected``,
``websub_content_refused``, ``websub_content_received``,
``websub_content_unusable``, ``websub_hub_gone``.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import structlog
from aiohttp import web

from monitor.egress import EgressRefused
from monitor.ingest.errors import FeedError
from monitor.ingest.parse import parse_feed
from monitor.ingest.poller import FeedPoller
from monitor.ingest.push import read_limited
from monitor.ingest.websub_hubs import HubLinks, discover, parse_signature, sign, signature_problem
from monitor.ingest.websub_store import (
    Subscription,
    SubscriptionStore,
    clamp_lease,
    feed_key,
    new_token,
    renew_margin,
    retry_delay,
)
from monitor.metrics import Metrics

__all__ = [
    "HubLinks",
    "Subscription",
    "SubscriptionStore",
    "WebSubSubscriber",
    "discover",
    "feed_key",
    "renew_margin",
    "retry_delay",
    "sign",
    "signature_problem",
]

log = structlog.get_logger(__name__)

MAX_CONTENT_BYTES = 10 * 1024 * 1024
MAX_HUB_ANSWER = 64 * 1024
MAX_CHALLENGE = 1024


def _plain_http(url: str) -> bool:
    return urlsplit(url).scheme.lower() == "http"


async def _read_answer(response: httpx.Response, limit: int = MAX_HUB_ANSWER) -> bytes:
    """At most ``limit`` bytes of a hub's answer, as sent (not decompressed); the rest is never read."""
    data = bytearray()
    async for chunk in response.aiter_raw():
        data += chunk
        if len(data) >= limit:
            break
    return bytes(data[:limit])


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
        allow_http_hubs: bool = False,
        metrics: Metrics | None = None,
    ) -> None:
        self.callback_base = callback_base.rstrip("/")
        self.poller = poller
        self.store = store
        self.client = client
        self.lease_seconds = lease_seconds  # asked of hubs, and the most a verification may grant
        self.verify_timeout = verify_timeout
        self.retry_base = retry_base
        self.check_interval = check_interval
        self.request_timeout = request_timeout
        self.max_bytes = max_bytes
        self.allow_http_hubs = allow_http_hubs
        self.metrics = metrics or poller.metrics
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stop = asyncio.Event()

    def callback_url(self, token: str) -> str:
        """Where the hub calls back for the subscription with this token."""
        return f"{self.callback_base}/websub/{token}"

    def _refused(self, kind: str, reason: str) -> None:
        self.metrics.websub_refused.labels(kind=kind, reason=reason).inc()

    def _hub_allowed(self, feed_url: str, hub: str) -> bool:
        if self.allow_http_hubs or not _plain_http(hub):
            return True
        self._refused("hub", "http_hub")
        log.warning("websub_hub_refused", feed_url=feed_url, hub=hub, reason="http_hub")
        return False

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
            if links is None or not self._hub_allowed(feed_url, links.hub):
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

    async def _subscribe(
        self, feed_url: str, links: HubLinks, current: Subscription | None
    ) -> Subscription | None:
        """Send a subscribe request (first or renewal); the caller holds the key's lock.

        A new subscription gets a new callback token and secret; a renewal keeps both. None
        when the egress policy refused the hub (nothing is kept then).
        """
        now = time.time()
        key = feed_key(feed_url)
        unsigned = _plain_http(links.hub)
        sub = Subscription(
            key=key,
            feed_url=feed_url,
            hub=links.hub,
            topic=links.topic,
            secret=""
            if unsigned
            else (current.secret if current and current.secret else secrets.token_hex(32)),
            state=current.state if current is not None else "pending",
            pending=True,
            lease_seconds=current.lease_seconds if current is not None else self.lease_seconds,
            expires_at=current.expires_at if current is not None else None,
            requested_at=now,
            attempts=current.attempts if current is not None else 0,
            next_attempt=now + self.verify_timeout,
            token=current.token if current is not None and current.token else new_token(),
        )
        self.store.save(sub)  # before the request: the hub may verify before it answers
        form = {
            "hub.mode": "subscribe",
            "hub.topic": links.topic,
            "hub.callback": self.callback_url(sub.token),
            "hub.lease_seconds": str(self.lease_seconds),
        }
        if sub.secret:
            form["hub.secret"] = sub.secret
        else:
            log.warning("websub_subscribe_unsigned", feed_url=feed_url, hub=links.hub, reason="http_hub")
        reason, problem = await self._ask_hub(links.hub, form)
        if reason is None:
            log.info("websub_subscribe_requested", feed_url=feed_url, hub=links.hub, topic=links.topic)
            return self.store.get(key) or sub
        self._refused("hub", reason)
        failure = {"feed_url": feed_url, "hub": links.hub, "reason": reason, "error": problem}
        if reason == "refused":  # the policy will refuse it again: no subscription is made
            self.store.delete(key)
            log.warning("websub_subscribe_failed", **failure)
            return None
        attempts = sub.attempts + 1
        delay = retry_delay(attempts, base=self.retry_base)
        failed = replace(self.store.get(key) or sub, attempts=attempts, next_attempt=time.time() + delay)
        self.store.save(failed)
        log.warning("websub_subscribe_failed", **failure, retry_in=round(delay, 1))
        return failed

    async def _ask_hub(self, hub: str, form: dict[str, str]) -> tuple[str | None, str]:
        """POST a request to a hub: ``(None, "")`` on a 2xx, else ``(reason, what happened)``."""
        try:
            async with asyncio.timeout(self.request_timeout):
                async with self.client.stream(
                    "POST", hub, data=form, timeout=self.request_timeout
                ) as response:
                    if 200 <= response.status_code < 300:
                        return None, ""
                    answer = await _read_answer(response)
                    text = answer[:200].decode("utf-8", "replace")
                    return "status", f"hub answered {response.status_code}: {text}"
        except EgressRefused as exc:
            return "refused", str(exc)
        except (httpx.TimeoutException, TimeoutError):
            return "timeout", f"no answer within {self.request_timeout} s"
        except httpx.HTTPError as exc:
            return "transport", f"{type(exc).__name__}: {exc}"

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
                if not self._hub_allowed(sub.feed_url, sub.hub):
                    self.store.delete(sub.key)
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
        """``GET``/``POST /websub/{token}``: verification of intent, content distribution."""
        token = request.match_info["token"]
        if request.method == "GET":
            return await self._verify(request, token)
        return await self._content(request, token)

    def _refuse_verification(self, reason: str, **context: Any) -> web.HTTPNotFound:
        self._refused("verification", reason)
        log.warning("websub_verification_refused", reason=reason, **context)
        return web.HTTPNotFound(text="no such pending request")

    async def _verify(self, request: web.Request, token: str) -> web.Response:
        query = request.query
        mode, topic = query.get("hub.mode", ""), query.get("hub.topic", "")
        # no lock and no await from reading to writing: a hub may verify synchronously,
        # while the subscribe request (which holds the key's lock) still waits for its answer
        sub = self.store.by_token(token)
        if sub is None:
            raise self._refuse_verification("unknown_callback", mode=mode[:20])
        where = {"feed_url": sub.feed_url, "mode": mode[:20]}
        if mode not in ("subscribe", "denied"):  # this monitor never asks to unsubscribe
            raise self._refuse_verification("not_pending", **where)
        if topic != sub.topic:
            raise self._refuse_verification("topic_mismatch", **where)
        if not sub.pending:
            raise self._refuse_verification("not_pending", **where)
        if mode == "denied":
            self.store.save(replace(sub, state="denied", pending=False))
            log.warning("websub_subscription_denied", feed_url=sub.feed_url, reason=query.get("hub.reason"))
            return web.Response(text="")
        challenge = query.get("hub.challenge", "")
        if not challenge or len(challenge) > MAX_CHALLENGE:
            raise self._refuse_verification("bad_challenge", **where)
        lease = clamp_lease(
            query.get("hub.lease_seconds"), requested=self.lease_seconds, maximum=self.lease_seconds
        )
        self.store.save(
            replace(
                sub,
                state="active",
                pending=False,
                lease_seconds=lease,
                expires_at=time.time() + lease,
                attempts=0,
                next_attempt=0.0,
            )
        )
        log.info(
            "websub_subscription_verified",
            feed_url=sub.feed_url,
            hub=sub.hub,
            lease_seconds=lease,
            lease_asked=query.get("hub.lease_seconds", "")[:20],
        )
        return web.Response(text=challenge, content_type="text/plain")

    def _precheck(self, request: web.Request, token: str) -> Subscription:
        """Before reading a push's body: a known, active callback and, with a secret, a
        well-formed signature header; and no declared length over the cap."""
        sub = self.store.by_token(token)
        if sub is None or sub.state != "active":
            self._refused("content", "unknown_callback")
            log.warning("websub_content_refused", reason="unknown_callback")
            raise web.HTTPNotFound(text="no such subscription")
        if sub.secret:
            parsed = parse_signature(request.headers.get("X-Hub-Signature"))
            if isinstance(parsed, str):
                raise self._bad_signature(sub, parsed)
        declared = request.content_length
        if declared is not None and declared > self.max_bytes:
            raise self._too_large(sub, self.max_bytes, declared)
        return sub

    def _bad_signature(self, sub: Subscription, reason: str) -> web.HTTPForbidden:
        self._refused("content", reason)
        log.warning("websub_signature_rejected", feed_url=sub.feed_url, hub=sub.hub, reason=reason)
        return web.HTTPForbidden(text=f"rejected: {reason}")

    def _too_large(self, sub: Subscription, limit: int, size: int) -> web.HTTPRequestEntityTooLarge:
        self._refused("content", "too_large")
        log.warning("websub_content_refused", feed_url=sub.feed_url, reason="too_large", limit=limit)
        return web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)

    async def expect(self, request: web.Request) -> None:
        """``Expect: 100-continue`` on a push: continue only when :meth:`_precheck` passes."""
        self._precheck(request, request.match_info["token"])
        if request.headers.get("Expect", "").lower() != "100-continue":
            raise web.HTTPExpectationFailed(text="unknown Expect")
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        request.writer.output_size = 0  # as aiohttp's own handler: the 100 is not part of the response

    async def _content(self, request: web.Request, token: str) -> web.Response:
        sub = self._precheck(request, token)
        try:
            body = await read_limited(request, self.max_bytes)
        except web.HTTPRequestEntityTooLarge:
            raise self._too_large(sub, self.max_bytes, self.max_bytes + 1) from None
        except ConnectionError:  # the hub left in the middle of its upload
            self._refused("content", "incomplete")
            log.warning("websub_content_refused", feed_url=sub.feed_url, reason="incomplete")
            raise web.HTTPBadRequest(text="incomplete body") from None
        if sub.secret:
            problem = signature_problem(sub.secret, body, request.headers.get("X-Hub-Signature"))
            if problem is not None:
                raise self._bad_signature(sub, problem)
        now = datetime.now(UTC)
        try:
            parsed = await asyncio.to_thread(
                parse_feed,
                body,
                feed_url=sub.topic,
                now=now,
                content_type=request.headers.get("Content-Type", ""),
                max_field_bytes=self.poller.max_field_bytes,
            )
        except FeedError as exc:
            log.warning("websub_content_unusable", feed_url=sub.feed_url, reason=exc.reason, error=str(exc))
            return web.json_response({"items": 0, "new": 0}, status=202)
        articles = self.poller.articles(sub.feed_url, parsed, now)
        verdicts = await self.poller.accept(articles, feed_url=sub.feed_url, web=True)
        fresh = sum(1 for v in verdicts.values() if v != "duplicate")
        log.info("websub_content_received", feed_url=sub.feed_url, items=len(articles), new=fresh)
        return web.json_response({"items": len(articles), "new": fresh}, status=202)
