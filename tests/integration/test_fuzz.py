"""A running service under hostile input: 1,000 generated hostile feeds and 1,000 hostile pushed articles.

The timeline: a hostile HTTP server on 127.0.0.1 serves 1,000 feeds drawn from
the classes in :mod:`tests.helpers.hostile` (malformed XML, entity bombs,
external entities, deep nesting, huge fields, script links, bad encodings,
redirects inside, lying lengths, gzip bombs, links and hubs aimed at an
internal service, superlinear HTML, absurd dates) plus 40 well-formed feeds;
an internal service on 127.0.0.2 stands for everything the egress policy must
keep requests away from. A full service (ingester and worker, real broker)
polls them all while 1,000 hostile bodies and 40 valid articles are pushed to
``POST /api/articles``.

Expected: nothing crashes (healthy at the end, every component up); every
valid article, polled or pushed, is enriched; the internal service is never
contacted; every feed's fetch is counted with an outcome; every refused push
is a 4xx counted in ``newsmon_http_requests_total``; no answer is a 5xx.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from monitor.settings import Settings, build_settings
from streams.service import NewsmonService
from streams.topics import TopicNames
from tests.helpers.driver import topic_records
from tests.helpers.hostile import FeedFactory, HostileFeed, HostilePush, hostile_push, valid_push

HOSTILE_FEEDS = 1000
HOSTILE_PUSHES = 1000
VALID_FEEDS = 40
VALID_PUSHES = 40
TOKEN = "fuzz-token-0123456789"


class Hostile:
    """The hostile side: one aiohttp server on 127.0.0.1 answering every feed path."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.feeds: dict[str, HostileFeed] = {}
        self.requests: list[str] = []
        self.base = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._answer)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server: Any = site._server
        self.base = f"http://{self.host}:{server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path)
        if request.path == "/loop":
            return web.Response(status=301, headers={"Location": "/loop"})
        if request.path == "/to-inside":
            return web.Response(status=302, headers={"Location": "http://127.0.0.2/secret"})
        feed = self.feeds.get(request.path)
        if feed is None:
            return web.Response(status=404)
        if feed.lie_length:
            response = web.StreamResponse(status=200, headers={"Content-Length": "1000000"})
            await response.prepare(request)
            await response.write(feed.body)
            assert request.transport is not None
            request.transport.close()
            return response
        headers = {"Content-Type": "application/rss+xml", **feed.headers}
        return web.Response(status=feed.status, body=feed.body, headers=headers)


def _settings(bootstrap: str, feeds: list[str], state: Path, prefix: str) -> Settings:
    return build_settings(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": prefix, "partitions": 2},
            "app_id": f"newsmon-{prefix}",
            "feeds": [{"url": url, "interval": 3600} for url in feeds],
            "storylines": str(Path(__file__).resolve().parents[2] / "seeds" / "storylines.yaml"),
            "egress": {"allow_networks": ["127.0.0.1/32"], "allowed_ports": "any"},
            "ingest": {"max_text_bytes": 10_000, "websub_callback_base": "https://monitor.example/"},
            "http": {"port": 0, "api_token": TOKEN},
            "state_dir": str(state),
            "console_alerts": False,
        }
    )


async def _push_all(port: int, pushes: list[HostilePush]) -> list[tuple[HostilePush, int]]:
    answers: list[tuple[HostilePush, int]] = []
    gate = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:

        async def one(push: HostilePush) -> None:
            headers = {"Content-Type": "application/json"}
            if push.token:
                headers["Authorization"] = f"Bearer {TOKEN}"
            async with gate:
                answer = await client.post("/api/articles", content=push.body, headers=headers)
            answers.append((push, answer.status_code))

        await asyncio.gather(*(one(push) for push in pushes))
    return answers


def _titles(records: list[tuple[int, int, bytes | None, bytes | None]]) -> set[str]:
    titles: set[str] = set()
    for _, _, _, value in records:
        try:
            titles.add(json.loads(value or b"")["article"]["title"])
        except (ValueError, KeyError, TypeError):
            continue
    return titles


def _sample_sum(registry: Any, name: str, **labels: str) -> float:
    return sum(
        sample.value
        for metric in registry.collect()
        for sample in metric.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


@pytest.mark.integration
@pytest.mark.slow
def test_a_thousand_hostile_feeds_and_pushes_crash_nothing_and_lose_no_valid_article(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """Hostile feeds and pushes are refused and counted; every valid article is enriched; the
    internal service is never contacted; the service stays healthy."""
    rng = random.Random(20261204)
    prefix = f"it-fuzz-{uuid.uuid4().hex[:8]}"

    async def scenario() -> None:
        hostile, internal = Hostile(), Hostile("127.0.0.2")
        await hostile.start()
        await internal.start()
        factory = FeedFactory(rng, hostile.base, internal.base)
        made = [factory.make() for _ in range(HOSTILE_FEEDS)] + [
            factory.valid_feed() for _ in range(VALID_FEEDS)
        ]
        rng.shuffle(made)
        for n, feed in enumerate(made):
            hostile.feeds[f"/f/{n}"] = feed
        urls = [hostile.base + path for path in hostile.feeds]
        pushes = [hostile_push(rng, n) for n in range(HOSTILE_PUSHES)] + [
            valid_push(n) for n in range(VALID_PUSHES)
        ]
        rng.shuffle(pushes)
        want = {t for feed in made for t in feed.valid_titles} | {
            p.valid_title for p in pushes if p.valid_title
        }

        service = NewsmonService(_settings(kafka_bootstrap, urls, tmp_path / "state", prefix))
        try:
            await service.start()
            assert service.http is not None and service.http.port is not None
            answers = await _push_all(service.http.port, pushes)

            registry = service.registry
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 420
            polled: set[str] = set()
            while loop.time() < deadline:
                polled = {
                    s.labels["feed_url"]
                    for m in registry.collect()
                    for s in m.samples
                    if s.name == "newsmon_feed_fetches_total"
                }
                if len(polled) >= len(urls):
                    break
                await asyncio.sleep(2)
            assert len(polled) == len(urls), f"{len(urls) - len(polled)} feeds never counted"

            enriched_topic = TopicNames(prefix).enriched
            got: set[str] = set()
            while loop.time() < deadline and not want <= got:
                got = _titles(await topic_records(kafka_bootstrap, enriched_topic, 2, timeout=20))
                await asyncio.sleep(3)
            assert want <= got, f"valid articles lost: {sorted(want - got)[:5]}"

            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{service.http.port}") as client:
                health = await client.get("/healthz")
            assert health.status_code == 200, health.text
        finally:
            await service.stop()
            await hostile.stop()
            await internal.stop()

        assert internal.requests == [], internal.requests[:5]
        assert all(code < 500 for _, code in answers), [(p.kind, c) for p, c in answers if c >= 500][:5]
        for push, code in answers:
            assert (400 <= code < 500) if push.rejected else code == 202, (push.kind, code)
        refused = sum(1 for push, _ in answers if push.rejected)
        counted = sum(
            _sample_sum(registry, "newsmon_http_requests_total", route="/api/articles", code=str(code))
            for code in {c for _, c in answers if 400 <= c < 500}
        )
        assert counted == refused, (counted, refused)
        fetch_errors = _sample_sum(registry, "newsmon_feed_fetches_total", outcome="error")
        assert fetch_errors > 0 and _sample_sum(registry, "newsmon_websub_refused_total") > 0

    asyncio.run(scenario())
