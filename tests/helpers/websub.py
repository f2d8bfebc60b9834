"""A real WebSub hub on loopback (aiohttp), a throw-away TLS certificate for it, and a monitor
(poller, subscriber, HTTP server with the callback) wired to it.

Used by ``tests/monitor/ingest/test_ingest_websub*.py`` and ``tests/integration/test_push.py``.
"""

from __future__ import annotations

import asyncio
import secrets
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx
from aiohttp import web
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from monitor.api.server import HttpServer
from monitor.api.store import RecentStore
from monitor.egress import EgressPolicy, guarded_client
from monitor.ingest.poller import FeedPoller
from monitor.ingest.state import FeedStateStore
from monitor.ingest.websub import SubscriptionStore, WebSubSubscriber, sign
from monitor.metrics import Metrics
from monitor.settings import FeedSettings, HttpSettings
from tests.helpers.sinks import Collector
from tests.helpers.tls import self_signed_cert

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


@dataclass(frozen=True)
class Tls:
    """A self-signed certificate for 127.0.0.1: the server's context and a client context trusting it."""

    server: ssl.SSLContext
    client: ssl.SSLContext


def make_tls(directory: Path) -> Tls:
    """The certificate of :func:`tests.helpers.tls.self_signed_cert` as server and client contexts."""
    cert, key = self_signed_cert(directory)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    return Tls(server=server, client=ssl.create_default_context(cafile=str(cert)))


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
    """A small WebSub hub plus the feed it serves, on 127.0.0.1:<free port> (https with ``tls``).

    A subscribe request is answered 202 (or ``answer``), then verified of intent
    against the subscriber's callback in the background (``deny`` sends a denial
    instead; ``verify=False`` never calls back); ``publish`` POSTs signed content
    to verified subscribers. ``advertise`` puts another hub URL in the feed.
    """

    answer: int = 202
    lease_override: int | None = None
    sync: bool = False  # verify before answering the subscribe request
    verify: bool = True
    deny: str | None = None
    tls: Tls | None = None
    advertise: str | None = None
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
        return atom(self.entries, hub=self.advertise or self.hub_url, self_url=self.feed_url)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hub", self._subscribe)
        app.router.add_get("/feed.xml", self._feed)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        ssl_context = self.tls.server if self.tls is not None else None
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=ssl_context)
        await site.start()
        server: Any = site._server
        scheme = "https" if self.tls is not None else "http"
        self.base = f"{scheme}://127.0.0.1:{server.sockets[0].getsockname()[1]}"

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
        if form.get("hub.mode") == "subscribe" and self.verify:
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
        if self.deny is not None:
            params = {"hub.mode": "denied", "hub.topic": sub.topic, "hub.reason": self.deny}
        async with httpx.AsyncClient() as client:
            response = await client.get(sub.callback, params=params)
        ok = response.status_code == 200 and response.text == challenge
        self.verifications.append((params["hub.topic"], response.status_code, response.text))
        if ok and topic is None:
            sub.verified = True
            self.subscribers[sub.topic] = sub
            self._verified.set()
        elif self.deny is not None:
            self.subscribers[sub.topic] = sub
            self._verified.set()

    async def verify_wrong_topic(self, topic: str) -> tuple[int, str]:
        """Ask the subscriber's callback to confirm a topic it never asked for."""
        sub = next(iter(self.subscribers.values()))
        await self._verify(sub, topic=topic)
        return self.verifications[-1][1:]

    async def wait_verified(self, timeout: float = 10.0) -> HubSubscriber:
        """The feed's subscriber once the hub has called back (verified, or denied with ``deny``)."""
        await asyncio.wait_for(self._verified.wait(), timeout)
        return self.subscribers[self.feed_url]

    async def publish(
        self, body: str, *, secret: str | None = None, algorithm: str = "sha256", signed: bool = True
    ) -> int:
        """POST content to the feed's subscriber, signed with its secret (or ``secret``)."""
        sub = self.subscribers[self.feed_url]
        data = body.encode()
        headers = {
            "Content-Type": "application/atom+xml",
            "Link": f'<{self.hub_url}>; rel="hub", <{self.feed_url}>; rel="self"',
        }
        if signed:
            headers["X-Hub-Signature"] = sign(secret if secret is not None else sub.secret, data, algorithm)
        async with httpx.AsyncClient() as client:
            response = await client.post(sub.callback, content=data, headers=headers)
        return response.status_code


@asynccontextmanager
async def monitor(
    hub: LocalHub,
    state_dir: Path,
    *,
    policy: EgressPolicy | None = None,
    **options: Any,
) -> AsyncIterator[tuple[FeedPoller, WebSubSubscriber, Collector, HttpServer]]:
    """A poller of the hub's feed, its WebSub subscriber and the HTTP server hubs call back.

    The poller's client (which the subscriber shares) obeys ``policy`` (loopback allowed by
    default) and trusts the hub's certificate when it has one.
    """
    sink = Collector()
    state = FeedStateStore(state_dir)
    client = guarded_client(
        policy or EgressPolicy.loopback_too(),
        ssl_context=hub.tls.client if hub.tls is not None else None,
    )
    poller = FeedPoller(
        [FeedSettings(url=hub.feed_url, interval=3600)],
        client=client,
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
        client=client,
        **options,
    )
    poller.on_fetched = subscriber.feed_fetched
    server.websub = subscriber
    try:
        yield poller, subscriber, sink, server
    finally:
        await subscriber.stop()
        await poller.stop()
        await client.aclose()
        await server.stop()
        subscriber.store.close()
        state.close()


async def settled(subscriber: WebSubSubscriber, rounds: int = 250) -> None:
    """Wait (bounded: fails on hang) until the subscriber's background discovery is done."""
    for _ in range(rounds):
        if not subscriber._tasks:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("WebSub discovery still running")


def refused(subscriber: WebSubSubscriber, kind: str, reason: str) -> float:
    """``newsmon_websub_refused_total{kind, reason}`` of the subscriber's registry."""
    value = subscriber.metrics.registry.get_sample_value(
        "newsmon_websub_refused_total", {"kind": kind, "reason": reason}
    )
    return value or 0.0
