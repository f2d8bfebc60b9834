"""WebSub against hostile peers: spoofed verifications of the callback, forged or oversized pushes,
plain-http hubs and hubs on addresses the egress policy refuses.

Every peer is real: the monitor's aiohttp callback server, a local hub (``tests/helpers/websub.py``,
https with a throw-away certificate unless the test is about plain http), raw sockets for uploads
that must be answered before they are finished, and an internal service on 127.0.0.2.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import secrets
import time
from collections.abc import AsyncIterator, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from structlog.testing import capture_logs

from monitor.egress import EgressPolicy
from monitor.ingest.websub import WebSubSubscriber, feed_key, sign
from tests.helpers.sinks import Collector
from tests.helpers.websub import LocalHub, Tls, atom, make_tls, monitor, refused, settled
from tests.monitor.ingest.ingest_httpd import FeedServer

THOUSAND_YEARS = 1000 * 365 * 86400


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """A self-signed certificate for the https hubs of this module."""
    return make_tls(tmp_path_factory.mktemp("tls"))


def _events(logs: list[MutableMapping[str, Any]], event: str) -> list[MutableMapping[str, Any]]:
    return [entry for entry in logs if entry["event"] == event]


async def _raw_post(
    port: int, path: str, headers: dict[str, str], first_chunk: bytes = b""
) -> tuple[int, list[str]]:
    """Start a POST on a raw socket: headers, then at most one chunk of a body that is never finished.

    Returns the status of the first response line and the header lines, read within 10 s: the server
    must answer without the rest of the body.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
        writer.write(head.encode())
        if first_chunk:
            writer.write(f"{len(first_chunk):x}\r\n".encode() + first_chunk + b"\r\n")
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), timeout=10)
        lines: list[str] = []
        while True:
            line = await asyncio.wait_for(reader.readline(), timeout=10)
            if line in (b"\r\n", b""):
                break
            lines.append(line.decode().strip())
        return int(status.split()[1]), lines
    finally:
        writer.close()


async def _verified(hub: LocalHub, subscriber: WebSubSubscriber) -> tuple[str, str]:
    """Wait for the hub's verification; the callback path and base URL of the subscription."""
    await hub.wait_verified()
    sub = subscriber.store.get(feed_key(hub.feed_url))
    assert sub is not None and sub.state == "active"
    return f"/websub/{sub.token}", subscriber.callback_base


# --------------------------------------------------------------------------- verification of intent


def test_spoofed_verifications_change_nothing(tmp_path: Path, tls: Tls) -> None:
    """After a real verification (whose 1000-year lease is clamped to the configured lease), spoofed
    GETs are all 404 and leave the subscription as it was: a wrong token, the old feed-derived path,
    the right token with no request pending (even asking a 1000-year lease), a ``denied`` after
    verification, an ``unsubscribe`` this monitor never asked for. Pushes still work afterwards."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")], lease_override=THOUSAND_YEARS, tls=tls)
        await hub.start()
        try:
            async with monitor(hub, tmp_path, lease_seconds=864000) as (poller, subscriber, sink, _):
                started = time.time()
                await poller.poll_once()
                path, base = await _verified(hub, subscriber)
                before = subscriber.store.get(feed_key(hub.feed_url))
                assert before is not None and before.lease_seconds == 864000
                assert before.expires_at is not None and before.expires_at <= time.time() + 864000
                assert before.expires_at >= started + 864000

                def ask(mode: str, **extra: str) -> dict[str, str]:
                    return {"hub.mode": mode, "hub.topic": hub.feed_url, "hub.challenge": "c0ffee"} | extra

                spoofs = [
                    (f"/websub/{secrets.token_urlsafe(24)}", ask("subscribe")),
                    (f"/websub/{feed_key(hub.feed_url)}", ask("subscribe")),
                    (path, ask("subscribe", **{"hub.lease_seconds": str(THOUSAND_YEARS)})),
                    (path, ask("denied", **{"hub.reason": "spoofed"})),
                    (path, ask("unsubscribe")),
                ]
                async with httpx.AsyncClient(base_url=base) as client:
                    for spoof_path, params in spoofs:
                        answer = await client.get(spoof_path, params=params)
                        assert answer.status_code == 404, (spoof_path, params)
                        assert "c0ffee" not in answer.text
                    old = await client.post(f"/websub/{feed_key(hub.feed_url)}", content=hub.document())
                    assert old.status_code == 404
                assert subscriber.store.get(feed_key(hub.feed_url)) == before
                assert refused(subscriber, "verification", "unknown_callback") == 2
                assert refused(subscriber, "verification", "not_pending") == 3
                assert refused(subscriber, "content", "unknown_callback") == 1

                hub.entries.append(("2", "Second story"))
                assert await hub.publish(hub.document()) == 202
                assert [a.title for a in sink.articles] == ["First story", "Second story"]
        finally:
            await hub.stop()

    asyncio.run(scenario())


def test_verification_accepted_only_while_pending_for_the_topic(tmp_path: Path, tls: Tls) -> None:
    """The test plays a hub that never verified by itself: while the request is pending, a wrong
    topic, a missing or over-long challenge are 404 and leave it pending; the right one is echoed and
    its lease clamped to [60 s, the configured lease]; the same verification again is 404."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")], verify=False, tls=tls)
        await hub.start()
        try:
            async with monitor(hub, tmp_path, lease_seconds=3600) as (poller, subscriber, _, _):
                await poller.poll_once()
                await settled(subscriber)
                key = feed_key(hub.feed_url)
                pending = subscriber.store.get(key)
                assert pending is not None and pending.pending and pending.state == "pending"
                callback = hub.requests[0]["hub.callback"]
                good = {"hub.mode": "subscribe", "hub.topic": hub.feed_url, "hub.challenge": "ch-1"}
                async with httpx.AsyncClient() as client:
                    for bad in (
                        good | {"hub.topic": "https://evil.example/feed"},
                        good | {"hub.challenge": ""},
                        good | {"hub.challenge": "x" * 1025},
                    ):
                        assert (await client.get(callback, params=bad)).status_code == 404
                    assert subscriber.store.get(key) == pending
                    long_lease = good | {"hub.lease_seconds": str(THOUSAND_YEARS)}
                    answer = await client.get(callback, params=long_lease)
                    assert (answer.status_code, answer.text) == (200, "ch-1")
                    active = subscriber.store.get(key)
                    assert active is not None and active.state == "active" and not active.pending
                    assert active.lease_seconds == 3600
                    again = await client.get(callback, params=good | {"hub.lease_seconds": "30"})
                    assert again.status_code == 404
                    assert subscriber.store.get(key) == active
                assert refused(subscriber, "verification", "topic_mismatch") == 1
                assert refused(subscriber, "verification", "bad_challenge") == 2
                assert refused(subscriber, "verification", "not_pending") == 1
        finally:
            await hub.stop()

    asyncio.run(scenario())


# --------------------------------------------------------------------------- plain-http hubs


def test_plain_http_hub_is_refused_by_default(tmp_path: Path) -> None:
    """A feed advertising a plain-http hub is polled as usual, but the hub is never contacted: a
    ``websub_hub_refused`` event (reason http_hub), counted, and no subscription stored."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")])
        await hub.start()
        try:
            async with monitor(hub, tmp_path) as (poller, subscriber, sink, _):
                assert await poller.poll_once() == 1
                await settled(subscriber)
                assert hub.requests == []
                assert subscriber.store.all() == []
                assert refused(subscriber, "hub", "http_hub") == 1
                assert [a.title for a in sink.articles] == ["First story"]
        finally:
            await hub.stop()

    with capture_logs() as logs:
        asyncio.run(scenario())
    [event] = _events(logs, "websub_hub_refused")
    assert event["reason"] == "http_hub" and event["hub"].startswith("http://127.0.0.1:")


def test_plain_http_hub_allowed_is_never_sent_a_secret(tmp_path: Path) -> None:
    """With ``allow_http_hubs`` a plain-http hub is subscribed without ``hub.secret`` (logged as
    ``websub_subscribe_unsigned``); its unsigned pushes are taken on the callback token alone, and a
    push to any other token is 404."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")])
        await hub.start()
        try:
            async with monitor(hub, tmp_path, allow_http_hubs=True) as (poller, subscriber, sink, _):
                await poller.poll_once()
                await _verified(hub, subscriber)
                form = hub.requests[0]
                assert "hub.secret" not in form and form["hub.mode"] == "subscribe"
                stored = subscriber.store.get(feed_key(hub.feed_url))
                assert stored is not None and stored.secret == ""
                hub.entries.append(("2", "Pushed story"))
                assert await hub.publish(hub.document(), signed=False) == 202
                assert [a.title for a in sink.articles] == ["First story", "Pushed story"]
                async with httpx.AsyncClient(base_url=subscriber.callback_base) as client:
                    forged = atom([("3", "Forged story")], hub=hub.hub_url, self_url=hub.feed_url)
                    other = f"/websub/{secrets.token_urlsafe(24)}"
                    assert (await client.post(other, content=forged)).status_code == 404
                assert len(sink.articles) == 2
        finally:
            await hub.stop()

    with capture_logs() as logs:
        asyncio.run(scenario())
    assert [e["reason"] for e in _events(logs, "websub_subscribe_unsigned")] == ["http_hub"]
    assert _events(logs, "websub_hub_refused") == []


# --------------------------------------------------------------------------- content distribution


@asynccontextmanager
async def verified(
    tmp_path: Path, tls: Tls, **options: Any
) -> AsyncIterator[tuple[LocalHub, Collector, WebSubSubscriber, int, str]]:
    """A verified https subscription: its hub, the sink, the subscriber, the callback port and path."""
    hub = LocalHub(entries=[("1", "First story")], tls=tls)
    await hub.start()
    try:
        async with monitor(hub, tmp_path, **options) as (poller, subscriber, sink, server):
            await poller.poll_once()
            path, _ = await _verified(hub, subscriber)
            assert server.port is not None
            yield hub, sink, subscriber, server.port, path
    finally:
        await hub.stop()


def test_push_without_a_well_formed_signature_is_refused_before_its_body(tmp_path: Path, tls: Tls) -> None:
    """A push whose ``X-Hub-Signature`` is missing or malformed is answered 403 while the client is
    still uploading: one 64 KiB chunk of a chunked body that never ends, or a declared 1 GiB. With
    ``Expect: 100-continue`` the 403 comes instead of the ``100 Continue``; a well-formed header gets
    the ``100``. Nothing is ingested, and each refusal is counted by reason."""

    async def scenario() -> None:
        async with verified(tmp_path, tls) as (_, sink, subscriber, port, path):
            chunk = b"<" * 65536
            chunked = {"Content-Type": "application/atom+xml", "Transfer-Encoding": "chunked"}
            cases = [
                ({}, "missing_signature"),
                ({"X-Hub-Signature": "sha256=zz"}, "malformed_signature"),
                ({"X-Hub-Signature": "sha256=" + "0" * 10}, "malformed_signature"),
                ({"X-Hub-Signature": "md5=" + "0" * 32}, "unsupported_algorithm"),
            ]
            for headers, _ in cases:
                status, lines = await _raw_post(port, path, chunked | headers, chunk)
                assert status == 403, headers
                assert any(line.startswith("Content-Length:") for line in lines)
            declared = {"Content-Length": str(1 << 30)}
            assert (await _raw_post(port, path, declared))[0] == 403
            expect = {"Content-Length": "100000", "Expect": "100-continue"}
            assert (await _raw_post(port, path, expect | {"X-Hub-Signature": "sha1=x"}))[0] == 403
            well_formed = {"X-Hub-Signature": sign("guess", b"")}
            assert (await _raw_post(port, path, expect | well_formed))[0] == 100
            assert [a.title for a in sink.articles] == ["First story"]
            assert refused(subscriber, "content", "missing_signature") == 2
            assert refused(subscriber, "content", "malformed_signature") == 3
            assert refused(subscriber, "content", "unsupported_algorithm") == 1

    asyncio.run(scenario())


def test_push_over_the_size_cap_is_413(tmp_path: Path, tls: Tls) -> None:
    """With a 64 KiB cap, a push declaring 10 MB is refused 413 before any body is sent, a chunked push
    streaming past the cap (validly signed) is refused 413, and nothing is ingested; a signed push
    under the cap still goes through."""

    async def scenario() -> None:
        async with verified(tmp_path, tls, max_bytes=64 * 1024) as (hub, sink, subscriber, port, path):
            secret = hub.subscribers[hub.feed_url].secret
            declared = {"Content-Length": str(10 << 20), "X-Hub-Signature": sign(secret, b"")}
            assert (await _raw_post(port, path, declared))[0] == 413

            piece = b" " * 16384
            body = piece * 16

            async def stream() -> AsyncIterator[bytes]:
                for _ in range(16):
                    yield piece

            headers = {"Content-Type": "application/atom+xml", "X-Hub-Signature": sign(secret, body)}
            async with httpx.AsyncClient(base_url=subscriber.callback_base) as client:
                answer = await client.post(path, content=stream(), headers=headers)
            assert answer.status_code == 413
            assert refused(subscriber, "content", "too_large") == 2
            assert [a.title for a in sink.articles] == ["First story"]

            hub.entries.append(("2", "Second story"))
            assert await hub.publish(hub.document()) == 202
            assert [a.title for a in sink.articles] == ["First story", "Second story"]

    asyncio.run(scenario())


# --------------------------------------------------------------------------- the egress policy


def test_hub_on_an_address_the_policy_refuses_is_never_contacted(tmp_path: Path, tls: Tls) -> None:
    """A feed advertising a hub on 127.0.0.2 (an internal service) under a policy allowing only
    127.0.0.1: the feed is polled, the hub gets no request, ``websub_subscribe_failed`` is logged
    with reason refused and counted, no subscription is kept, and maintenance carries on."""
    only_one = EgressPolicy(allow_networks=(ipaddress.ip_network("127.0.0.1/32"),), allowed_ports=None)

    async def scenario() -> None:
        async with FeedServer(host="127.0.0.2") as internal:
            port = int(internal.base.rsplit(":", 1)[1])
            hub = LocalHub(entries=[("1", "First story")], tls=tls, advertise=f"https://127.0.0.2:{port}/hub")
            await hub.start()
            try:
                async with monitor(hub, tmp_path, policy=only_one) as (poller, subscriber, sink, _):
                    assert await poller.poll_once() == 1
                    await settled(subscriber)
                    assert internal.requests == []
                    assert subscriber.store.all() == []
                    assert refused(subscriber, "hub", "refused") == 1
                    assert await subscriber.maintain() == 0
                    assert [a.title for a in sink.articles] == ["First story"]
            finally:
                await hub.stop()

    with capture_logs() as logs:
        asyncio.run(scenario())
    [failed] = _events(logs, "websub_subscribe_failed")
    assert failed["reason"] == "refused" and "127.0.0.2" in failed["hub"]
    assert _events(logs, "websub_subscribe_requested") == []


# --------------------------------------------------------------------------- hub answers


def test_hub_answers_are_read_with_a_cap_and_a_deadline(tmp_path: Path, tls: Tls) -> None:
    """A hub answering 500 with an endless body is read only up to the cap (the connection is dropped,
    the hub's writes fail long before its 1 GiB); one dripping a byte at a time is given up at the
    request timeout. Both are failed subscriptions retried later, with a fixed reason."""
    written: list[int] = []

    async def endless(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=500)
        await response.prepare(request)
        sent = 0
        try:
            while sent < 1 << 30:
                await response.write(b"x" * 65536)
                sent += 65536
        except ConnectionError:
            pass
        written.append(sent)
        return response

    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=502)
        await response.prepare(request)
        with contextlib.suppress(ConnectionError):
            for _ in range(600):
                await response.write(b".")
                await asyncio.sleep(0.1)
        return response

    async def scenario() -> None:
        async with FeedServer() as hubs:
            hubs.routes["/endless"] = endless
            hubs.routes["/drip"] = drip
            hub = LocalHub(entries=[("1", "First story")], tls=tls, advertise=hubs.url("/endless"))
            await hub.start()
            try:
                options: dict[str, Any] = {"allow_http_hubs": True, "request_timeout": 1.0}
                async with monitor(hub, tmp_path, **options) as (poller, subscriber, _, _):
                    await poller.poll_once()
                    await settled(subscriber)
                    for _ in range(500):  # bounded: the hub notices the dropped connection
                        if written:
                            break
                        await asyncio.sleep(0.02)
                    assert written and written[0] < 1 << 30
                    first = subscriber.store.get(feed_key(hub.feed_url))
                    assert first is not None and first.pending and first.attempts == 1
                    assert refused(subscriber, "hub", "status") == 1

                    await subscriber.discovered(
                        hub.feed_url,
                        hub.feed_url,
                        atom([], hub=hubs.url("/drip"), self_url=hub.feed_url).encode(),
                    )
                    assert refused(subscriber, "hub", "timeout") == 1
            finally:
                await hub.stop()

    with capture_logs() as logs:
        asyncio.run(scenario())
    failures = _events(logs, "websub_subscribe_failed")
    assert [f["reason"] for f in failures] == ["status", "timeout"]
    assert failures[0]["error"].startswith("hub answered 500: xxx") and len(failures[0]["error"]) < 300
