"""Run Newsmon processes for the multi-worker and fault tests.

* :func:`write_config` writes a worker/ingester configuration for a shared broker.
* :class:`WorkerProcess` runs ``newsmon worker --config F`` as a real subprocess
  (its own spaCy pool process), with its log in a file, and can kill -9 it.
* :func:`scrape` reads a process's ``/metrics`` into ``{(name, labels): value}``.
* :class:`PortReceiver` is :class:`~tests.helpers.receiver.WebhookReceiver` on a
  fixed port, so it can be stopped and started again at the same URL.
* :func:`alert_summary` dedups what a receiver got by payload id.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from aiohttp import web

from monitor.broker.probe import free_port
from tests.helpers.receiver import Received, WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
NEWSMON = ROOT / ".venv" / "bin" / "newsmon"
STORYLINES = ROOT / "seeds" / "storylines.yaml"
SECRET = "workers-secret"

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')

Metrics = dict[tuple[str, frozenset[tuple[str, str]]], float]


def group_of(run_id: str) -> str:
    """The Faust app id, hence the consumer group, of a test run's monitors."""
    return f"newsmon-{run_id}"


def write_config(
    path: Path,
    *,
    bootstrap: str,
    run_id: str,
    hook_url: str,
    state_dir: Path,
    http_port: int = 0,
    feed_dir: Path | None = None,
    partitions: int = 2,
    extra: dict[str, Any] | None = None,
) -> Path:
    """A configuration for one process of a cluster sharing app id and topic prefix ``run_id``."""
    data: dict[str, Any] = {
        "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": run_id, "partitions": partitions},
        "app_id": group_of(run_id),
        "storylines": str(STORYLINES),
        "egress": {"allow_networks": ["127.0.0.0/8"], "allowed_ports": "any"},
        "webhooks": [{"url": hook_url, "secret": SECRET, "max_attempts": 10}],
        "alerts": {"retry_base_delay": 0.5, "retry_max_delay": 4.0, "breaker_failures": 1000},
        "http": {"host": "127.0.0.1", "port": http_port},
        "nlp": {"processes": 1, "batch_size": 4, "batch_wait": 0.3},
        "state_dir": str(state_dir),
        "console_alerts": False,
    }
    if feed_dir is not None:
        data["feeds"] = [{"url": str(feed_dir), "interval": 0.5}]
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def parse_metrics(text: str) -> Metrics:
    """Prometheus text format → ``{(name, frozenset(labels)): value}``."""
    samples: Metrics = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        if match is None:
            continue
        name, labels, value = match.groups()
        samples[(name, frozenset(_LABEL.findall(labels or "")))] = float(value)
    return samples


def total(samples: Metrics, name: str, **labels: str) -> float:
    """Sum of ``name`` over the samples whose labels include ``labels``."""
    want = set(labels.items())
    return sum(value for (n, lab), value in samples.items() if n == name and want <= lab)


def scrape(port: int, *, timeout: float = 5.0) -> Metrics:
    """One process's ``/metrics``; empty when it does not answer."""
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=timeout)
    except httpx.HTTPError:
        return {}
    return parse_metrics(response.text) if response.status_code == 200 else {}


@dataclass
class WorkerProcess:
    """``newsmon worker --config F`` as a subprocess, logging to ``log_path``."""

    config: Path
    log_path: Path
    http_port: int
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(  # our own console script
                [str(NEWSMON), "worker", "--config", str(self.config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
            )

    def healthy(self) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{self.http_port}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_healthy(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"worker exited with {self.proc.returncode}:\n{self.log_tail()}")
            if self.healthy():
                return
            time.sleep(0.5)
        raise AssertionError(f"worker not healthy after {timeout}s:\n{self.log_tail()}")

    def metrics(self) -> Metrics:
        return scrape(self.http_port)

    def kill(self) -> None:
        """kill -9 the worker and its spaCy pool process (its whole session)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self, timeout: float = 60.0) -> int | None:
        """SIGTERM (a clean stop), then SIGKILL after ``timeout``; the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)
        return self.proc.returncode

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


def new_worker(
    tmp: Path, name: str, *, bootstrap: str, run_id: str, hook_url: str, extra: dict[str, Any] | None = None
) -> WorkerProcess:
    """A configured (not yet started) worker with its own http port and state directory."""
    port = free_port("127.0.0.1")
    config = write_config(
        tmp / f"{name}.yaml",
        bootstrap=bootstrap,
        run_id=run_id,
        hook_url=hook_url,
        state_dir=tmp / f"{name}-state",
        http_port=port,
        extra=extra,
    )
    return WorkerProcess(config=config, log_path=tmp / f"{name}.log", http_port=port)


class PortReceiver(WebhookReceiver):
    """The test webhook receiver, bound to one port across stop()/start()."""

    async def start(self) -> None:
        if not self.port:
            self.port = free_port("127.0.0.1")
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()

    async def stop(self) -> None:
        await super().stop()
        self._runner = None


@dataclass(frozen=True)
class AlertSummary:
    """What a receiver got, deduplicated by payload id."""

    ids: frozenset[str]
    requests: int
    duplicates: int  # requests beyond the first per id
    retried_ids: frozenset[str]  # ids that came more than once
    foreign_duplicates: tuple[str, ...]  # ids that came twice with *different* delivery ids


def alert_summary(requests: list[Received]) -> AlertSummary:
    counts: Counter[str] = Counter()
    deliveries: dict[str, set[str]] = {}
    for request in requests:
        dev_id = request.payload["id"]
        counts[dev_id] += 1
        deliveries.setdefault(dev_id, set()).add(request.headers.get("X-Newsmon-Delivery", ""))
    return AlertSummary(
        ids=frozenset(counts),
        requests=len(requests),
        duplicates=sum(n - 1 for n in counts.values()),
        retried_ids=frozenset(i for i, n in counts.items() if n > 1),
        foreign_duplicates=tuple(sorted(i for i, d in deliveries.items() if len(d) > 1)),
    )
