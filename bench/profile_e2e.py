"""Profile one worker (and the ingester) under the ``bench/bench_e2e.py`` load.

Run: ``.venv/bin/python bench/profile_e2e.py [--items 150] [--rate 15] [--rate-hz 100]``;
``--analyze DIR`` only re-classifies the stacks of an earlier run.

It runs ``bench_e2e.run_once`` with one worker, unchanged, and around it:

* once the ingester answers (the feed is growing), ``py-spy record --subprocesses
  --nonblocking -f raw -t`` attaches to the worker (and its spaCy process) and to
  the ingester; both are stopped (SIGINT) when the pipeline has drained, before
  the processes are stopped;
* the CPU time (``/proc/<pid>/stat`` utime + stime) of every process in the same
  window: the worker, its spaCy process, the ingester, the Kafka broker (Java), this
  process (feed server and webhook receiver), and the whole machine (``/proc/stat``);
* the worker's ``/metrics`` at the drain (Faust's own sensor figures, ``newsmon_faust_*``);
* every topic read back whole after the run: record count, key and value bytes
  (mean, p50, p95, max) per topic.

The stacks are classified twice: by *stage* (the outermost frame that names an
agent, the view, a follower, ...) and by *component* (the innermost frame of a
known library: JSON, pydantic, aiokafka, Faust, spaCy, pickle ...). Results:
``bench/results/profile.json``, the raw stacks gzipped under ``bench/results/profile/``,
and markdown tables on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_e2e as e2e

ROOT = e2e.ROOT
PYSPY = ROOT / ".venv" / "bin" / "py-spy"
OUT = ROOT / "bench" / "results" / "profile.json"
STACKS = ROOT / "bench" / "results" / "profile"
TICK = os.sysconf("SC_CLK_TCK")

# -- classification -------------------------------------------------------------------------------------

#: stage: the first (outermost) frame containing one of these, in this order
STAGES: tuple[tuple[str, str], ...] = (
    ("enrich_agent (streams/app.py", "enrich agent"),
    ("match_agent (streams/app.py", "match agent"),
    ("detect_agent (streams/app.py", "detect agent"),
    ("route_agent (streams/app.py", "route agent"),
    ("mark_agent (streams/app.py", "mark agent"),
    ("streams/deliver.py", "deliver agent"),
    ("streams/view.py", "cluster view (follows enriched/matches/developments/state)"),
    ("streams/follow.py", "cluster view (follows enriched/matches/developments/state)"),
    ("streams/silences.py", "silences follower"),
    ("report_lag (streams/app.py", "lag timer"),
    ("monitor/api/", "HTTP API / metrics scrape"),
    ("monitor/ingest/", "poller / ingest"),
    ("streams/producer.py", "poller / ingest"),
    ("concurrent/futures/process.py", "enrichment IPC (pool's result thread)"),
    ("faust/", "Faust internals (fetcher, commits, producer)"),
    ("mode/", "Faust internals (fetcher, commits, producer)"),
    ("aiokafka/", "aiokafka background (fetch, send, heartbeat)"),
)

#: component: the first (innermost) frame containing one of these, in this order
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("json/encoder.py", "JSON encode (stdlib)"),
    ("dumps (json/", "JSON encode (stdlib)"),
    ("json/decoder.py", "JSON decode (stdlib)"),
    ("loads (json/", "JSON decode (stdlib)"),
    ("model_validate (pydantic", "pydantic validate"),
    ("model_dump (pydantic", "pydantic dump"),
    ("pydantic", "pydantic (other)"),
    ("pickle", "pickle / IPC"),
    ("multiprocessing/", "pickle / IPC"),
    ("concurrent/futures/", "pickle / IPC"),
    ("aiokafka/", "Kafka client (aiokafka)"),
    ("kafka/", "Kafka client (aiokafka)"),
    ("faust/", "Faust / mode internals"),
    ("mode/", "Faust / mode internals"),
    ("spacy/", "spaCy / thinc"),
    ("thinc/", "spaCy / thinc"),
    ("numpy/", "spaCy / thinc"),
    ("monitor/nlp/", "enrichment code (claims, entities)"),
    ("monitor/storylines/", "matching"),
    ("monitor/detect/", "detection"),
    ("monitor/lexicon/", "detection"),
    ("monitor/alerts/", "delivery (alerts, HTTP)"),
    ("httpx/", "delivery (alerts, HTTP)"),
    ("httpcore/", "delivery (alerts, HTTP)"),
    ("h11/", "delivery (alerts, HTTP)"),
    ("monitor/api/store.py", "view store"),
    ("feedparser/", "feed parsing"),
    ("monitor/ingest/", "ingest code"),
    ("structlog/", "logging"),
    ("logging/", "logging"),
    ("prometheus_client/", "metrics"),
    ("streams/", "streams glue"),
    ("asyncio/", "asyncio event loop"),
    ("selectors.py", "asyncio event loop"),
)


def _match(frames: list[str], table: tuple[tuple[str, str], ...], default: str) -> str:
    for frame in frames:
        for needle, name in table:
            if needle in frame:
                return name
    return default


def classify(raw: Path) -> dict[str, Any]:
    """Samples of a py-spy raw file by process role, stage and component."""
    by_role: Counter[str] = Counter()
    stage: dict[str, Counter[str]] = defaultdict(Counter)
    component: dict[str, Counter[str]] = defaultdict(Counter)
    cell: dict[str, Counter[str]] = defaultdict(Counter)
    opener = gzip.open if raw.suffix == ".gz" else open
    with opener(raw, "rt", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            stack, _, count_text = line.rstrip("\n").rpartition(" ")
            if not stack or not count_text.isdigit() or not stack.startswith("process "):
                continue
            count = int(count_text)
            frames = stack.split(";")
            processes = [f for f in frames if f.startswith("process ")]
            threads = [f for f in frames if f.startswith("thread (")]
            code = [f for f in frames if not f.startswith(("process ", "thread ("))]
            if len(processes) > 1 and "multiprocessing" in processes[-1]:
                role = "spaCy process"
            elif "ingest" in processes[0]:
                role = "ingester"
            else:
                role = "worker main"
            by_role[role] += count
            if role == "spaCy process":
                where = "spaCy process"
            else:
                where = _match(code, STAGES, "event loop / other")
                if where == "event loop / other" and threads and "MainThread" not in threads[-1]:
                    where = "other threads"
            what = _match(list(reversed(code)), COMPONENTS, "other Python")
            stage[role][where] += count
            component[role][what] += count
            cell[role][f"{where} | {what}"] += count
    return {
        "samples": dict(by_role),
        "stage": {k: dict(v.most_common()) for k, v in stage.items()},
        "component": {k: dict(v.most_common()) for k, v in component.items()},
        "stage_component": {k: dict(v.most_common(40)) for k, v in cell.items()},
    }


# -- CPU time from /proc --------------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def _machine_busy() -> float:
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return (sum(parts[:8]) - idle) / TICK


def _descendants(pid: int) -> list[int]:
    found = []
    for child in e2e._children(pid):
        found += [child, *_descendants(child)]
    return found


class Probe:
    """What the patched bench functions hand over: processes, profiles, CPU snapshots, metrics."""

    def __init__(self, out: Path, rate_hz: int) -> None:
        self.out = out
        self.rate_hz = rate_hz
        self.spawned: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.spies: list[subprocess.Popen[bytes]] = []
        self.start: dict[str, Any] = {}
        self.end: dict[str, Any] = {}
        self.metrics: dict[Any, float] = {}
        self.worker_ports: set[int] = set()
        self.started_at = 0.0
        self.stopped_at = 0.0

    def roles(self) -> dict[int, str]:
        found: dict[int, str] = {}
        for kind, proc in self.spawned:
            found[proc.pid] = kind
            for child in _descendants(proc.pid):
                if "py-spy" not in e2e._cmdline(child):
                    found[child] = f"{kind} child: {e2e._cmdline(child)[:60]}"
        for child in _descendants(os.getpid()):
            if "java" in e2e._cmdline(child):
                found[child] = "Kafka broker (java)"
        found[os.getpid()] = "bench (feed server, webhook receiver)"
        return found

    def snapshot(self) -> dict[str, Any]:
        return {
            "at": time.time(),
            "machine_busy_s": _machine_busy(),
            "cpu_s": {pid: (role, _cpu_seconds(pid)) for pid, role in self.roles().items()},
        }

    def spy(self) -> None:
        self.start = self.snapshot()
        self.started_at = time.time()
        for kind, proc in self.spawned:
            target = self.out / f"{kind}-{proc.pid}.txt"
            self.spies.append(
                subprocess.Popen(
                    [
                        *(str(PYSPY), "record", "-p", str(proc.pid), "--subprocesses", "--nonblocking"),
                        *("-t", "-r", str(self.rate_hz), "-f", "raw", "-o", str(target)),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=(self.out / f"py-spy-{kind}.log").open("wb"),
                )
            )

    def unspy(self) -> None:
        if self.stopped_at:
            return
        self.end = self.snapshot()
        self.stopped_at = time.time()
        for spy in self.spies:
            spy.send_signal(signal.SIGINT)
        for spy in self.spies:
            try:
                spy.wait(timeout=60)
            except subprocess.TimeoutExpired:
                spy.kill()


def install(probe: Probe) -> None:
    """Patch bench_e2e's spawn, health wait and drain check to start and stop the profiles at the right
    time."""
    spawn, healthy, drained = e2e._spawn, e2e._wait_healthy, e2e._drained

    def _spawn(command: str, config: Path, log: Path) -> subprocess.Popen[bytes]:
        proc = spawn(command, config, log)
        probe.spawned.append((command, proc))
        return proc

    async def _wait_healthy(port: int, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
        await healthy(port, proc, timeout)
        kinds = dict((p.pid, k) for k, p in probe.spawned)
        if kinds.get(proc.pid) == "worker":
            probe.worker_ports.add(port)
        if kinds.get(proc.pid) == "ingest":
            probe.spy()  # the feed has started growing: the load window begins

    def _drained(scrapes: list[dict[Any, float]], items: int) -> bool:
        done = drained(scrapes, items)
        if done:
            probe.unspy()  # drained: the load window ends before anything is stopped
            probe.metrics = scrapes[0]
        return done

    e2e._spawn, e2e._wait_healthy, e2e._drained = _spawn, _wait_healthy, _drained  # type: ignore[assignment]


# -- topics ---------------------------------------------------------------------------------------------


async def topic_sizes(bootstrap: str) -> dict[str, Any]:
    """Every topic read whole: records, key and value bytes."""
    from aiokafka import AIOKafkaConsumer
    from aiokafka.structs import TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    sizes: dict[str, list[int]] = defaultdict(list)
    keys: dict[str, int] = Counter()
    try:
        # the consumer's own cluster view knows no topic it was not subscribed to: ask the broker
        cluster = await consumer._client.fetch_all_metadata()
        topics = [t for t in cluster.topics() if not t.startswith("__")]
        tps = [TopicPartition(t, p) for t in topics for p in cluster.partitions_for_topic(t) or ()]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        left = {tp for tp in tps if ends[tp] > 0}
        deadline = time.monotonic() + 120
        while left and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=1000, max_records=2000)
            for tp, records in batch.items():
                for record in records:
                    sizes[tp.topic].append(len(record.value or b""))
                    keys[tp.topic] += len(record.key or b"")
                    if record.offset + 1 >= ends[tp]:
                        left.discard(tp)
    finally:
        await consumer.stop()
    return {
        topic: {
            "records": len(values),
            "value_bytes_total": sum(values),
            "value_bytes_mean": round(statistics.mean(values)),
            "value_bytes_p50": round(statistics.median(values)),
            "value_bytes_p95": e2e._pct([float(v) for v in values], 95),
            "value_bytes_max": max(values),
            "key_bytes_mean": round(keys[topic] / len(values), 1),
        }
        for topic, values in sorted(sizes.items())
    }


async def streaming(args: argparse.Namespace, items: list[e2e.Item], tmp: Path) -> dict[str, Any]:
    broker = e2e.EmbeddedBroker(tmp / "broker", port=0)
    bootstrap = await asyncio.to_thread(broker.start, timeout=180)
    try:
        run = await e2e.run_once(1, items, args.rate, bootstrap, tmp)
        return {"run": run, "topics": await topic_sizes(bootstrap)}
    finally:
        await asyncio.to_thread(broker.stop)


def cpu_table(probe: Probe) -> list[dict[str, Any]]:
    rows = []
    for pid, (role, before) in probe.start["cpu_s"].items():
        after = probe.end["cpu_s"].get(pid, (role, None))[1]
        if before is None or after is None:
            continue
        rows.append({"pid": pid, "process": role, "cpu_s": round(after - before, 2)})
    return sorted(rows, key=lambda r: -r["cpu_s"])


def report(result: dict[str, Any]) -> str:
    lines = []
    window = result.get("window_s")
    if window:
        lines += [f"load window {window} s, machine busy {result['machine_busy_cpu_s']} CPU-s", ""]
        lines += ["| process | CPU s | share of machine busy |", "| --- | --- | --- |"]
        for row in result["cpu"]:
            share = row["cpu_s"] / result["machine_busy_cpu_s"]
            lines.append(f"| {row['process']} | {row['cpu_s']} | {share:.1%} |")
    for name, profile in result["profiles"].items():
        total = sum(profile["samples"].values())
        lines += ["", f"### {name}: {total} samples", ""]
        for role, stages in profile["stage"].items():
            lines += [f"{role} by stage:", ""]
            for key, count in stages.items():
                lines.append(f"- {key}: {count / total:.1%}")
            lines += ["", f"{role} by component:", ""]
            for key, count in profile["component"][role].items():
                lines.append(f"- {key}: {count / total:.1%}")
            lines.append("")
    if result.get("topics"):
        lines += ["| topic | records | value bytes mean / p95 / max |", "| --- | --- | --- |"]
        for topic, s in result["topics"].items():
            lines.append(
                f"| {topic} | {s['records']} | {s['value_bytes_mean']} / "
                f"{s['value_bytes_p95']:.0f} / {s['value_bytes_max']} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=150)
    parser.add_argument("--rate", type=float, default=15.0, help="feed growth, items per second")
    parser.add_argument("--rate-hz", type=int, default=100, help="py-spy samples per second")
    parser.add_argument("--analyze", type=Path, help="only classify the stacks in this directory")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.analyze:
        result = json.loads(args.out.read_text()) if args.out.exists() else {}
        result["profiles"] = {p.name: classify(p) for p in sorted(args.analyze.glob("*.txt*"))}
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(report(result))
        return
    items = e2e.corpus(args.items)
    with tempfile.TemporaryDirectory(prefix="newsmon-profile-") as tmp:
        spies = Path(tmp) / "spy"
        spies.mkdir()
        probe = Probe(spies, args.rate_hz)
        install(probe)
        load = e2e._load()
        streamed = asyncio.run(streaming(args, items, Path(tmp)))
        STACKS.mkdir(parents=True, exist_ok=True)
        for old in STACKS.glob("*.txt.gz"):
            old.unlink()
        for raw in spies.glob("*.txt"):
            with raw.open("rb") as src, gzip.open(STACKS / f"{raw.name}.gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
    faust = {
        str(k): v for k, v in probe.metrics.items() if "faust" in str(k) and "partition_offset" not in str(k)
    }
    result = {
        "benchmark": "profile_e2e",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": " ".join(sys.argv),
        "load_at_start": load,
        "window_s": round(probe.stopped_at - probe.started_at, 1),
        "machine_busy_cpu_s": round(probe.end["machine_busy_s"] - probe.start["machine_busy_s"], 1),
        "cpu": cpu_table(probe),
        "run": streamed["run"],
        "topics": streamed["topics"],
        "faust_sensors": faust,
        "profiles": {p.name: classify(p) for p in sorted(STACKS.glob("*.txt.gz"))},
    }
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(report(result))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
