"""Benchmark: end to end, from an item appearing in an RSS feed to its alert at a webhook.

Run: ``.venv/bin/python bench/bench_e2e.py [--items 150] [--rate 15] [--setups 1x1,1x2,2x1]``.

One run of the script:

1. starts an embedded Kafka broker (its own state directory under a temp dir),
   a local RSS server and a local webhook receiver (aiohttp, 127.0.0.1);
2. for each setup (workers × spaCy processes per worker, ``nlp.processes``): a
   fresh app id / topic prefix, ``newsmon ingest`` and N ``newsmon worker``
   subprocesses (the real CLI), then the feed grows by ``--rate`` items per
   second until ``--items`` items are in it; waits until the workers' counters
   say every item was enriched, matched, detected and delivered (polled every
   0.2 s), then until the group committed the end of every pipeline topic;
   then the same setup again, fresh, with the feed growing at half the
   throughput just measured (``--half-rate-items`` items): the latency a
   newsroom sees when the monitor keeps up;
3. measures throughput (articles / (drained - first item appeared)), latency
   percentiles from an item's appearance in the feed to the arrival of the
   alert it triggered (its URL is the last article of the alert payload),
   and the peak RSS (VmHWM) of every worker process and of its spaCy pool
   process;
4. measures raw ``nlp.pipe`` (the same en_core_web_sm pipeline the workers
   load, ``monitor.nlp.pipeline.load_pipeline``) on the same texts, in this
   process, after the streaming runs.

Items: the seeds and ``tests/data/workers/`` articles, and variants of them
(years shifted, paragraphs rotated and one dropped) so that later rounds form
new events rather than near-duplicates. Results: ``bench/results/e2e.json``
and a markdown table on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.nlp.worker import ONE_THREAD  # noqa: E402

# raw nlp.pipe runs in this process: with one BLAS thread, as in the enrichment processes (it is also
# faster that way on this machine: 19.0 against 16.7 docs/s with OpenBLAS's default threads)
for _name in ONE_THREAD:
    os.environ.setdefault(_name, "1")

from monitor.broker.embedded import EmbeddedBroker  # noqa: E402
from monitor.broker.probe import free_port  # noqa: E402
from monitor.ingest.files import read_article_dir  # noqa: E402
from tests.helpers.cluster import parse_metrics, total  # noqa: E402
from tests.helpers.driver import group_lag, pipeline_topics  # noqa: E402

NEWSMON = ROOT / ".venv" / "bin" / "newsmon"
OUT = ROOT / "bench" / "results" / "e2e.json"
SOURCES = (ROOT / "seeds", ROOT / "tests" / "data" / "workers")
PARTITIONS = 4
#: ``nlp`` settings other than processes the workers get (``--batch-size``, ``--batch-wait``)
NLP_OVERRIDES: dict[str, Any] = {}
YEAR = re.compile(r"\b(19|20)(\d\d)\b")


@dataclass(frozen=True)
class Item:
    """One feed item."""

    guid: str
    title: str
    text: str
    published: datetime


def corpus(count: int) -> list[Item]:
    """``count`` items: the base articles, then variants of them round after round."""
    now = datetime.now(UTC)
    base = [a for src in SOURCES for a in read_article_dir(src, now=now)]
    items: list[Item] = []
    round_ = 0
    while len(items) < count:
        for article in base:
            if len(items) >= count:
                break
            paragraphs = [p for p in article.text.split("\n") if p.strip()]
            title = article.title
            published = article.published or now
            if round_:
                shift = 3 * round_

                def bump(match: re.Match[str], shift: int = shift) -> str:
                    return str(int(match.group(0)) + shift)

                paragraphs = [YEAR.sub(bump, p) for p in paragraphs]
                if len(paragraphs) > 2:
                    del paragraphs[round_ % len(paragraphs)]
                    cut = round_ % len(paragraphs)
                    paragraphs = paragraphs[cut:] + paragraphs[:cut]
                title = YEAR.sub(bump, title) + f" (update {round_})"
                published = published.replace(year=min(published.year + shift, 2099))
            items.append(Item(f"item-{len(items)}", title, "\n\n".join(paragraphs), published))
        round_ += 1
    return items


class FeedServer:
    """An RSS 2.0 feed at /feed.xml whose item *i* appears at ``start + i / rate``."""

    def __init__(self, items: list[Item], rate: float) -> None:
        self.items = items
        self.rate = rate
        self.start_at: float | None = None  # wall clock (time.time())
        self.port = free_port("127.0.0.1")
        self._runner: web.AppRunner | None = None

    def link(self, index: int) -> str:
        return f"http://127.0.0.1:{self.port}/a/{index}"

    def appeared(self, index: int) -> float:
        assert self.start_at is not None
        return self.start_at + index / self.rate

    def visible(self) -> int:
        if self.start_at is None:
            return 0
        return min(len(self.items), int((time.time() - self.start_at) * self.rate) + 1)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/feed.xml", self._feed)
        app.router.add_get("/robots.txt", lambda _: web.Response(text="User-agent: *\nAllow: /\n"))
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _feed(self, _: web.Request) -> web.Response:
        shown = self.visible()
        entries = []
        for index in range(shown - 1, max(-1, shown - 101), -1):  # newest first, at most 100
            item = self.items[index]
            entries.append(
                "<item>"
                f"<title>{escape(item.title)}</title><link>{self.link(index)}</link>"
                f'<guid isPermaLink="false">{item.guid}</guid>'
                f"<pubDate>{format_datetime(item.published)}</pubDate>"
                f"<description>{escape(item.text)}</description>"
                "</item>"
            )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>bench</title><link>http://127.0.0.1:{self.port}/</link><description>bench</description>"
            + "".join(entries)
            + "</channel></rss>"
        )
        return web.Response(body=body.encode(), content_type="application/rss+xml")


@dataclass
class Receiver:
    """Webhook receiver recording (arrival time, payload)."""

    port: int = field(default_factory=lambda: free_port("127.0.0.1"))
    got: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        self.got.append((time.time(), json.loads(await request.read())))
        return web.Response(status=200)


def _write_config(
    path: Path, run_id: str, bootstrap: str, hook: str, port: int, feed: str | None, processes: int = 1
) -> Path:
    data: dict[str, Any] = {
        "nlp": {"processes": processes, **NLP_OVERRIDES},
        "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": run_id, "partitions": PARTITIONS},
        "app_id": f"newsmon-{run_id}",
        "storylines": str(ROOT / "seeds" / "storylines.yaml"),
        "egress": {"allow_networks": ["127.0.0.0/8"], "allowed_ports": "any"},
        "webhooks": [{"url": hook}],
        "http": {"port": port},
        "state_dir": str(path.parent / f"{path.stem}-state"),
        "console_alerts": False,
    }
    if feed is not None:
        data["feeds"] = [{"url": feed, "interval": 1}]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _spawn(command: str, config: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(NEWSMON), command, "--config", str(config), "--log-level", "warning"],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _keep_stuck_logs(procs: list[tuple[str, subprocess.Popen[bytes], int]], tmp: Path, run_id: str) -> Path:
    """A run that did not drain: each worker writes its asyncio tasks (SIGUSR1); keep the logs."""
    for kind, proc, _ in procs:
        if kind == "worker" and proc.poll() is None:
            proc.send_signal(signal.SIGUSR1)
    time.sleep(2)
    kept = Path(tempfile.mkdtemp(prefix=f"newsmon-bench-stuck-{run_id}-"))
    for log in tmp.glob(f"{run_id}-*.log"):
        shutil.copy(log, kept / log.name)
    return kept


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: the embedded broker's process, once started (its CPU is counted per run)
BROKER_PID: list[int] = []


def _cpu_by_role(procs: list[tuple[str, subprocess.Popen[bytes], int]]) -> dict[str, float]:
    """CPU seconds so far of the workers' main processes, their children (spaCy), the ingester, the broker."""
    used = {"worker main": 0.0, "worker children (spaCy)": 0.0, "ingester": 0.0, "Kafka broker": 0.0}
    used["Kafka broker"] = sum(_cpu_s(pid) for pid in BROKER_PID)
    for kind, proc, _ in procs:
        if kind == "worker":
            used["worker main"] += _cpu_s(proc.pid)
            used["worker children (spaCy)"] += sum(_cpu_s(c) for c in _children(proc.pid))
        else:
            used["ingester"] += _cpu_s(proc.pid)
    return used


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
    except OSError:
        return ""


async def _scrape(port: int) -> dict[Any, float]:
    import httpx

    async with httpx.AsyncClient() as client:
        try:
            response = await client.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        except httpx.HTTPError:
            return {}
    return parse_metrics(response.text)


async def _wait_healthy(port: int, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"process exited with {proc.returncode}")
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz", timeout=2)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError("not healthy in time")


def _drained(scrapes: list[dict[Any, float]], items: int) -> bool:
    def count(name: str, **labels: str) -> float:
        return sum(total(m, name, **labels) for m in scrapes)

    enriched = count("newsmon_articles_total", stage="enrich", outcome="ok")
    matched = count("newsmon_articles_total", stage="match")
    matches = count("newsmon_storyline_matches_total")
    detected = count("newsmon_faust_table_keys_updated_total", table="storyline-state")
    developments = count("newsmon_developments_total")
    delivered = count("newsmon_faust_table_keys_updated_total", table="delivered")
    return enriched >= items and matched >= items and detected >= matches and delivered >= developments


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


async def run_once(
    workers: int, items: list[Item], rate: float, bootstrap: str, tmp: Path, processes: int = 1
) -> dict[str, Any]:
    """One streaming run with ``workers`` worker processes of ``processes`` enrichment processes each."""
    run_id = f"bench{workers}x{processes}-{uuid.uuid4().hex[:6]}"
    feed = FeedServer(items, rate)
    receiver = Receiver()
    await feed.start()
    await receiver.start()
    procs: list[tuple[str, subprocess.Popen[bytes], int]] = []
    try:
        for index in range(workers):
            port = free_port("127.0.0.1")
            config = _write_config(
                tmp / f"{run_id}-w{index}.yaml", run_id, bootstrap, receiver.url, port, None, processes
            )
            procs.append(("worker", _spawn("worker", config, tmp / f"{run_id}-w{index}.log"), port))
        for _, proc, port in procs:
            await _wait_healthy(port, proc)
        await asyncio.sleep(3)  # let the group settle before the feed starts growing
        ingest_port = free_port("127.0.0.1")
        config = _write_config(
            tmp / f"{run_id}-ingest.yaml",
            run_id,
            bootstrap,
            receiver.url,
            ingest_port,
            f"http://127.0.0.1:{feed.port}/feed.xml",
        )
        feed.start_at = time.time() + 1.0
        ingester = _spawn("ingest", config, tmp / f"{run_id}-ingest.log")
        procs.append(("ingester", ingester, ingest_port))
        await _wait_healthy(ingest_port, ingester)
        cpu_before = _cpu_by_role(procs)
        last_appears = feed.appeared(len(items) - 1)
        while time.time() < last_appears:
            await asyncio.sleep(0.5)
        # drained: the workers' own counters say every stage is done with every item (polled every
        # 0.2 s): all enriched and matched, every match detected (a storyline-state write each),
        # every development delivered (a delivered-table write each)
        worker_ports = [port for kind, _, port in procs if kind == "worker"]
        deadline = time.time() + 420
        while True:
            polled = time.time()
            if _drained([await _scrape(p) for p in worker_ports], len(items)):
                drained = polled
                cpu_after = _cpu_by_role(procs)
                break
            if polled > deadline:
                kept = _keep_stuck_logs(procs, tmp, run_id)
                raise RuntimeError(f"run with {workers} worker(s) did not drain; logs, task dumps: {kept}")
            await asyncio.sleep(0.2)
        # and the group committed the end of every pipeline topic (not timed: commits come every 2.8 s)
        lag: int | None = None
        while time.time() < deadline:
            lag = await group_lag(bootstrap, f"newsmon-{run_id}", pipeline_topics(run_id), PARTITIONS)
            if lag == 0:
                break
            await asyncio.sleep(0.5)
        else:
            raise RuntimeError(f"run with {workers} worker(s) did not commit (lag {lag})")
        worker_metrics = [await _scrape(port) for kind, _, port in procs if kind == "worker"]
        memory = []
        for kind, proc, _ in procs:
            if kind != "worker":
                continue
            children = [
                {"pid": c, "peak_rss_mb": _peak_rss_mb(c), "cmd": _cmdline(c)}
                for c in _children(proc.pid)
                if _peak_rss_mb(c) is not None
            ]
            memory.append({"pid": proc.pid, "peak_rss_mb": _peak_rss_mb(proc.pid), "children": children})
    finally:
        for _, proc, _ in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _, proc, _ in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        await feed.stop()
        await receiver.stop()

    url_index = {feed.link(i): i for i in range(len(items))}
    latencies: list[float] = []
    seen: set[str] = set()
    for arrived, payload in receiver.got:
        if payload["id"] in seen or not payload.get("articles"):
            continue
        seen.add(payload["id"])
        index = url_index.get(payload["articles"][-1]["url"])
        if index is not None:
            latencies.append(arrived - feed.appeared(index))
    elapsed = drained - feed.appeared(0)
    enriched = [total(m, "newsmon_articles_total", stage="enrich") for m in worker_metrics]
    # the workers' own histogram: from the triggering article's ingestion to the webhook's answer
    alerted = sum(total(m, "newsmon_ingest_to_alert_seconds_count") for m in worker_metrics)
    ingest_to_alert = sum(total(m, "newsmon_ingest_to_alert_seconds_sum") for m in worker_metrics)
    return {
        "workers": workers,
        "processes_per_worker": processes,
        "items": len(items),
        "feed_rate_per_s": rate,
        "elapsed_s": round(elapsed, 2),
        "throughput_articles_per_s": round(len(items) / elapsed, 3),
        "enriched_per_worker": enriched,
        "alerts": len(seen),
        "alert_requests": len(receiver.got),
        "latency_s": {
            "count": len(latencies),
            "p50": _round(_pct(latencies, 50)),
            "p95": _round(_pct(latencies, 95)),
            "p99": _round(_pct(latencies, 99)),
            "max": _round(max(latencies) if latencies else None),
            # of the mean above, what the pipeline took after the ingester had the item (the rest:
            # waiting for the next poll, fetching and parsing the feed)
            "mean": _round(sum(latencies) / len(latencies) if latencies else None),
            "mean_ingest_to_alert": _round(ingest_to_alert / alerted if alerted else None),
        },
        "memory": memory,
        # CPU used from the feed's start to the drain, per role, and per article
        "cpu_s": {role: round(cpu_after[role] - cpu_before[role], 2) for role in cpu_before},
        "cpu_ms_per_article": {
            role: round(1000 * (cpu_after[role] - cpu_before[role]) / len(items), 1) for role in cpu_before
        },
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def raw_nlp(items: list[Item], repeat: int) -> dict[str, Any]:
    """Docs per second of ``nlp.pipe`` on the same texts (best of ``repeat``)."""
    from monitor.nlp.pipeline import load_pipeline, model_info
    from monitor.storylines.config import load_storylines

    nlp = load_pipeline(load_storylines(ROOT / "seeds" / "storylines.yaml"))
    texts = [f"{item.title}\n\n{item.text}" for item in items]
    list(nlp.pipe(texts[:4]))  # warm-up
    rates = []
    for _ in range(repeat):
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=16):
            pass
        rates.append(len(texts) / (time.perf_counter() - started))
    name, version = model_info()
    return {
        "model": name,
        "version": version,
        "docs_per_s": round(max(rates), 3),
        "runs": [round(r, 3) for r in rates],
    }


def _load() -> dict[str, Any]:
    one, five, fifteen = os.getloadavg()
    return {"loadavg_1_5_15": [round(one, 2), round(five, 2), round(fifteen, 2)], "cpus": os.cpu_count()}


def _memory(run: dict[str, Any]) -> str:
    """Peak RSS per worker: main + its children (spaCy processes, resource tracker) = sum."""
    parts = []
    for m in run["memory"]:
        children = sum(c["peak_rss_mb"] for c in m["children"])
        parts.append(f"{m['peak_rss_mb']:.0f} + {children:.0f} = {m['peak_rss_mb'] + children:.0f}")
    return "; ".join(parts)


def _cpu(run: dict[str, Any]) -> str:
    """CPU ms per article by role, in the table's order."""
    used = run["cpu_ms_per_article"]
    roles = ("worker children (spaCy)", "worker main", "ingester", "Kafka broker")
    return " / ".join(f"{used[role]:.0f}" for role in roles)


def table(result: dict[str, Any]) -> str:
    raw = result["raw_nlp_pipe"]["docs_per_s"]
    lines = [
        "| workers × spaCy processes | articles/s | vs raw nlp.pipe | latency p50 / p99 (s), saturated "
        "| at half that rate: articles/s, latency p50 / p99 (s) "
        "| peak RSS per worker: main + children = total (MB) "
        "| CPU ms per article: spaCy / worker main / ingester / broker |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in result["runs"]:
        lat, half = run["latency_s"], run.get("half_rate")
        calm = (
            f"{half['feed_rate_per_s']:.2f}: {half['latency_s']['p50']} / {half['latency_s']['p99']}"
            if half
            else ""
        )
        lines.append(
            f"| {run['workers']} × {run['processes_per_worker']} | {run['throughput_articles_per_s']:.2f} | "
            f"{run['throughput_articles_per_s'] / raw:.1%} | {lat['p50']} / {lat['p99']} | {calm} | "
            f"{_memory(run)} | {_cpu(run)} |"
        )
    lines.append(f"| raw nlp.pipe (1 process) | {raw:.2f} | 100% | | | | {1000 / raw:.0f} / – / – / – |")
    return "\n".join(lines)


async def streaming(args: argparse.Namespace, items: list[Item], tmp: Path) -> list[dict[str, Any]]:
    """Per setup: a run with the feed growing faster than it keeps up, then one at half its rate."""
    broker = EmbeddedBroker(tmp / "broker", port=0)
    bootstrap = await asyncio.to_thread(broker.start, timeout=180)
    BROKER_PID.append((await asyncio.to_thread(broker.status)).pid or 0)
    runs = []
    try:
        for workers, processes in args.setups:
            run = await run_once(workers, items, args.rate, bootstrap, tmp, processes)
            if args.half_rate_items:
                half = run["throughput_articles_per_s"] / 2
                calm = await run_once(workers, items[: args.half_rate_items], half, bootstrap, tmp, processes)
                run["half_rate"] = {k: calm[k] for k in ("feed_rate_per_s", "items", "latency_s", "alerts")}
            runs.append(run)
        return runs
    finally:
        await asyncio.to_thread(broker.stop)


def _setups(text: str) -> list[tuple[int, int]]:
    """``1x1,1x2,2x1`` → [(workers, spaCy processes per worker), ...]."""
    pairs = [part.split("x") for part in text.split(",")]
    return [(int(w), int(p)) for w, p in pairs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=150)
    parser.add_argument("--rate", type=float, default=15.0, help="feed growth, items per second")
    parser.add_argument(
        "--setups",
        type=_setups,
        default=[(1, 1), (1, 2), (2, 1)],
        help="workers x spaCy processes per worker, comma-separated (default 1x1,1x2,2x1)",
    )
    parser.add_argument(
        "--half-rate-items", type=int, default=90, help="items of the half-rate latency run (0: none)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="raw nlp.pipe runs")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--batch-size", type=int, help="nlp.batch_size (default: the settings' default)")
    parser.add_argument("--batch-wait", type=float, help="nlp.batch_wait (default: the settings' default)")
    args = parser.parse_args()
    if args.batch_size is not None:
        NLP_OVERRIDES["batch_size"] = args.batch_size
    if args.batch_wait is not None:
        NLP_OVERRIDES["batch_wait"] = args.batch_wait
    items = corpus(args.items)
    started = time.time()
    load_before = _load()
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp:
        runs = asyncio.run(streaming(args, items, Path(tmp)))
    raw = raw_nlp(items, args.repeat)
    result = {
        "benchmark": "e2e",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": {"python": platform.python_version(), "machine": platform.machine(), **_load()},
        "load_at_start": load_before,
        "words_per_item_mean": round(statistics.mean(len(i.text.split()) for i in items), 1),
        "partitions": PARTITIONS,
        "nlp_overrides": NLP_OVERRIDES,
        "runs": runs,
        "raw_nlp_pipe": raw,
        "wall_time_s": round(time.time() - started, 1),
        "notes": (
            "throughput = items / (pipeline drained - first item appeared); the feed grows at "
            "feed_rate_per_s, "
            "so a run that keeps up measures the feed rate, not capacity. latency = alert arrival - item "
            "appearance in the feed, for the item that triggered each distinct alert. peak RSS = VmHWM."
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    print(
        f"\nload average at start {load_before['loadavg_1_5_15']}, at end {result['host']['loadavg_1_5_15']}"
    )
    print(f"wrote {args.out} in {result['wall_time_s']} s")


if __name__ == "__main__":
    main()
