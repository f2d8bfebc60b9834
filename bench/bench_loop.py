"""How long does enrichment stall the asyncio event loop? Inline vs the process pool.

Faust runs agents, timers, table commits and the producer on one event loop.
This runs a 10 ms ticker on the loop while 32 seed-sized articles are
enriched (a) inline on the loop, (b) through ``Enricher`` (process pool), and
reports the longest stall and the throughput of each. Results go to
``bench/results/loop.json``.

    .venv/bin/python bench/bench_loop.py
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from monitor.ingest.files import read_article_dir
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline
from monitor.nlp.pool import Enricher
from monitor.storylines.config import load_storylines

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "loop.json"


async def _ticker(stalls: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        before = loop.time()
        await asyncio.sleep(0.01)
        stalls.append(loop.time() - before - 0.01)


async def _measure(work: object) -> dict[str, float]:
    stalls: list[float] = []
    stop = asyncio.Event()
    ticker = asyncio.create_task(_ticker(stalls, stop))
    await asyncio.sleep(0.1)
    start = time.perf_counter()
    count = await work  # type: ignore[misc]
    elapsed = time.perf_counter() - start
    stop.set()
    await ticker
    return {
        "articles": count,
        "seconds": round(elapsed, 3),
        "articles_per_second": round(count / elapsed, 2),
        "max_loop_stall_ms": round(max(stalls) * 1000, 1),
    }


async def main() -> None:
    storylines = load_storylines(ROOT / "seeds" / "storylines.yaml")
    seeds = read_article_dir(ROOT / "seeds", now=datetime.now(UTC))
    articles = [a.model_copy(update={"id": f"{a.id}-{i}"}) for i in range(7) for a in seeds][:32]
    nlp = load_pipeline(storylines)
    enrich_batch(nlp, articles[:2], storylines)  # warm up

    async def inline() -> int:
        done = 0
        for start in range(0, len(articles), 16):
            done += len(enrich_batch(nlp, articles[start : start + 16], storylines))
            await asyncio.sleep(0)
        return done

    enricher = Enricher(storylines, processes=1)
    enricher.start()

    async def pooled() -> int:
        done = 0
        for start in range(0, len(articles), 16):
            done += len(await enricher.enrich(articles[start : start + 16]))
        return done

    try:
        await enricher.enrich(articles[:2])  # warm up the worker
        results = {"inline_on_loop": await _measure(inline()), "process_pool": await _measure(pooled())}
    finally:
        enricher.stop()
    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_1m": os.getloadavg()[0],
        },
        "batch_size": 16,
        **results,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
