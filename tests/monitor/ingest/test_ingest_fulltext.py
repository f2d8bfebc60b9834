"""Full-text fetching against real loopback servers: robots.txt under the same concurrency limits
as pages, bounded caches, bounded extraction work on hostile pages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from ingest_httpd import FeedServer, Handler, static
from structlog.testing import capture_logs

from monitor.egress import EgressPolicy
from monitor.ingest.fetch import Fetcher, make_client
from monitor.ingest.fulltext import (
    MAX_EXTRACTOR_TAGS,
    MAX_PAGE_BYTES,
    FullTextFetcher,
    KeyedPrimitives,
    extract_main_text,
)

STORY = "The committee met on Tuesday and agreed the budget for next year after a long debate. " * 8
PAGE = f"<html><body><article><h1>Budget</h1><p>{STORY}</p></article></body></html>"
HOLD = 0.5  # how long a request waits for a second one to arrive: long enough to overlap, if allowed


@dataclass
class InFlight:
    """Counts requests being answered at once across servers. Each answer waits (up to HOLD) for
    another request to arrive, so that any overlap the client allows really happens."""

    now: int = 0
    peak: int = 0
    overlap: asyncio.Event = field(default_factory=asyncio.Event)
    samples: list[dict[str, int]] = field(default_factory=list)
    fetcher: FullTextFetcher | None = None

    def answer(self, body: str, content_type: str) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            self.now += 1
            self.peak = max(self.peak, self.now)
            if self.fetcher is not None:
                self.samples.append(self.fetcher.cache_sizes)
            if self.now > 1:
                self.overlap.set()
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.overlap.wait(), HOLD)
            finally:
                self.now -= 1
            return web.Response(text=body, content_type=content_type)

        return handle


ALLOW_ALL = "User-agent: *\nAllow: /\n"


@contextlib.asynccontextmanager
async def sites(hosts: list[str], flight: InFlight) -> AsyncIterator[list[FeedServer]]:
    """One server (one site) per entry of ``hosts``, each with /robots.txt and /page counted in ``flight``."""
    async with contextlib.AsyncExitStack() as stack:
        servers = [await stack.enter_async_context(FeedServer(host=host)) for host in hosts]
        for server in servers:
            server.routes["/robots.txt"] = flight.answer(ALLOW_ALL, "text/plain")
            server.routes["/page"] = flight.answer(PAGE, "text/html")
        yield servers


@contextlib.asynccontextmanager
async def fulltext(**kwargs: object) -> AsyncIterator[FullTextFetcher]:
    async with make_client(EgressPolicy.loopback_too()) as client:
        yield FullTextFetcher(Fetcher(client), **kwargs)  # type: ignore[arg-type]


@pytest.mark.timeout(60)
def test_robots_fetches_wait_for_the_per_host_limit() -> None:
    """Three sites on one host (three ports of 127.0.0.1) with per_host=1: their robots.txt
    requests and pages are answered one at a time, never two at once, and every page's text
    arrives with one robots.txt request per site."""

    async def scenario() -> None:
        flight = InFlight()
        async with sites(["127.0.0.1"] * 3, flight) as servers, fulltext(concurrency=4, per_host=1) as ft:
            texts = await asyncio.gather(*(ft.text_for(s.url("/page")) for s in servers))
            assert all(text is not None and "agreed the budget" in text for text in texts)
            assert [len(s.hits("/robots.txt")) for s in servers] == [1, 1, 1]
            assert flight.peak == 1

    asyncio.run(scenario())


@pytest.mark.timeout(60)
def test_robots_fetches_count_against_the_global_limit() -> None:
    """Four sites on four loopback hosts with concurrency=2: robots.txt requests and pages
    together never exceed two at once (before, the four robots.txt requests went out together),
    and every page arrives."""

    async def scenario() -> None:
        flight = InFlight()
        hosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"]
        async with sites(hosts, flight) as servers, fulltext(concurrency=2, per_host=4) as ft:
            texts = await asyncio.gather(*(ft.text_for(s.url("/page")) for s in servers))
            assert all(text is not None for text in texts)
            assert 1 <= flight.peak <= 2

    asyncio.run(scenario())


@pytest.mark.timeout(120)
def test_caches_stay_bounded_over_many_sites() -> None:
    """30 sites on 6 hosts with max_robots=8 and concurrency=3: at every request the robots cache
    holds at most 8 sites and at most 3 host semaphores exist, and every page arrives; afterwards
    no semaphore or lock is left. The cache drops the least recently used site: after sites 0-7
    are asked in turn, asking them again fetches no robots.txt, asking site 8 fetches its
    robots.txt and pushes out site 0, whose robots.txt is then fetched again."""

    async def scenario() -> None:
        flight = InFlight()
        hosts = [f"127.0.0.{n}" for n in range(1, 7) for _ in range(5)]
        async with sites(hosts, flight) as servers, fulltext(concurrency=3, per_host=1, max_robots=8) as ft:
            flight.fetcher = ft
            texts = await asyncio.gather(*(ft.text_for(s.url("/page")) for s in servers))
            assert all(text is not None for text in texts)
            assert flight.samples and max(s["robots"] for s in flight.samples) <= 8
            assert max(s["hosts"] for s in flight.samples) <= 3
            assert ft.cache_sizes == {"robots": 8, "hosts": 0, "robots_locks": 0}

            def robots_hits() -> list[int]:
                return [len(s.hits("/robots.txt")) for s in servers]

            for server in servers[:8]:
                assert await ft.allowed(server.url("/page"))
            before = robots_hits()
            for server in servers[:8]:
                assert await ft.allowed(server.url("/page"))
            assert robots_hits() == before
            assert await ft.allowed(servers[8].url("/page"))
            assert await ft.allowed(servers[0].url("/page"))
            after = robots_hits()
            assert (after[8] - before[8], after[0] - before[0]) == (1, 1)
            assert after[1:8] == before[1:8]
            assert ft.cache_sizes == {"robots": 8, "hosts": 0, "robots_locks": 0}

    asyncio.run(scenario())


def test_robots_answers_expire_after_their_ttl() -> None:
    """A site's robots.txt is read once and kept for robots_ttl seconds: a rule added meanwhile
    applies only after that, when it is fetched again."""

    async def scenario() -> None:
        now = [1000.0]
        async with FeedServer() as server, fulltext(robots_ttl=3600.0, clock=lambda: now[0]) as ft:
            server.routes["/robots.txt"] = static(ALLOW_ALL, content_type="text/plain")
            server.routes["/page"] = static(PAGE, content_type="text/html")
            assert await ft.text_for(server.url("/page")) is not None
            server.routes["/robots.txt"] = static(
                "User-agent: Newsmon\nDisallow: /\n", content_type="text/plain"
            )
            now[0] += 3599
            assert await ft.text_for(server.url("/page")) is not None
            assert len(server.hits("/robots.txt")) == 1
            now[0] += 2
            assert await ft.text_for(server.url("/page")) is None
            assert len(server.hits("/robots.txt")) == 2
            assert len(server.hits("/page")) == 2

    asyncio.run(scenario())


def test_a_semaphore_in_use_is_never_dropped() -> None:
    """While one task holds a host's semaphore (limit 1), 200 other hosts are held at once and let
    go; a task that then asks for the busy host still waits (its entry was not replaced by a fresh
    semaphore), gets in when the holder leaves, and afterwards no entry is left."""

    async def scenario() -> None:
        slots: KeyedPrimitives[asyncio.Semaphore] = KeyedPrimitives(lambda: asyncio.Semaphore(1))
        release = asyncio.Event()
        entered: list[str] = []

        async def use(name: str, key: str, until: asyncio.Event | None = None) -> None:
            async with slots.hold(key):
                entered.append(name)
                if until is not None:
                    await until.wait()

        holder = asyncio.create_task(use("holder", "busy.example", release))
        await asyncio.sleep(0)
        others_leave = asyncio.Event()
        others = [asyncio.create_task(use(f"o{n}", f"host{n}.example", others_leave)) for n in range(200)]
        for _ in range(10):
            await asyncio.sleep(0)
        assert len(slots) == 201
        others_leave.set()
        await asyncio.wait_for(asyncio.gather(*others), 10)
        waiter = asyncio.create_task(use("waiter", "busy.example"))
        for _ in range(10):
            await asyncio.sleep(0)
        assert "waiter" not in entered and len(slots) == 1
        release.set()
        await asyncio.wait_for(asyncio.gather(holder, waiter), 10)
        assert entered[0] == "holder" and entered[-1] == "waiter"
        assert len(slots) == 0

    asyncio.run(scenario())


def test_page_cut_before_extraction() -> None:
    """Only the first max_page_bytes of a page are read: text placed after 2 MB of filler never
    reaches the article text, the story before it does, and the cut is logged."""
    filler = "<div>" + "filler " * 300 + "</div>"
    page = (
        f"<html><body><article><p>{STORY}</p>"
        + filler * (MAX_PAGE_BYTES // len(filler) + 10)
        + "<p>TAILMARKER beyond the cap.</p></article></body></html>"
    ).encode()
    with capture_logs() as logs:
        text = extract_main_text(page, url="https://news.example/a")
    assert "agreed the budget" in text
    assert "TAILMARKER" not in text
    assert any(e["event"] == "fulltext_page_capped" for e in logs)


@pytest.mark.timeout(120)
def test_page_with_too_many_tags_goes_to_the_linear_converter() -> None:
    """A page of 2 MB of tiny paragraphs (500,000 start tags: minutes of trafilatura's work) is not
    given to trafilatura but to the linear converter, which returns the story (a hang fails on the
    timeout); a page under the tag limit still goes to trafilatura."""
    hostile = f"<html><body><article><p>{STORY}</p>" + "<p>x" * 500_000
    with capture_logs() as logs:
        text = extract_main_text(hostile.encode(), url="https://news.example/a")
    assert "agreed the budget" in text[:2000]
    assert [e["limit"] for e in logs if e["event"] == "fulltext_extractor_skipped"] == [MAX_EXTRACTOR_TAGS]
    with capture_logs() as logs:
        assert "agreed the budget" in extract_main_text(PAGE.encode(), url="https://news.example/b")
    assert not [e for e in logs if e["event"] == "fulltext_extractor_skipped"]


@pytest.mark.timeout(120)
def test_hostile_page_from_a_server_costs_bounded_work() -> None:
    """A 6 MB page of unclosed tags served over HTTP gives its leading story (cut at 2 MB and
    converted linearly, a hang fails on the timeout), and the next page from the same site is
    fetched and extracted as usual."""

    async def scenario() -> None:
        async with FeedServer() as server, fulltext() as ft:
            hostile = f"<html><body><article><p>{STORY}</p>" + "<a b=" * 1_200_000
            server.routes["/hostile"] = static(hostile, content_type="text/html")
            server.routes["/page"] = static(PAGE, content_type="text/html")
            text = await ft.text_for(server.url("/hostile"))
            assert text is not None and "agreed the budget" in text
            assert len(text.encode()) <= MAX_PAGE_BYTES
            again = await ft.text_for(server.url("/page"))
            assert again is not None and "agreed the budget" in again

    asyncio.run(scenario())
