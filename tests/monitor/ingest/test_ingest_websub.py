"""WebSub subscriber: signatures, discovery, stored subscriptions, and the whole
subscribe → verify → signed push flow against a real local https hub (aiohttp on 127.0.0.1,
``tests/helpers/websub.py``). Hostile hubs and spoofed callbacks: ``test_ingest_websub_hostile.py``.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from monitor.ingest.state import FeedStateStore
from monitor.ingest.websub import (
    HubLinks,
    Subscription,
    SubscriptionStore,
    discover,
    feed_key,
    renew_margin,
    retry_delay,
    sign,
    signature_problem,
)
from monitor.ingest.websub_hubs import parse_signature
from monitor.ingest.websub_store import clamp_lease, token_hash
from tests.helpers.websub import LocalHub, Tls, atom, make_tls, monitor, settled


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """A self-signed certificate for the https hubs of this module."""
    return make_tls(tmp_path_factory.mktemp("tls"))


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
    """Missing, malformed and unsupported signatures are refused with a reason, never an exception;
    well-formed means a known algorithm and exactly its digest length in hex (checked without a body)."""
    body = b"x"
    assert signature_problem("k", body, None) == "missing_signature"
    assert signature_problem("k", body, "") == "missing_signature"
    assert signature_problem("k", body, "sha256") == "malformed_signature"
    assert signature_problem("k", body, "sha256=") == "malformed_signature"
    assert signature_problem("k", body, "sha256=0123") == "malformed_signature"
    assert signature_problem("k", body, "sha1=" + "g" * 40) == "malformed_signature"
    assert signature_problem("k", body, "md5=0123") == "unsupported_algorithm"
    assert parse_signature("SHA1=" + "A" * 40) == ("sha1", "a" * 40)
    assert parse_signature("sha512=" + "0" * 127) == "malformed_signature"


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


def _subscription(**changes: object) -> Subscription:
    fields: dict[str, object] = {
        "key": feed_key("https://news.example/feed"),
        "feed_url": "https://news.example/feed",
        "hub": "https://hub.example/",
        "topic": "https://news.example/feed",
        "secret": "abc",
        "state": "active",
        "pending": False,
        "lease_seconds": 600,
        "expires_at": 1234.5,
        "requested_at": 1000.0,
        "attempts": 2,
        "next_attempt": 9.0,
        "token": "tok-" + "x" * 28,
    }
    fields.update(changes)
    return Subscription(**fields)  # type: ignore[arg-type]


def test_subscription_store_survives_reopen_and_finds_by_token(tmp_path: Path) -> None:
    """Subscriptions (token, secret, state, lease) live in the ingest state file next to the feed state;
    a subscription is found by its exact callback token only."""
    state = FeedStateStore(tmp_path)
    store = SubscriptionStore(state.path)
    sub = _subscription()
    store.save(sub)
    store.close()
    state.close()
    again = SubscriptionStore(tmp_path / "ingest.sqlite3")
    assert again.get(sub.key) == sub
    assert again.all() == [sub]
    assert again.by_token(sub.token) == sub
    for wrong in ("", sub.token[:-1], sub.token + "x", sub.key, sub.token.upper()):
        assert again.by_token(wrong) is None
    again.delete(sub.key)
    assert again.get(sub.key) is None and again.by_token(sub.token) is None
    again.close()


def _old_state_file(path: Path, rows: list[tuple[object, ...]]) -> None:
    """An ingest state file as written before callback tokens existed, with these websub rows."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE websub (key TEXT PRIMARY KEY, feed_url TEXT NOT NULL, hub TEXT NOT NULL,"
            " topic TEXT NOT NULL, secret TEXT NOT NULL, state TEXT NOT NULL, pending INTEGER NOT NULL,"
            " lease_seconds INTEGER NOT NULL, expires_at REAL, requested_at REAL NOT NULL,"
            " attempts INTEGER NOT NULL, next_attempt REAL NOT NULL)"
        )
        db.executemany("INSERT INTO websub VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.close()


def test_store_from_before_tokens_is_migrated_without_losing_rows(tmp_path: Path) -> None:
    """A state file whose websub table has no token column keeps its rows: each gets its own fresh
    token and is due for re-subscription (pending, next attempt now); a denied one stays denied."""
    path = tmp_path / "ingest.sqlite3"
    hub = "https://hub.example/"
    url_a, url_b = "https://a.example/feed", "https://b.example/feed"
    _old_state_file(
        path,
        [
            ("fa", url_a, hub, url_a, "s1", "active", 0, 864000, 2e9, 1e9, 0, 0),
            ("fb", url_b, hub, url_b, "s2", "denied", 0, 864000, None, 1e9, 3, 5),
        ],
    )

    store = SubscriptionStore(path)
    a, b = store.get("fa"), store.get("fb")
    assert a is not None and b is not None
    assert (a.feed_url, a.secret, a.state, a.expires_at) == (url_a, "s1", "active", 2e9)
    assert a.pending and a.next_attempt == 0 and a.attempts == 0
    assert (b.state, b.pending) == ("denied", False)
    assert len({a.token, b.token}) == 2 and all(len(t) >= 32 for t in (a.token, b.token))
    assert store.by_token(a.token) == a and store.by_token(b.token) == b
    store.close()
    again = SubscriptionStore(path)  # opening again changes nothing
    assert again.get("fa") == a and again.get("fb") == b
    again.close()
    with sqlite3.connect(path) as raw:
        hashes = dict(raw.execute("SELECT key, token_hash FROM websub").fetchall())
    assert hashes == {"fa": token_hash(a.token), "fb": token_hash(b.token)}


def test_lease_clamp_retry_and_renewal_arithmetic() -> None:
    """Granted leases are clamped to [60 s, the configured lease]; retries back off to a cap; renewal
    starts a tenth of the lease early; row keys are stable per feed."""
    assert clamp_lease(str(1000 * 365 * 86400), requested=864000, maximum=864000) == 864000
    assert clamp_lease("1", requested=864000, maximum=864000) == 60
    assert clamp_lease("-5", requested=3600, maximum=864000) == 60
    assert clamp_lease(None, requested=3600, maximum=864000) == 3600
    assert clamp_lease("soon", requested=3600, maximum=864000) == 3600
    assert clamp_lease("7200", requested=3600, maximum=864000) == 7200
    assert feed_key("https://a.example/f") == feed_key("https://a.example/f")
    assert feed_key("https://a.example/f") != feed_key("https://a.example/g")
    assert [retry_delay(n, base=10) for n in (1, 2, 3)] == [10, 20, 40]
    assert retry_delay(50, base=10, cap=100) == 100
    assert renew_margin(864000) == 86400
    assert renew_margin(300) == 60
    assert renew_margin(4) == 2


# --------------------------------------------------------------------------- against a real local hub


def test_subscribe_verify_and_signed_push_reach_the_sink(tmp_path: Path, tls: Tls) -> None:
    """A polled feed advertising an https hub is subscribed with a random callback token and a secret,
    and verified; a signed push is ingested at once, a bad signature is refused (403) and a wrong topic
    is not confirmed (404)."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")], tls=tls)
        await hub.start()
        try:
            async with monitor(hub, tmp_path) as (poller, subscriber, sink, _):
                assert await poller.poll_once() == 1
                sub = await hub.wait_verified()
                stored = subscriber.store.get(feed_key(hub.feed_url))
                assert stored is not None and stored.state == "active" and not stored.pending
                form = hub.requests[0]
                assert form["hub.mode"] == "subscribe"
                assert form["hub.topic"] == hub.feed_url
                assert form["hub.callback"] == subscriber.callback_url(stored.token)
                assert len(stored.token) >= 32 and feed_key(hub.feed_url) not in form["hub.callback"]
                assert len(form["hub.secret"]) >= 32
                assert stored.secret == sub.secret == form["hub.secret"]

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


def test_unknown_callback_and_websub_disabled_are_404(tmp_path: Path, tls: Tls) -> None:
    """Verification for a token nobody was given is 404, as is every /websub call when WebSub is off."""

    async def scenario() -> None:
        hub = LocalHub(tls=tls)
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


def test_lease_renewed_before_expiry_with_the_same_callback_and_secret(tmp_path: Path, tls: Tls) -> None:
    """A short lease granted by the hub is renewed by maintain() before it ends, keeping the callback
    token and the secret, and verified again (the renewal is a pending request of its own)."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")], lease_override=60, tls=tls)
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
                assert hub.requests[1]["hub.callback"] == hub.requests[0]["hub.callback"]
                renewed = subscriber.store.get(key)
                assert renewed is not None and renewed.state == "active" and not renewed.pending
                assert renewed.token == sub.token
                assert renewed.expires_at is not None and sub.expires_at is not None
                assert renewed.expires_at >= sub.expires_at
        finally:
            await hub.stop()

    asyncio.run(scenario())


def test_refused_subscription_is_retried_with_backoff(tmp_path: Path, tls: Tls) -> None:
    """A hub answering 500 leaves the subscription pending with a backoff; maintain() retries when due."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")], answer=500, tls=tls)
        await hub.start()
        try:
            async with monitor(hub, tmp_path, retry_base=30.0) as (poller, subscriber, _, _):
                await poller.poll_once()
                await settled(subscriber)
                assert len(hub.requests) == 1
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


def test_hub_verifying_before_it_answers(tmp_path: Path, tls: Tls) -> None:
    """A hub that verifies intent before answering the subscribe POST is confirmed (no deadlock)."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")], sync=True, tls=tls)
        await hub.start()
        try:
            async with monitor(hub, tmp_path, request_timeout=5.0) as (poller, subscriber, _, _):
                await poller.poll_once()
                await hub.wait_verified(timeout=5)
                await settled(subscriber)
                sub = subscriber.store.get(feed_key(hub.feed_url))
                assert sub is not None and sub.state == "active" and sub.attempts == 0
        finally:
            await hub.stop()

    asyncio.run(scenario())


def test_denial_while_pending_is_recorded_and_not_renewed(tmp_path: Path, tls: Tls) -> None:
    """A hub answering the pending request with ``hub.mode=denied`` (its topic) is recorded; the
    subscription is not renewed."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")], deny="quota", tls=tls)
        await hub.start()
        try:
            async with monitor(hub, tmp_path) as (poller, subscriber, _, _):
                await poller.poll_once()
                await hub.wait_verified()
                assert hub.verifications[-1][1] == 200
                denied = subscriber.store.get(feed_key(hub.feed_url))
                assert denied is not None and denied.state == "denied" and not denied.pending
                assert await subscriber.maintain(now=time.time() + 10**7) == 0
        finally:
            await hub.stop()

    asyncio.run(scenario())


def test_migrated_subscription_is_resubscribed_at_its_new_callback(tmp_path: Path, tls: Tls) -> None:
    """A subscription stored before callback tokens (active at a real https hub) is re-subscribed by
    the next maintenance pass at its new token's callback, with its old secret, and verified there;
    the old feed-derived callback is 404."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "First story")], tls=tls)
        await hub.start()
        try:
            key, url = feed_key(hub.feed_url), hub.feed_url
            row = (
                key,
                url,
                hub.hub_url,
                url,
                "old-secret",
                "active",
                0,
                864000,
                time.time() + 10**6,
                1e9,
                0,
                0,
            )
            _old_state_file(tmp_path / "ingest.sqlite3", [row])
            async with monitor(hub, tmp_path) as (_, subscriber, _, _):
                migrated = subscriber.store.get(key)
                assert migrated is not None and migrated.pending and migrated.state == "active"
                assert await subscriber.maintain() == 1
                await hub.wait_verified()
                [form] = hub.requests
                assert form["hub.callback"] == subscriber.callback_url(migrated.token)
                assert form["hub.secret"] == "old-secret"
                done = subscriber.store.get(key)
                assert done is not None and done.state == "active" and not done.pending
                params = {"hub.mode": "subscribe", "hub.topic": url, "hub.challenge": "c"}
                async with httpx.AsyncClient(base_url=subscriber.callback_base) as client:
                    assert (await client.get(f"/websub/{key}", params=params)).status_code == 404
        finally:
            await hub.stop()

    asyncio.run(scenario())
