"""WebSub subscriber: signatures, discovery, stored subscriptions, and the whole
subscribe → verify → signed push flow against a real local hub (aiohttp on 127.0.0.1).

``LocalHub`` is also used by ``tests/integration/test_push.py``.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from monitor.api.server import HttpServer
from monitor.api.store import RecentStore
from monitor.egress import EgressPolicy
from monitor.ingest.poller import FeedPoller
from monitor.ingest.state import FeedStateStore
from monitor.ingest.websub import (
    HubLinks,
    Subscription,
    SubscriptionStore,
    WebSubSubscriber,
    discover,
    feed_key,
    renew_margin,
    retry_delay,
    sign,
    signature_problem,
)
from monitor.metrics import Metrics
from monitor.settings import FeedSettings, HttpSettings
from tests.helpers.sinks import Collector

LONG = (
    "The foreign ministers of Japan and South Korea met in Seoul on Wednesday to prepare the summit "
    "of their leaders, agreeing to expand cooperation on semiconductors, supply chains and security "
    "while keeping a channel open to Beijing, officials said after three hours of talks in the capital."
)


def atom(entries: list[tuple[str, str]], *, hub: str | None, self_url: str) -> str:
    """An Atom feed of (id, title) entries with long content, advertising ``hub`` when given."""
    links = f'<link rel="self" href="{escape(self_url)}"/>'
    if hub:
        links += f'<link rel="hub" href="{escape(hub)}"/>'
    items = "".join(
        f"<entry><id>urn:newsmon-test:{escape(eid)}</id><title>{escape(title)}</title>"
        f'<link href="https://news.example/{escape(eid)}"/><updated>2025-08-20T10:00:00Z</updated>'
        f'<content type="text">{escape(title)}. {LONG}</content></entry>'
        for eid, title in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Hub test feed</title><id>urn:newsmon-test:feed</id><updated>2025-08-20T10:00:00Z</updated>"
        f"{links}{items}</feed>"
    )


@dataclass
class HubSubscriber:
    """What the hub knows about one subscription request."""

    topic: str
    callback: str
    secret: str
    lease_seconds: int
    verified: bool = False


@dataclass
class LocalHub:
    """A small WebSub hub plus the feed it serves, on 127.0.0.1:<free port>.

    A subscribe request is answered 202 (or ``answer``), then verified of intent
    against the subscriber's callback in the background; ``publish`` POSTs
    signed content to verified subscribers.
    """

    answer: int = 202
    lease_override: int | None = None
    sync: bool = False  # verify before answering the subscribe request
    entries: list[tuple[str, str]] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    subscribers: dict[str, HubSubscriber] = field(default_factory=dict)
    verifications: list[tuple[str, int, str]] = field(default_factory=list)
    base: str = ""
    _runner: web.AppRunner | None = None
    _verified: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def hub_url(self) -> str:
        return f"{self.base}/hub"

    @property
    def feed_url(self) -> str:
        return f"{self.base}/feed.xml"

    def document(self) -> str:
        """The feed as it is now."""
        return atom(self.entries, hub=self.hub_url, self_url=self.feed_url)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hub", self._subscribe)
        app.router.add_get("/feed.xml", self._feed)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server: Any = site._server
        self.base = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _feed(self, _: web.Request) -> web.Response:
        return web.Response(text=self.document(), content_type="application/atom+xml")

    async def _subscribe(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.requests.append(form)
        if self.answer >= 300:
            return web.Response(status=self.answer, text="hub is unwell")
        if form.get("hub.mode") == "subscribe":
            sub = HubSubscriber(
                topic=form["hub.topic"],
                callback=form["hub.callback"],
                secret=form.get("hub.secret", ""),
                lease_seconds=self.lease_override or int(form.get("hub.lease_seconds", "3600")),
            )
            if self.sync:
                await self._verify(sub)
            else:
                task = asyncio.create_task(self._verify(sub))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        return web.Response(status=self.answer)

    async def _verify(self, sub: HubSubscriber, *, topic: str | None = None) -> None:
        if not self.sync:
            await asyncio.sleep(0.05)  # answer the subscribe request first, as most hubs do
        challenge = secrets.token_urlsafe(16)
        params = {
            "hub.mode": "subscribe",
            "hub.topic": topic or sub.topic,
            "hub.challenge": challenge,
            "hub.lease_seconds": str(sub.lease_seconds),
        }
        async with httpx.AsyncClient() as client:
            response = await client.get(sub.callback, params=params)
        ok = response.status_code == 200 and response.text == challenge
        self.verifications.append((params["hub.topic"], response.status_code, response.text))
        if ok and topic is None:
            sub.verified = True
            self.subscribers[sub.topic] = sub
            self._verified.set()

    async def verify_wrong_topic(self, topic: str) -> tuple[int, str]:
        """Ask the subscriber's callback to confirm a topic it never asked for."""
        sub = next(iter(self.subscribers.values()))
        await self._verify(sub, topic=topic)
        return self.verifications[-1][1:]

    async def wait_verified(self, timeout: float = 10.0) -> HubSubscriber:
        await asyncio.wait_for(self._verified.wait(), timeout)
        return self.subscribers[self.feed_url]

    async def publish(self, body: str, *, secret: str | None = None, algorithm: str = "sha256") -> int:
        """POST content to the feed's subscriber, signed with its secret (or ``secret``)."""
        sub = self.subscribers[self.feed_url]
        data = body.encode()
        headers = {
            "Content-Type": "application/atom+xml",
            "X-Hub-Signature": sign(secret if secret is not None else sub.secret, data, algorithm),
            "Link": f'<{self.hub_url}>; rel="hub", <{self.feed_url}>; rel="self"',
        }
        async with httpx.AsyncClient() as client:
            response = await client.post(sub.callback, content=data, headers=headers)
        return response.status_code


@asynccontextmanager
async def monitor(
    hub: LocalHub, state_dir: Path, **options: Any
) -> AsyncIterator[tuple[FeedPoller, WebSubSubscriber, Collector, HttpServer]]:
    """A poller of the hub's feed, its WebSub subscriber and the HTTP server hubs call back."""
    sink = Collector()
    state = FeedStateStore(state_dir)
    poller = FeedPoller(
        [FeedSettings(url=hub.feed_url, interval=3600)],
        egress=EgressPolicy.loopback_too(),
        state=state,
        sink=sink,
        metrics=Metrics(CollectorRegistry()),
        full_text=False,
    )
    server = HttpServer(
        HttpSettings(port=0, api_token=SecretStr("t")), CollectorRegistry(), dict, RecentStore()
    )
    await server.start()
    subscriber = WebSubSubscriber(
        f"http://127.0.0.1:{server.port}/",
        poller=poller,
        store=SubscriptionStore(state.path),
        client=poller.client,
        **options,
    )
    poller.on_fetched = subscriber.feed_fetched
    server.websub = subscriber
    try:
        yield poller, subscriber, sink, server
    finally:
        await subscriber.stop()
        await poller.stop()
        await server.stop()
        state.close()


# --------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha384", "sha512"])
def test_signature_verified_for_every_websub_algorithm(algorithm: str) -> None:
    """A body signed with the secret verifies under each algorithm the spec names; tampering does not."""
    body = b"<feed>payload</feed>"
    header = sign("s3cret", body, algorithm)
    assert header.startswith(f"{algorithm}=")
    assert signature_problem("s3cret", body, header) is None
    assert signature_problem("s3cret", body, header.upper().replace(algorithm.upper(), algorithm)) is None
    assert signature_problem("s3cret", body + b" ", header) == "signature_mismatch"
    assert signature_problem("other", body, header) == "signature_mismatch"


def test_signature_problems_have_fixed_reasons() -> None:
    """Missing, malformed and unsupported signatures are refused with a reason, never an exception."""
    body = b"x"
    assert signature_problem("k", body, None) == "missing_signature"
    assert signature_problem("k", body, "") == "missing_signature"
    assert signature_problem("k", body, "sha256") == "malformed_signature"
    assert signature_problem("k", body, "sha256=") == "malformed_signature"
    assert signature_problem("k", body, "md5=0123") == "unsupported_algorithm"


def test_discover_hub_in_atom_rss_and_json_feed() -> None:
    """Atom links, RSS atom:link and JSON Feed hubs all yield (hub, topic); relative hrefs resolve."""
    doc = atom([("1", "One")], hub="https://hub.example/", self_url="https://news.example/feed")
    assert discover(doc.encode(), feed_url="https://news.example/feed?x=1") == HubLinks(
        "https://hub.example/", "https://news.example/feed"
    )
    rss = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        "<title>R</title><link>https://news.example/</link><description>d</description>"
        '<atom:link rel="hub" href="/hub"/><atom:link rel="self" href="https://news.example/rss"/>'
        "<item><title>t</title><description>d</description></item></channel></rss>"
    )
    assert discover(rss.encode(), feed_url="https://news.example/rss") == HubLinks(
        "https://news.example/hub", "https://news.example/rss"
    )
    jf = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "feed_url": "https://news.example/feed.json",
        "hubs": [
            {"type": "rssCloud", "url": "https://cloud.example/"},
            {"type": "WebSub", "url": "https://hub.example/"},
        ],
        "items": [],
    }
    assert discover(json.dumps(jf).encode(), feed_url="https://x.example/f") == HubLinks(
        "https://hub.example/", "https://news.example/feed.json"
    )


def test_discover_none_without_a_hub() -> None:
    """Feeds without a hub (or without any link at all, or not feeds) give None."""
    plain = atom([("1", "One")], hub=None, self_url="https://news.example/feed")
    assert discover(plain.encode(), feed_url="https://news.example/feed") is None
    assert discover(b"<html><body>hub</body></html>", feed_url="https://news.example/") is None
    assert discover(b'{"hubs": 3}', feed_url="https://news.example/") is None


def test_subscription_store_survives_reopen(tmp_path: Path) -> None:
    """Subscriptions (secret, state, lease) live in the ingest state file next to the feed state."""
    state = FeedStateStore(tmp_path)
    store = SubscriptionStore(state.path)
    sub = Subscription(
        key=feed_key("https://news.example/feed"),
        feed_url="https://news.example/feed",
        hub="https://hub.example/",
        topic="https://news.example/feed",
        secret="abc",
        state="active",
        pending=False,
        lease_seconds=600,
        expires_at=1234.5,
        requested_at=1000.0,
        attempts=2,
        next_attempt=9.0,
    )
    store.save(sub)
    store.close()
    state.close()
    again = SubscriptionStore(tmp_path / "ingest.sqlite3")
    assert again.get(sub.key) == sub
    assert again.all() == [sub]
    again.delete(sub.key)
    assert again.get(sub.key) is None
    again.close()


def test_feed_key_retry_and_renewal_arithmetic() -> None:
    """Keys are stable and URL-safe; retries back off to a cap; renewal starts a tenth of the lease early."""
    assert feed_key("https://a.example/f") == feed_key("https://a.example/f")
    assert feed_key("https://a.example/f") != feed_key("https://a.example/g")
    assert feed_key("https://a.example/f").isalnum()
    assert [retry_delay(n, base=10) for n in (1, 2, 3)] == [10, 20, 40]
    assert retry_delay(50, base=10, cap=100) == 100
    assert renew_margin(864000) == 86400
    assert renew_margin(300) == 60
    assert renew_margin(4) == 2


# --------------------------------------------------------------------------- against a real local hub


def test_subscribe_verify_and_signed_push_reach_the_sink(tmp_path: Path) -> None:
    """A polled feed advertising a hub is subscribed and verified; a signed push is ingested at once,
    a bad signature is refused (403) and a wrong topic is not confirmed (404)."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")])
        await hub.start()
        try:
            async with monitor(hub, tmp_path) as (poller, subscriber, sink, _):
                assert await poller.poll_once() == 1
                sub = await hub.wait_verified()
                assert hub.requests[0]["hub.mode"] == "subscribe"
                assert hub.requests[0]["hub.topic"] == hub.feed_url
                assert hub.requests[0]["hub.callback"] == subscriber.callback_url(feed_key(hub.feed_url))
                assert len(hub.requests[0]["hub.secret"]) >= 32
                stored = subscriber.store.get(feed_key(hub.feed_url))
                assert stored is not None and stored.state == "active" and not stored.pending
                assert stored.secret == sub.secret

                status, _ = await hub.verify_wrong_topic("https://evil.example/feed")
                assert status == 404

                bad = atom([("2", "Forged story")], hub=hub.hub_url, self_url=hub.feed_url)
                assert await hub.publish(bad, secret="not-the-secret") == 403
                assert await hub.publish(bad, algorithm="sha1", secret="") == 403
                assert [a.title for a in sink.articles] == ["First story"]

                hub.entries.append(("2", "Second story"))
                assert await hub.publish(hub.document(), algorithm="sha512") == 202
                assert [a.title for a in sink.articles] == ["First story", "Second story"]
                pushed = sink.articles[1]
                assert pushed.feed_url == hub.feed_url  # same identity and dedup as polling

                assert await hub.publish(hub.document()) == 202  # the same content again
                assert len(sink.articles) == 2
                assert await poller.poll_once() == 0  # and polling knows it too
        finally:
            await hub.stop()

    asyncio.run(scenario())


def test_unknown_callback_and_websub_disabled_are_404(tmp_path: Path) -> None:
    """Verification for a key nobody subscribed is 404, as is every /websub call when WebSub is off."""

    async def scenario() -> None:
        hub = LocalHub()
        await hub.start()
        try:
            async with monitor(hub, tmp_path) as (_, _, _, server):
                base = f"http://127.0.0.1:{server.port}"
                params = {"hub.mode": "subscribe", "hub.topic": hub.feed_url, "hub.challenge": "c"}
                async with httpx.AsyncClient() as client:
                    assert (await client.get(f"{base}/websub/fnope", params=params)).status_code == 404
                    assert (await client.post(f"{base}/websub/fnope", content=b"x")).status_code == 404
                    server.websub = None
                    off = await client.get(f"{base}/websub/fnope", params=params)
                    assert off.status_code == 404 and "not enabled" in off.json()["error"]["message"]
        finally:
            await hub.stop()

    asyncio.run(scenario())


def test_lease_renewed_before_expiry_with_the_same_secret(tmp_path: Path) -> None:
    """A short lease granted by the hub is renewed by maintain() before it ends, keeping the secret."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")], lease_override=60)
        await hub.start()
        try:
            async with monitor(hub, tmp_path) as (poller, subscriber, _, _):
                await poller.poll_once()
                await hub.wait_verified()
                key = feed_key(hub.feed_url)
                sub = subscriber.store.get(key)
                assert sub is not None and sub.lease_seconds == 60
                assert await subscriber.maintain(now=time.time()) == 0  # 60 s left, margin 30 s
                hub._verified.clear()
                assert await subscriber.maintain(now=time.time() + 35) == 1
                await hub.wait_verified()
                assert len(hub.requests) == 2
                assert hub.requests[1]["hub.secret"] == hub.requests[0]["hub.secret"]
                renewed = subscriber.store.get(key)
                assert renewed is not None and renewed.state == "active" and not renewed.pending
                assert renewed.expires_at is not None and sub.expires_at is not None
                assert renewed.expires_at >= sub.expires_at
        finally:
            await hub.stop()

    asyncio.run(scenario())


def test_refused_subscription_is_retried_with_backoff(tmp_path: Path) -> None:
    """A hub answering 500 leaves the subscription pending with a backoff; maintain() retries when due."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")], answer=500)
        await hub.start()
        try:
            async with monitor(hub, tmp_path, retry_base=30.0) as (poller, subscriber, _, _):
                await poller.poll_once()
                for _ in range(100):
                    if hub.requests and subscriber._tasks == set():
                        break
                    await asyncio.sleep(0.02)
                key = feed_key(hub.feed_url)
                sub = subscriber.store.get(key)
                assert sub is not None and sub.pending and sub.attempts == 1
                assert 20 < sub.next_attempt - time.time() <= 30
                assert await subscriber.maintain() == 0  # not yet due
                hub.answer = 202
                assert await subscriber.maintain(now=sub.next_attempt + 1) == 1
                await hub.wait_verified()
                done = subscriber.store.get(key)
                assert done is not None and done.state == "active" and done.attempts == 0
        finally:
            await hub.stop()

    asyncio.run(scenario())


def test_hub_verifying_before_it_answers_and_denial(tmp_path: Path) -> None:
    """A hub that verifies intent before answering the subscribe POST is confirmed (no deadlock);
    a later ``hub.mode=denied`` for the topic is recorded and the subscription is not renewed."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")], sync=True)
        await hub.start()
        try:
            async with monitor(hub, tmp_path, request_timeout=5.0) as (poller, subscriber, _, _):
                started = time.monotonic()
                await poller.poll_once()
                await hub.wait_verified(timeout=5)
                assert time.monotonic() - started < 3
                key = feed_key(hub.feed_url)
                for _ in range(100):
                    if not subscriber._tasks:
                        break
                    await asyncio.sleep(0.02)
                sub = subscriber.store.get(key)
                assert sub is not None and sub.state == "active" and sub.attempts == 0
                callback = subscriber.callback_url(key)
                params = {"hub.mode": "denied", "hub.topic": hub.feed_url, "hub.reason": "quota"}
                async with httpx.AsyncClient() as client:
                    assert (await client.get(callback, params=params)).status_code == 200
                denied = subscriber.store.get(key)
                assert denied is not None and denied.state == "denied"
                assert await subscriber.maintain(now=time.time() + 10**7) == 0
        finally:
            await hub.stop()

    asyncio.run(scenario())
