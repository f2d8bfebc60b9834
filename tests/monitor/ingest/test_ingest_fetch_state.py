"""Fetcher details, backoff arithmetic and the persistent state store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from ingest_httpd import FeedServer, rss, static

from monitor.egress import EgressPolicy
from monitor.ingest.errors import FeedError
from monitor.ingest.fetch import Fetcher, make_client, parse_retry_after
from monitor.ingest.poller import backoff_delay
from monitor.ingest.state import FeedStateStore
from monitor.models import Article


def test_parse_retry_after_seconds_and_date() -> None:
    """Retry-After accepts delta-seconds and HTTP dates, clamps to [0, 1 day], ignores garbage."""
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now) == 90
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now=now) == 0
    assert parse_retry_after("9999999") == 24 * 3600
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_grows_with_jitter_and_cap() -> None:
    """Backoff roughly doubles per failure, never drops below the interval and is capped."""
    delays = [backoff_delay(10, n) for n in range(1, 6)]
    assert all(d >= 10 for d in delays)
    assert 15 <= delays[0] <= 25 and 120 <= delays[3] <= 200
    assert backoff_delay(60, 50) <= 6 * 3600 * 1.25


def test_fetcher_limits_and_statuses() -> None:
    """Content-Length over the limit, 404, 429 with Retry-After and a missing Location map to reasons."""

    async def scenario() -> None:
        async with FeedServer() as server:
            server.routes["/big"] = static(b"x" * 5000)
            server.routes["/busy"] = static(b"", status=429, headers={"Retry-After": "7"})
            server.routes["/noloc"] = static(b"", status=302)
            server.routes["/ok"] = static(rss([]), headers={"ETag": '"e"'})
            async with make_client(EgressPolicy.loopback_too()) as client:
                fetcher = Fetcher(client, max_bytes=1000)
                expectations = {"/big": "too_large", "/missing": "not_found", "/noloc": "bad_redirect"}
                for path, reason in expectations.items():
                    with pytest.raises(FeedError) as exc:
                        await fetcher.fetch(server.url(path))
                    assert exc.value.reason == reason, path
                with pytest.raises(FeedError) as exc:
                    await fetcher.fetch(server.url("/busy"))
                assert exc.value.reason == "rate_limited" and exc.value.retry_after == 7
                result = await fetcher.fetch(server.url("/ok"))
                assert result.status == 200 and result.etag == '"e"' and result.permanent_url is None
                with pytest.raises(FeedError) as exc:
                    await fetcher.fetch("http://127.0.0.1:9/unreachable")
                assert exc.value.reason == "connection"

    asyncio.run(scenario())


def test_state_store_survives_reopen(tmp_path: Path) -> None:
    """Feed validators, pending and seen articles are still there after closing and reopening."""
    store = FeedStateStore(tmp_path)
    store.update_feed("http://f/", etag='"1"', failures=2, redirect_url="http://g/")
    article = Article(id="x1", text="t", feed_url="http://f/", ingested_at=datetime.now(UTC))
    store.add_pending(article, "h1")
    store.add_pending(article, "h1")
    store.close()
    again = FeedStateStore(tmp_path)
    feed = again.feed("http://f/")
    assert (feed.etag, feed.failures, feed.redirect_url) == ('"1"', 2, "http://g/")
    (pending,) = list(again.pending())
    assert pending.article == article
    again.mark_sent(pending, now=1.0)
    seen = again.seen("x1")
    assert seen is not None and seen.content_hash == "h1" and again.pending_count() == 0
    assert again.hash_owner("h1") == "x1"
