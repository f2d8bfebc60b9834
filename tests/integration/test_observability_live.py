"""See it working: one running service (real broker, real spaCy) watched by promtool, Prometheus and Chromium.

The module starts NewsmonService once on the session's Kafka with the five
seeds as a local feed (polled every 2 s), waits for the new_event alerts of
both seed summits, and shares it with:

* ``promtool check metrics`` on the live ``/metrics``;
* Debian's real ``prometheus`` scraping it every second, queried over its HTTP API;
* headless Chromium loading the web page (both summits, and a conflict side by
  side — the seeds raise none, so a report giving another date for the Tokyo
  summit is pushed through the feed).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from monitor.settings import build_settings
from streams.service import NewsmonService
from tests.monitor.api.browser import Browser

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
JK = "japan-korea-summits"

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CONFLICTING_REPORT = (
    "South Korean President Lee Jae-myung and Japanese Prime Minister Shigeru Ishiba held their summit"
    " in Tokyo on August 24, 2025, pledging closer ties between the neighbours.\n"
    "The meeting was Lee's first bilateral visit to Japan since taking office.\n"
    "The leaders discussed North Korea and economic security during the talks.\n"
)


@dataclass
class Live:
    """The running service, its base URL, its feed directory and the loop it runs on."""

    service: NewsmonService
    url: str
    feed_dir: Path
    loop: asyncio.AbstractEventLoop

    def get(self, path: str, **params: Any) -> Any:
        response = httpx.get(self.url + path, params=params, timeout=10)
        response.raise_for_status()
        return response.json()

    def wait_for_alerts(self, kind: str, count: int, timeout: float) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            found: list[dict[str, Any]] = self.get("/api/alerts", kind=kind)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {len(found)} {kind} alerts after {timeout}s: {found}")
            time.sleep(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """NewsmonService on the seeds, running in a background event loop, after both summits' alerts."""
    tmp = tmp_path_factory.mktemp("observability")
    feed_dir = tmp / "articles"
    shutil.copytree(ROOT / "seeds", feed_dir, ignore=shutil.ignore_patterns("storylines.yaml"))
    run = uuid.uuid4().hex[:8]
    settings = build_settings(
        {
            "kafka": {"bootstrap_servers": kafka_bootstrap, "topic_prefix": f"obs-{run}", "partitions": 2},
            "app_id": f"newsmon-obs-{run}",
            "feeds": [{"url": str(feed_dir), "interval": 2}],
            "storylines": str(ROOT / "seeds" / "storylines.yaml"),
            "http": {"port": 0},
            "state_dir": str(tmp / "state"),
            "console_alerts": False,
        }
    )
    service = NewsmonService(settings)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="newsmon-live", daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(service.start(), loop).result(timeout=180)
    assert service.http is not None
    state = Live(service, f"http://127.0.0.1:{service.http.port}", feed_dir, loop)
    try:
        state.wait_for_alerts("new_event", 2, timeout=240)
        yield state
    finally:
        asyncio.run_coroutine_threadsafe(service.stop(), loop).result(timeout=120)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()


def test_live_metrics_pass_promtool(live: Live) -> None:
    """`promtool check metrics` finds nothing to fix on the live /metrics, Faust's figures included."""
    text = httpx.get(live.url + "/metrics", timeout=10).text
    for name in (
        "newsmon_articles_total",
        "newsmon_nlp_model_info",
        "newsmon_faust_messages_received_total",
        "newsmon_faust_events_total",
        "process_resident_memory_bytes",
        "python_info",
    ):
        assert f"\n{name}" in text, name
    checked = subprocess.run(
        [PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip() == "" and checked.stderr.strip() == "", checked.stdout + checked.stderr


def test_real_prometheus_scrapes_the_seed_article_count(live: Live, tmp_path: Path) -> None:
    """A real Prometheus scraping every second sees the 5 seed articles produced by the ingester."""
    port = _free_port()
    target = live.url.removeprefix("http://")
    config = tmp_path / "prometheus.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "scrape_configs": [{"job_name": "newsmon", "static_configs": [{"targets": [target]}]}],
            }
        ),
        encoding="utf-8",
    )
    command = [
        PROMETHEUS,
        f"--config.file={config}",
        f"--storage.tsdb.path={tmp_path / 'tsdb'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    query = 'sum(newsmon_articles_total{stage="ingest",outcome="produced"})'
    value: float | None = None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(1)
            try:
                api = f"http://127.0.0.1:{port}/api/v1/query"
                answer = httpx.get(api, params={"query": query}, timeout=5)
            except httpx.TransportError:
                continue
            result = answer.json()["data"]["result"]
            if result:
                value = float(result[0]["value"][1])
                if value >= 5:
                    break
        targets = httpx.get(f"http://127.0.0.1:{port}/api/v1/targets", timeout=5).json()
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
    health = [t["health"] for t in targets["data"]["activeTargets"]]
    assert health == ["up"], targets
    assert value == 5.0, value


def _push_conflicting_report(live: Live) -> None:
    """Drop a report giving 24 August for the Tokyo summit (the seeds say 23 August) into the feed."""
    (live.feed_dir / "100_tokyo_summit_date.txt").write_text(CONFLICTING_REPORT, encoding="utf-8")
    manifest_path = live.feed_dir / "manifest.yaml"
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    manifest.append(
        {
            "file": "100_tokyo_summit_date.txt",
            "title": "Lee and Ishiba pledge closer ties at Tokyo summit",
            "source": "Test Wire (conflicting report)",
            "published": "2025-08-25T08:00:00+00:00",
        }
    )
    manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_page_shows_both_summits_and_a_conflict_side_by_side(live: Live) -> None:
    """Chromium shows both seed summits (Seoul May 2023, Tokyo Aug 2025) and a conflict's two quotes."""
    conflicts: list[dict[str, Any]] = live.get("/api/alerts", kind="conflict")
    if not conflicts:
        _push_conflicting_report(live)
        conflicts = live.wait_for_alerts("conflict", 1, timeout=90)
    conflict = conflicts[0]
    quotes = [e["quote"] for e in conflict["evidence"]]
    assert len(quotes) >= 2, conflict

    async def scenario() -> dict[str, Any]:
        async with Browser() as browser:
            await browser.open(live.url + "/")
            await browser.wait_for("document.querySelector('.conflict-pair')", timeout=30)
            await asyncio.sleep(0.5)
            await browser.screenshot("page-live.png")
            seen: dict[str, Any] = await browser.evaluate(
                """(() => {
                  const events = [...document.querySelectorAll('#storyline-japan-korea-summits .event')];
                  const pair = document.querySelector('.conflict-pair');
                  return {
                    events: events.map((e) => e.querySelector('.event-head').textContent + ' | '
                                          + e.querySelector('.meta').textContent),
                    quotes: [...pair.querySelectorAll('blockquote')].map((q) => q.textContent),
                    columns: getComputedStyle(pair).gridTemplateColumns.split(' ').length,
                  };
                })()"""
            )
            return seen

    seen = asyncio.run(scenario())
    events = " || ".join(seen["events"])
    assert "May 2023" in events and "Seoul" in events, events
    assert "Aug 2025" in events and "Tokyo" in events, events
    assert seen["columns"] == 2
    shown = " ".join(seen["quotes"])
    assert quotes[0] in shown and quotes[-1] in shown, (quotes, seen["quotes"])
