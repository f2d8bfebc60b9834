"""FeedPoller against real local HTTP servers: politeness, state, dedup, sink."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web
from ingest_httpd import FeedServer, http_date, rss, static
from prometheus_client import CollectorRegistry, generate_latest

from monitor.egress import EgressPolicy
from monitor.ingest import FeedPoller, FeedStateStore
from monitor.ingest.errors import FinalSinkError
from monitor.metrics import Metrics
from monitor.models import Article
from monitor.settings import FeedSettings
from tests.helpers.sinks import Collector

STORY = (
    "The foreign ministers of Japan and South Korea met in Seoul on Wednesday to prepare the summit "
    "of their leaders, agreeing to expand cooperation on semiconductors, supply chains and security "
    "while keeping a channel open to Beijing, officials said after three hours of talks."
)


def make_poller(
    urls: list[str],
    state_dir: Path,
    sink: Callable[[Article], Awaitable[None]],
    *,
    interval: float = 300.0,
    **kwargs: Any,
) -> tuple[FeedPoller, CollectorRegistry]:
    registry = CollectorRegistry()
    kwargs.setdefault("full_text", False)
    poller = FeedPoller(
        [FeedSettings(url=u, interval=interval) for u in urls],
        egress=EgressPolicy.loopback_too(),
        state=FeedStateStore(state_dir),
        sink=sink,
        metrics=Metrics(registry),
        **kwargs,
    )
    return poller, registry


def fetches(registry: CollectorRegistry, url: str, outcome: str, reason: str = "") -> float:
    value = registry.get_sample_value(
        "newsmon_feed_fetches_total", {"feed_url": url, "outcome": outcome, "reason": reason}
    )
    return value or 0.0


def items(registry: CollectorRegistry, url: str, result: str) -> float:
    return registry.get_sample_value("newsmon_feed_items_total", {"feed_url": url, "result": result}) or 0.0


def item(n: int, **extra: str) -> dict[str, str]:
    return {
        "guid": f"urn:test:{n}",
        "link": f"https://news.example/{n}",
        "title": f"Story {n}",
        "description": f"Body of story number {n}.",
        "pubDate": f"Mon, 0{n % 9 + 1} May 2023 10:00:00 GMT",
        **extra,
    }


def test_conditional_get_on_second_poll(tmp_path: Path) -> None:
    """The second poll sends If-None-Match / If-Modified-Since; a 304 yields nothing, counts not_modified."""

    async def scenario() -> None:
        body = rss([item(1), item(2)])
        stamp = http_date()

        async def handle(request: web.Request) -> web.StreamResponse:
            if request.headers.get("If-None-Match") == '"v1"':
                return web.Response(status=304)
            return web.Response(
                text=body,
                content_type="application/rss+xml",
                headers={"ETag": '"v1"', "Last-Modified": stamp},
            )

        async with FeedServer() as server:
            server.routes["/feed"] = handle
            sink = Collector()
            poller, registry = make_poller([server.url("/feed")], tmp_path, sink)
            assert await poller.poll_once() == 2
            assert await poller.poll_once() == 0
            await poller.stop()
            first, second = server.hits("/feed")
            assert "If-None-Match" not in first.headers
            assert second.headers["If-None-Match"] == '"v1"'
            assert second.headers["If-Modified-Since"] == stamp
            assert second.headers["User-Agent"].startswith(
                "Newsmon/0.1 (+https://github.com/newsmon/newsmon)"
            )
            assert fetches(registry, server.url("/feed"), "not_modified") == 1
            assert [a.title for a in sink.articles] == ["Story 1", "Story 2"]

    asyncio.run(scenario())


def test_failing_feed_backs_off_while_others_flow(tmp_path: Path) -> None:
    """A feed answering 500 is retried ever more rarely, while healthy feeds keep being polled."""

    async def scenario() -> None:
        counter = {"n": 0}

        async def growing(request: web.Request) -> web.StreamResponse:
            counter["n"] += 1
            return web.Response(
                text=rss([item(i) for i in range(counter["n"])]), content_type="application/xml"
            )

        async with FeedServer() as server:
            server.routes["/ok"] = growing
            server.routes["/broken"] = static("oops", status=500, content_type="text/plain")
            sink = Collector()
            urls = [server.url("/ok"), server.url("/broken")]
            poller, registry = make_poller(urls, tmp_path, sink, interval=0.05)
            task = asyncio.create_task(poller.run())
            await asyncio.sleep(2.0)
            await poller.stop()
            await task
            ok, broken = len(server.hits("/ok")), len(server.hits("/broken"))
            # backoff 0.05 s * 2**n * [0.75, 1.25]: at most 5 attempts in 2 s; the healthy feed ~25
            assert ok >= 8
            assert 2 <= broken <= 5
            assert len(sink.articles) == len({a.id for a in sink.articles}) >= ok - 1
            assert registry.get_sample_value("newsmon_feed_up", {"feed_url": urls[1]}) == 0
            assert fetches(registry, urls[1], "error", "http_status") == broken
            state = poller.state.feed(urls[1])
            assert state.failures == broken and state.last_error == "http_status"

    asyncio.run(scenario())


def test_restart_emits_no_seen_item(tmp_path: Path) -> None:
    """A new poller on the same state directory sends only items it has not sent before."""

    async def scenario() -> None:
        feed_items = [item(1), item(2)]

        async def handle(request: web.Request) -> web.StreamResponse:
            return web.Response(text=rss(feed_items), content_type="application/rss+xml")

        async with FeedServer() as server:
            server.routes["/feed"] = handle
            sink = Collector()
            first, _ = make_poller([server.url("/feed")], tmp_path, sink)
            assert await first.poll_once() == 2
            await first.stop()
            first.state.close()
            feed_items.append(item(3))
            second, _ = make_poller([server.url("/feed")], tmp_path, sink)
            assert await second.poll_once() == 1
            await second.stop()
            assert [a.title for a in sink.articles] == ["Story 1", "Story 2", "Story 3"]

    asyncio.run(scenario())


def test_near_duplicate_marked_and_exact_duplicate_dropped(tmp_path: Path) -> None:
    """A lightly edited copy on another feed gets duplicate_of; an identical copy is dropped and counted."""

    async def scenario() -> None:
        original = {"guid": "https://a.example/story", "title": "Ministers meet", "description": STORY}
        edited = {
            "guid": "https://b.example/copy?utm_source=rss",
            "title": "Ministers meet in Seoul",
            "description": STORY.replace("three hours", "four hours") + " (Reuters)",
        }
        exact = {"link": "https://c.example/x", "title": "Ministers meet", "description": STORY}
        async with FeedServer() as server:
            server.routes["/a"] = static(rss([original]))
            server.routes["/b"] = static(rss([edited]))
            server.routes["/c"] = static(rss([exact]))
            sink = Collector()
            urls = [server.url(p) for p in ("/a", "/b", "/c")]
            poller, registry = make_poller(urls[:1], tmp_path, sink)
            await poller.poll_once()
            poller.feeds = tuple(FeedSettings(url=u) for u in urls)
            await poller.poll_once()
            await poller.stop()
            first, copy = sink.articles
            assert first.duplicate_of is None
            assert copy.duplicate_of == first.id
            assert items(registry, urls[2], "duplicate") == 1

    asyncio.run(scenario())


def test_changed_article_reemitted_as_update(tmp_path: Path) -> None:
    """Same GUID with different content is sent again with version 2; unchanged items are not."""

    async def scenario() -> None:
        current = [item(1)]

        async def handle(request: web.Request) -> web.StreamResponse:
            return web.Response(text=rss(current), content_type="application/rss+xml")

        async with FeedServer() as server:
            server.routes["/feed"] = handle
            sink = Collector()
            poller, registry = make_poller([server.url("/feed")], tmp_path, sink)
            await poller.poll_once()
            await poller.poll_once()
            current[0] = item(1, description="Corrected: body of story number 1, with a new figure.")
            await poller.poll_once()
            await poller.stop()
            assert [(a.id, a.version) for a in sink.articles] == [
                (sink.articles[0].id, 1),
                (sink.articles[0].id, 2),
            ]
            assert "Corrected" in sink.articles[1].text
            assert items(registry, server.url("/feed"), "updated") == 1

    asyncio.run(scenario())


def test_retry_after_honoured(tmp_path: Path) -> None:
    """After a 503 with Retry-After: 1 the feed is not contacted again for a second."""

    async def scenario() -> None:
        answers = [web.Response(status=503, headers={"Retry-After": "1"})]

        async def handle(request: web.Request) -> web.StreamResponse:
            if answers:
                return answers.pop()
            return web.Response(text=rss([item(1)]), content_type="application/rss+xml")

        async with FeedServer() as server:
            server.routes["/feed"] = handle
            sink = Collector()
            url = server.url("/feed")
            poller, registry = make_poller([url], tmp_path, sink, interval=0.01)
            assert await poller.poll_once() == 0
            assert await poller.poll_once() == 0
            assert len(server.hits("/feed")) == 1
            assert fetches(registry, url, "error", "rate_limited") == 1
            await asyncio.sleep(1.1)
            assert await poller.poll_once() == 1
            hits = server.hits("/feed")
            assert len(hits) == 2 and hits[1].at - hits[0].at >= 1.0
            await poller.stop()

    asyncio.run(scenario())


def test_sink_failure_holds_items_and_retries(tmp_path: Path) -> None:
    """While the sink raises, items are kept (also across a restart) and later sent once, in order."""

    async def scenario() -> None:
        async with FeedServer() as server:
            server.routes["/feed"] = static(rss([item(1), item(2), item(3)]), headers={"ETag": '"x"'})
            sink = Collector()
            sink.fail = True
            poller, _ = make_poller([server.url("/feed")], tmp_path, sink)
            assert await poller.poll_once() == 0
            assert poller.state.pending_count() == 3
            await poller.stop()
            poller.state.close()
            sink.fail = False
            again, _ = make_poller([server.url("/feed")], tmp_path, sink)
            assert await again.poll_once() == 3
            assert await again.poll_once() == 0
            await again.stop()
            assert [a.title for a in sink.articles] == ["Story 1", "Story 2", "Story 3"]
            assert again.state.pending_count() == 0

    asyncio.run(scenario())


def test_run_retries_held_items_without_new_poll(tmp_path: Path) -> None:
    """In run(), articles held while the broker was down are sent as soon as it is back."""

    async def scenario() -> None:
        async with FeedServer() as server:
            server.routes["/feed"] = static(rss([item(1)]))
            sink = Collector()
            sink.fail = True
            poller, _ = make_poller([server.url("/feed")], tmp_path, sink, sink_retry_interval=0.05)
            task = asyncio.create_task(poller.run())
            await asyncio.sleep(0.3)
            assert not sink.articles and poller.state.pending_count() == 1
            sink.fail = False
            await asyncio.sleep(0.3)
            await poller.stop()
            await task
            assert [a.title for a in sink.articles] == ["Story 1"]
            assert len(server.hits("/feed")) == 1

    asyncio.run(scenario())


def test_permanent_redirect_remembered_and_loop_rejected(tmp_path: Path) -> None:
    """A 301 target is polled directly next time; a redirect loop fails with reason redirect_loop.

    Holds with an injected client that would itself follow redirects.
    """

    async def scenario() -> None:
        async with FeedServer() as server:
            server.routes["/old"] = static(b"", status=301, headers={"Location": "/new"})
            server.routes["/new"] = static(rss([item(1)]))
            server.routes["/loop1"] = static(b"", status=302, headers={"Location": "/loop2"})
            server.routes["/loop2"] = static(b"", status=307, headers={"Location": "/loop1"})
            sink = Collector()
            urls = [server.url("/old"), server.url("/loop1")]
            async with httpx.AsyncClient(follow_redirects=True) as client:
                poller, registry = make_poller(urls, tmp_path, sink, client=client)
                assert await poller.poll_once() == 1
                await poller.poll_once()
                await poller.stop()
            assert len(server.hits("/old")) == 1 and len(server.hits("/new")) == 2
            assert poller.state.feed(urls[0]).redirect_url == server.url("/new")
            assert fetches(registry, urls[1], "error", "redirect_loop") == 1

    asyncio.run(scenario())


def test_slow_and_huge_feeds_fail_without_delaying_others(tmp_path: Path) -> None:
    """A feed slower than the timeout and one larger than max_bytes fail; a healthy feed is unaffected."""

    async def scenario() -> None:
        release = asyncio.Event()

        async def slow(request: web.Request) -> web.StreamResponse:
            await asyncio.wait_for(release.wait(), timeout=5)
            return web.Response(text=rss([item(1)]))

        async def huge(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await response.prepare(request)
            for _ in range(100):
                await response.write(b"<!-- " + b"x" * 10000 + b" -->")
            return response

        async with FeedServer() as server:
            server.routes["/slow"] = slow
            server.routes["/huge"] = huge
            server.routes["/ok"] = static(rss([item(1)]))
            sink = Collector()
            urls = [server.url(p) for p in ("/slow", "/huge", "/ok")]
            poller, registry = make_poller(urls, tmp_path, sink, timeout=0.5, max_bytes=100_000)
            started = time.monotonic()
            assert await poller.poll_once() == 1
            assert time.monotonic() - started < 2
            release.set()
            await poller.stop()
            assert fetches(registry, urls[0], "error", "timeout") == 1
            assert fetches(registry, urls[1], "error", "too_large") == 1

    asyncio.run(scenario())


def test_non_feed_response_rejected_with_reason(tmp_path: Path) -> None:
    """An HTML page where a feed should be counts as error not_a_feed; nothing is sent or raised."""

    async def scenario() -> None:
        async with FeedServer() as server:
            server.routes["/page"] = static(
                "<html><body><p>Hello</p></body></html>", content_type="text/html"
            )
            sink = Collector()
            poller, registry = make_poller([server.url("/page")], tmp_path, sink)
            assert await poller.poll_once() == 0
            await poller.stop()
            assert fetches(registry, server.url("/page"), "error", "not_a_feed") == 1

    asyncio.run(scenario())


def test_json_feed_over_http(tmp_path: Path) -> None:
    """A JSON Feed 1.1 is parsed: ids, HTML stripped from content, dates and summary."""

    async def scenario() -> None:
        doc = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON news",
            "language": "de-DE",
            "items": [
                {
                    "id": "42",
                    "url": "https://j.example/42",
                    "title": "<b>Bold</b> news",
                    "content_html": "<p>First paragraph.</p><script>x()</script><p>Second.</p>",
                    "summary": "Short.",
                    "date_published": "2024-01-02T03:04:05Z",
                }
            ],
        }
        import json

        async with FeedServer() as server:
            server.routes["/feed.json"] = static(json.dumps(doc), content_type="application/feed+json")
            sink = Collector()
            poller, _ = make_poller([server.url("/feed.json")], tmp_path, sink)
            assert await poller.poll_once() == 1
            await poller.stop()
            (article,) = sink.articles
            assert article.title == "Bold news"
            assert article.text == "First paragraph.\nSecond."
            assert article.summary == "Short."
            assert article.language == "de" and article.source == "JSON news"
            assert (
                article.published is not None and article.published.isoformat() == "2024-01-02T03:04:05+00:00"
            )

    asyncio.run(scenario())


def test_full_text_fetched_for_summary_only_items(tmp_path: Path) -> None:
    """An item with only a summary gets the linked page's main text (summary kept); robots.txt is obeyed."""

    async def scenario() -> None:
        paragraphs = "".join(
            f"<p>{STORY} Paragraph {i} adds more detail about the talks.</p>" for i in range(4)
        )
        page = (
            "<html><head><title>Talks</title></head><body><nav>Home | World | Sport</nav>"
            f"<article><h1>Ministers meet</h1>{paragraphs}</article><footer>Copyright</footer></body></html>"
        )
        async with FeedServer() as server:
            server.routes["/page"] = static(page, content_type="text/html")
            server.routes["/private/page"] = static(page, content_type="text/html")
            server.routes["/robots.txt"] = static(
                "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
            )
            entries = [
                {
                    "guid": "g1",
                    "link": server.url("/page"),
                    "title": "Ministers meet",
                    "description": "Teaser.",
                },
                {
                    "guid": "g2",
                    "link": server.url("/private/page"),
                    "title": "Private",
                    "description": "Other.",
                },
            ]
            server.routes["/feed"] = static(rss(entries))
            sink = Collector()
            poller, _ = make_poller([server.url("/feed")], tmp_path, sink, full_text=True)
            assert await poller.poll_once() == 2
            await poller.stop()
            article, private = sorted(sink.articles, key=lambda a: a.title)
            assert article.summary == "Teaser."
            assert "Paragraph 3 adds more detail" in article.text
            assert "Home | World" not in article.text
            assert server.hits("/page")[0].headers["User-Agent"].startswith("Newsmon/0.1")
            assert private.text == "Other." and not server.hits("/private/page")
            assert len(server.hits("/robots.txt")) == 1

    asyncio.run(scenario())


def test_local_article_directory_and_feed_file(tmp_path: Path) -> None:
    """Local paths work as feeds: a directory of articles and an RSS file (re-read only when changed)."""

    async def scenario() -> None:
        articles = tmp_path / "articles"
        articles.mkdir()
        (articles / "a.txt").write_text("Headline A\nBody of A.\n", encoding="utf-8")
        feed = tmp_path / "feed.xml"
        feed.write_text(rss([item(1)]), encoding="utf-8")
        sink = Collector()
        poller, registry = make_poller([str(articles), feed.as_uri()], tmp_path / "state", sink)
        assert await poller.poll_once() == 2
        assert await poller.poll_once() == 0
        (articles / "b.txt").write_text("Headline B\nBody of B.\n", encoding="utf-8")
        assert await poller.poll_once() == 1
        await poller.stop()
        assert sorted(a.title for a in sink.articles) == ["Headline A", "Headline B", "Story 1"]
        assert fetches(registry, feed.as_uri(), "not_modified") == 2

    asyncio.run(scenario())


def test_tracking_params_and_huge_feed(tmp_path: Path) -> None:
    """The same link with tracking parameters on two feeds is one article; only max_items items are read."""

    async def scenario() -> None:
        async with FeedServer() as server:
            server.routes["/a"] = static(
                rss([{"link": "https://n.example/s?id=1", "title": "S", "description": "x"}])
            )
            server.routes["/b"] = static(
                rss(
                    [
                        {
                            "link": "https://n.example/s?utm_source=tw&id=1&fbclid=z",
                            "title": "S2",
                            "description": "y",
                        }
                    ]
                )
            )
            server.routes["/huge"] = static(rss([item(i) for i in range(50)]))
            sink = Collector()
            urls = [server.url("/a"), server.url("/b"), server.url("/huge")]
            poller, registry = make_poller(urls[:1], tmp_path, sink, max_items=10)
            await poller.poll_once()
            poller.feeds = tuple(FeedSettings(url=u) for u in urls)
            await poller.poll_once()
            await poller.stop()
            assert items(registry, urls[1], "duplicate") == 1
            assert items(registry, urls[2], "new") == 10
            assert len(sink.articles) == 11

    asyncio.run(scenario())


def test_gzip_response_decoded(tmp_path: Path) -> None:
    """A gzip-compressed feed is decompressed (the size limit applies to the decoded body)."""

    async def scenario() -> None:
        async def handle(request: web.Request) -> web.StreamResponse:
            response = web.Response(text=rss([item(1)]), content_type="application/rss+xml")
            response.enable_compression(web.ContentCoding.gzip)
            return response

        async with FeedServer() as server:
            server.routes["/feed"] = handle
            sink = Collector()
            poller, _ = make_poller([server.url("/feed")], tmp_path, sink)
            assert await poller.poll_once() == 1
            await poller.stop()
            assert "gzip" in server.hits("/feed")[0].headers.get("Accept-Encoding", "")

    asyncio.run(scenario())


def test_feed_url_tokens_never_become_metric_labels(tmp_path: Path) -> None:
    """A feed URL carrying a token (?token=..., user:password@) is labelled without it in feed metrics."""

    async def scenario() -> None:
        async with FeedServer() as server:
            server.routes["/feed"] = static(rss([item(1)]), content_type="application/rss+xml")
            secret_url = server.url("/feed").replace("http://", "http://reader:pw-SECRET@") + "?token=SECRET"
            sink = Collector()
            poller, registry = make_poller([secret_url], tmp_path, sink)
            assert await poller.poll_once() == 1
            await poller.stop()
            exposed = generate_latest(registry).decode()
            assert "SECRET" not in exposed
            label = server.url("/feed") + "?…"
            assert fetches(registry, label, "ok") == 1

    asyncio.run(scenario())


def test_oversized_text_is_capped_and_a_final_refusal_does_not_stop_the_feed(tmp_path: Path) -> None:
    """A 300,000-character item is cut at max_text_bytes; an article the sink refuses for good is counted
    as rejected once, and the feed's later articles still go out (no endless retry of the same item)."""

    async def scenario() -> None:
        huge = "word " * 60_000
        entries = [item(1, description=huge), item(2), item(3)]
        async with FeedServer() as server:
            server.routes["/feed"] = static(rss(entries), content_type="application/rss+xml")
            sent: list[Article] = []

            async def sink(article: Article) -> None:
                if article.title == "Story 2":
                    raise FinalSinkError("too_large", "record too large for the broker")
                sent.append(article)

            poller, registry = make_poller([server.url("/feed")], tmp_path, sink, max_text_bytes=20_000)
            assert await poller.poll_once() == 3
            assert await poller.poll_once() == 0  # nothing held back to retry
            await poller.stop()
            assert [a.title for a in sent] == ["Story 1", "Story 3"]
            assert len(sent[0].text.encode()) <= 20_000 and sent[0].text.endswith("word")
            assert items(registry, server.url("/feed"), "rejected") == 1

    asyncio.run(scenario())
