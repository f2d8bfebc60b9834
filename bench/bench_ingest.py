"""Ingestion benchmark: FeedPoller against a local HTTP server with many feeds.

Run: ``.venv/bin/python bench/bench_ingest.py [--feeds 500] [--items 20]``

A separate process serves ``--feeds`` RSS feeds (``--items`` items each, ~150
words of distinct text per item, ETag/304 support) on 127.0.0.1. The poller
(this process) runs three rounds with the default settings except full-text
fetching (items carry their text):

1. cold: every item is new (fetch, parse, identity, dedup, near-duplicate
   signature, SQLite state, sink);
2. unchanged: every feed answers 304 to the conditional GET;
3. incremental: every feed gained ``--new`` items.

The sink serializes each Article to JSON (what the Kafka producer would do)
and drops it. Reported: wall time, items/s, CPU seconds per item (this
process, all threads), and the machine. Results go to bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import structlog
from aiohttp import web
from prometheus_client import CollectorRegistry

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.egress import EgressPolicy
from monitor.ingest import FeedPoller, FeedStateStore
from monitor.metrics import Metrics
from monitor.models import Article
from monitor.settings import FeedSettings

WORDS = [
    "minister",
    "summit",
    "talks",
    "security",
    "trade",
    "chips",
    "supply",
    "chain",
    "agreement",
    "border",
    "election",
    "vote",
    "parliament",
    "economy",
    "inflation",
    "rates",
    "bank",
    "market",
    "shares",
    "growth",
    "forecast",
    "energy",
    "oil",
    "gas",
    "climate",
    "emissions",
    "court",
    "ruling",
    "appeal",
    "police",
    "protest",
    "strike",
    "union",
    "wages",
    "hospital",
    "vaccine",
    "outbreak",
    "storm",
    "flood",
    "drought",
    "harvest",
    "export",
    "import",
    "tariff",
    "sanction",
    "embassy",
    "treaty",
    "alliance",
    "defence",
    "missile",
    "launch",
    "satellite",
    "launchpad",
    "company",
    "merger",
    "profit",
    "loss",
    "investor",
    "regulator",
    "fine",
    "privacy",
    "data",
    "platform",
    "network",
    "outage",
    "airline",
]


def _item_text(rng: random.Random, words: int = 150) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _feed_body(index: int, generation: int, items: int, new_per_gen: int) -> bytes:
    total = items + generation * new_per_gen
    base = datetime(2025, 1, 1, tzinfo=UTC)
    parts = [
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {index}</title>'
        f"<link>http://bench.invalid/{index}/</link><description>bench</description>"
    ]
    for n in range(total - 1, max(-1, total - 1 - items - new_per_gen), -1):
        rng = random.Random(index * 1_000_003 + n)
        when = format_datetime(base + timedelta(minutes=n), usegmt=True)
        parts.append(
            f"<item><guid>http://bench.invalid/{index}/{n}</guid><link>http://bench.invalid/{index}/{n}</link>"
            f"<title>Story {index}-{n}</title><pubDate>{when}</pubDate>"
            f"<description>{_item_text(rng, 30)}</description>"
            f'<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>'
            f"{_item_text(rng)}</p>]]></content:encoded></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def _serve(port_queue: Any, feeds: int, items: int, new_per_gen: int) -> None:
    generation = {"n": 0}
    cache: dict[tuple[int, int], bytes] = {}

    async def feed(request: web.Request) -> web.StreamResponse:
        index = int(request.match_info["index"])
        gen = generation["n"]
        etag = f'"{index}-{gen}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        body = cache.get((index, gen))
        if body is None:
            body = cache[(index, gen)] = _feed_body(index, gen, items, new_per_gen)
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})

    async def bump(request: web.Request) -> web.StreamResponse:
        generation["n"] += 1
        return web.Response(text=str(generation["n"]))

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{index}", feed)
        app.router.add_post("/bump", bump)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        server: Any = site._server
        port_queue.put(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


def _machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


async def _round(poller: FeedPoller, name: str, expected: int | None) -> dict[str, Any]:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    sent = await poller.poll_once()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if expected is not None and sent != expected:
        raise SystemExit(f"round {name}: expected {expected} articles, got {sent}")
    result = {
        "round": name,
        "articles": sent,
        "feeds": len(poller.feeds),
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "feeds_per_second": round(len(poller.feeds) / wall, 1),
        "items_per_second": round(sent / wall, 1) if sent else None,
        "cpu_ms_per_item": round(cpu * 1000 / sent, 3) if sent else None,
    }
    print(json.dumps(result))
    return result


async def _bench(base: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    import httpx

    count = {"n": 0}

    async def sink(article: Article) -> None:
        article.model_dump_json()
        count["n"] += 1

    feeds = [FeedSettings(url=f"{base}/feed/{i}", interval=300) for i in range(args.feeds)]
    with tempfile.TemporaryDirectory() as state_dir:
        poller = FeedPoller(
            feeds,
            egress=EgressPolicy.loopback_too(),
            state=FeedStateStore(Path(state_dir)),
            sink=sink,
            metrics=Metrics(CollectorRegistry()),
            full_text=False,
            concurrency=args.concurrency,
        )
        results = [await _round(poller, "cold", args.feeds * args.items)]
        results.append(await _round(poller, "unchanged_304", 0))
        async with httpx.AsyncClient() as client:
            await client.post(f"{base}/bump")
        results.append(await _round(poller, "incremental", args.feeds * args.new))
        await poller.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--new", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent / "results" / "ingest.json"
    )
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    load_before = [round(x, 2) for x in os.getloadavg()]
    queue: Any = multiprocessing.get_context("spawn").Queue()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(queue, args.feeds, args.items, args.new), daemon=True
    )
    server.start()
    try:
        port = queue.get(timeout=30)
        results = asyncio.run(_bench(f"http://127.0.0.1:{port}", args))
    finally:
        server.terminate()
        server.join(5)
    report = {
        "benchmark": "ingest",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "load_average_1_5_15": {"before": load_before, "after": [round(x, 2) for x in os.getloadavg()]},
        "config": {
            "feeds": args.feeds,
            "items_per_feed": args.items,
            "new_items_per_feed": args.new,
            "concurrency": args.concurrency,
            "full_text": False,
            "words_per_item": 150,
            "server": "aiohttp in a separate process on the same machine",
            "sink": "Article.model_dump_json() then dropped",
        },
        "rounds": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
