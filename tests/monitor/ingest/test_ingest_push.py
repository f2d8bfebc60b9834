"""POST /api/articles: validation, identity, dedup against the poller's seen-state, auth, limits.

The HttpServer runs on 127.0.0.1 with a real FeedPoller behind it (a recording
sink instead of Kafka; the integration test uses the real broker).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from monitor.api.server import HttpServer
from monitor.api.store import RecentStore
from monitor.egress import EgressPolicy
from monitor.ingest.identity import article_id, content_hash
from monitor.ingest.poller import FeedPoller
from monitor.ingest.push import PUSH_FEED, ArticlePush, PushRequest, build_article, parse_push
from monitor.ingest.state import FeedStateStore
from monitor.metrics import Metrics
from monitor.settings import FeedSettings, HttpSettings
from tests.helpers.sinks import Collector

TOKEN = "push-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = (
    "Japan and South Korea agreed on Tuesday to resume shuttle diplomacy between their leaders, "
    "with the next summit planned in Tokyo before the end of the year, officials in both capitals said."
)
NOW = datetime(2025, 8, 20, 12, 0, tzinfo=UTC)


@asynccontextmanager
async def pushing(
    tmp_path: Path, *, feeds: tuple[str, ...] = (), with_push: bool = True
) -> AsyncIterator[tuple[httpx.AsyncClient, FeedPoller, Collector]]:
    """An HttpServer with article push wired to a FeedPoller; yields a client on its base URL."""
    sink = Collector()
    poller = FeedPoller(
        [FeedSettings(url=url, interval=3600) for url in feeds],
        egress=EgressPolicy.loopback_too(),
        state=FeedStateStore(tmp_path / "state"),
        sink=sink,
        metrics=Metrics(CollectorRegistry()),
        full_text=False,
    )
    server = HttpServer(
        HttpSettings(port=0, api_token=SecretStr(TOKEN)), CollectorRegistry(), dict, RecentStore()
    )
    if with_push:
        server.push = ArticlePush(poller)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            yield client, poller, sink
    finally:
        await server.stop()
        await poller.stop()
        poller.state.close()


def run(tmp_path: Path, scenario: Any, **options: Any) -> None:
    async def main() -> None:
        async with pushing(tmp_path, **options) as parts:
            await scenario(*parts)

    asyncio.run(main())


# --------------------------------------------------------------------------- pure parts


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": TEXT}, "title"),
        ({"title": "t"}, "text"),
        ({"title": "", "text": TEXT}, "title"),
        ({"title": 5, "text": TEXT}, "title"),
        ({"title": "t", "text": TEXT, "published": "last tuesday"}, "published"),
        ({"title": "t", "text": TEXT, "url": "ftp://x.example/a"}, "url"),
        ({"title": "t", "text": TEXT, "colour": "red"}, "colour"),
        ({"title": "t", "text": TEXT, "language": "English"}, "language"),
    ],
)
def test_bad_bodies_name_the_field(body: dict[str, Any], field: str) -> None:
    """Every validation error message starts with the offending field."""
    import json

    with pytest.raises(ValueError) as raised:
        parse_push(json.dumps(body).encode())
    assert str(raised.value).startswith(f"{field}:"), str(raised.value)


def test_non_objects_are_refused() -> None:
    """Invalid JSON and JSON that is not an object are refused with one clear message."""
    for raw in (b"not json", b"[1, 2]", b'"text"', b"\xff\xfe"):
        with pytest.raises(ValueError, match="body must be a JSON object"):
            parse_push(raw)


def test_article_ids_follow_the_feed_identity_rules() -> None:
    """Given id → GUID scoped to push:api; else normalized url (tracking removed); else content hash."""
    with_id = build_article(PushRequest(title="T", text=TEXT, id="abc-1", url="https://n.example/a"), now=NOW)
    assert with_id.id == article_id(guid="abc-1", feed_url=PUSH_FEED)
    by_url = build_article(PushRequest(title="T", text=TEXT, url="https://N.example/a?utm_source=x"), now=NOW)
    assert by_url.id == article_id(link="https://n.example/a")
    by_content = build_article(PushRequest(title="T", text=TEXT), now=NOW)
    assert by_content.id == "c" + content_hash("T", TEXT)
    dated = build_article(PushRequest(title="T", text=TEXT, published="2025-08-19T09:30:00Z"), now=NOW)
    assert dated.published == datetime(2025, 8, 19, 9, 30, tzinfo=UTC)
    naive = build_article(PushRequest(title="T", text=TEXT, published="2025-08-19T09:30:00"), now=NOW)
    assert naive.published == datetime(2025, 8, 19, 9, 30, tzinfo=UTC)
    assert by_content.feed_url == PUSH_FEED and by_content.ingested_at == NOW


# --------------------------------------------------------------------------- over HTTP


def test_push_new_then_duplicate_then_updated(tmp_path: Path) -> None:
    """202 new; the same body again: duplicate (nothing sent); changed text under the same id: updated."""

    async def scenario(client: httpx.AsyncClient, _: FeedPoller, sink: Collector) -> None:
        body = {"title": "Shuttle diplomacy resumes", "text": TEXT, "url": "https://news.example/shuttle"}
        first = await client.post("/api/articles", json=body, headers=AUTH)
        assert first.status_code == 202, first.text
        assert first.json() == {"id": article_id(link=body["url"]), "status": "new"}
        again = await client.post("/api/articles", json=body, headers=AUTH)
        assert again.status_code == 202 and again.json()["status"] == "duplicate"
        changed = await client.post("/api/articles", json={**body, "text": TEXT + " Updated."}, headers=AUTH)
        assert changed.json() == {"id": first.json()["id"], "status": "updated"}
        assert [(a.id, a.version) for a in sink.articles] == [
            (first.json()["id"], 1),
            (first.json()["id"], 2),
        ]
        assert sink.articles[0].feed_url == PUSH_FEED and sink.articles[0].title == body["title"]

    run(tmp_path, scenario)


def test_push_dedups_against_polled_articles(tmp_path: Path) -> None:
    """An article a feed already delivered (same link, or same content) is reported as a duplicate."""
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><link>https://f.example/</link>'
        "<description>d</description><item><guid>https://news.example/polled</guid>"
        f"<link>https://news.example/polled</link><title>Polled</title><description>{TEXT}</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )

    async def scenario(client: httpx.AsyncClient, poller: FeedPoller, sink: Collector) -> None:
        assert await poller.poll_once() == 1
        same_link = {
            "title": "Other words",
            "text": "Different text entirely.",
            "url": "https://news.example/polled",
        }
        answer = await client.post("/api/articles", json=same_link, headers=AUTH)
        assert answer.json() == {"id": article_id(link=same_link["url"]), "status": "duplicate"}
        same_content = {"title": "Polled", "text": TEXT, "url": "https://mirror.example/copy"}
        assert (await client.post("/api/articles", json=same_content, headers=AUTH)).json()[
            "status"
        ] == "duplicate"
        assert len(sink.articles) == 1

    run(tmp_path, scenario, feeds=(str(feed),))


def test_push_near_duplicate_marked_like_polled_ones(tmp_path: Path) -> None:
    """A lightly edited copy of a pushed article is new but carries duplicate_of, as feed items do."""

    async def scenario(client: httpx.AsyncClient, _: FeedPoller, sink: Collector) -> None:
        first = await client.post("/api/articles", json={"title": "A", "text": TEXT}, headers=AUTH)
        edited = TEXT.replace("Tuesday", "Wednesday")
        second = await client.post("/api/articles", json={"title": "A", "text": edited}, headers=AUTH)
        assert second.json()["status"] == "new"
        assert sink.articles[1].duplicate_of == first.json()["id"]

    run(tmp_path, scenario)


def test_push_held_while_the_sink_fails(tmp_path: Path) -> None:
    """When Kafka is down the article is queued (202 new), a retry is a duplicate, and it is sent later."""

    async def scenario(client: httpx.AsyncClient, poller: FeedPoller, sink: Collector) -> None:
        sink.fail = True
        body = {"title": "Held", "text": TEXT}
        assert (await client.post("/api/articles", json=body, headers=AUTH)).json()["status"] == "new"
        assert (await client.post("/api/articles", json=body, headers=AUTH)).json()["status"] == "duplicate"
        assert poller.state.pending_count() == 1
        sink.fail = False
        assert await poller.poll_once() == 1
        assert [a.title for a in sink.articles] == ["Held"]

    run(tmp_path, scenario)


def test_push_auth_validation_and_size_limit(tmp_path: Path) -> None:
    """No token 401, wrong token 403, bad field 400 naming it, more than 2 MB 413 — all JSON errors."""

    async def scenario(client: httpx.AsyncClient, _: FeedPoller, sink: Collector) -> None:
        body = {"title": "T", "text": TEXT}
        assert (await client.post("/api/articles", json=body)).status_code == 401
        wrong = await client.post("/api/articles", json=body, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        bad = await client.post(
            "/api/articles", json={"title": "T", "text": TEXT, "published": "x"}, headers=AUTH
        )
        assert bad.status_code == 400 and bad.json()["error"]["message"].startswith("published:")
        big = await client.post(
            "/api/articles", json={"title": "T", "text": "x" * (2 * 1024 * 1024)}, headers=AUTH
        )
        assert big.status_code == 413 and big.json()["error"]["status"] == 413
        fits = await client.post("/api/articles", json={"title": "T", "text": "y" * 1_500_000}, headers=AUTH)
        assert fits.status_code == 202, fits.text
        assert len(sink.articles) == 1

    run(tmp_path, scenario)


def test_push_refused_without_an_ingester(tmp_path: Path) -> None:
    """A server with no ingester behind it validates the body, then refuses a valid push with 403."""

    async def scenario(client: httpx.AsyncClient, _: FeedPoller, sink: Collector) -> None:
        assert (await client.post("/api/articles", json={"title": "T"}, headers=AUTH)).status_code == 400
        refused = await client.post("/api/articles", json={"title": "T", "text": TEXT}, headers=AUTH)
        assert refused.status_code == 403 and "no ingester" in refused.json()["error"]["message"]
        assert sink.articles == []

    run(tmp_path, scenario, with_push=False)
