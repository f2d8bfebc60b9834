"""End to end on the real broker: seed articles in, signed webhooks out.

The timeline: the service starts on the session's Kafka with the bundled
seeds as its feed and a local webhook receiver; the five articles flow through
the real ingester, Faust worker (spaCy enrichment in a process pool, storyline
matching, detection) and webhook delivery.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import shutil
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from monitor.settings import Settings, build_settings
from streams.service import NewsmonService
from tests.helpers.driver import counter_total
from tests.helpers.receiver import Received, WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
SECRET = "integration-secret"


def _settings(bootstrap: str, feed_dir: Path, state_dir: Path, hook_url: str) -> Settings:
    run = uuid.uuid4().hex[:8]
    return build_settings(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": f"it-{run}", "partitions": 2},
            "app_id": f"newsmon-it-{run}",
            "feeds": [{"url": str(feed_dir), "interval": 3600}],
            "storylines": str(ROOT / "seeds" / "storylines.yaml"),
            "egress": {"allow_networks": ["127.0.0.0/8"], "allowed_ports": "any"},
            "webhooks": [{"url": hook_url, "secret": SECRET}],
            "http": {"port": 0},
            "state_dir": str(state_dir),
            "console_alerts": False,
        }
    )


def _summit_events(got: list[Received]) -> set[str]:
    return {
        r.payload["event"]["id"]
        for r in got
        if r.payload["kind"] == "new_event" and r.payload["storyline"]["id"] == "japan-korea-summits"
    }


@pytest.mark.integration
@pytest.mark.slow
def test_seeds_flow_to_a_signed_webhook(kafka_bootstrap: str, tmp_path: Path) -> None:
    """Pushing the five seeds yields new_event alerts for both summits, signed, with evidence; the
    worker writes nothing into the folder it was started from (Faust's data folder is in state_dir)."""
    feed_dir = tmp_path / "articles"
    shutil.copytree(ROOT / "seeds", feed_dir, ignore=shutil.ignore_patterns("storylines.yaml"))

    async def scenario() -> None:
        receiver = WebhookReceiver()
        await receiver.start()
        service = NewsmonService(_settings(kafka_bootstrap, feed_dir, tmp_path / "state", receiver.url))
        try:
            await service.start()
            assert service.http is not None
            got = await receiver.wait_until(lambda got: len(_summit_events(got)) >= 2, timeout=240)
            async with httpx.AsyncClient() as client:
                health = await client.get(f"http://127.0.0.1:{service.http.port}/healthz")
                metrics = await client.get(f"http://127.0.0.1:{service.http.port}/metrics")
        finally:
            await service.stop()
            await receiver.stop()

        assert health.status_code == 200, health.text
        assert "newsmon_articles_total" in metrics.text
        payloads = [r.payload for r in got]
        assert len(_summit_events(got)) == 2, payloads  # the 2023 Seoul and 2025 Tokyo summits
        for request in got:
            timestamp = request.headers["X-Newsmon-Timestamp"]
            expected = hmac.new(
                SECRET.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
            ).hexdigest()
            assert request.headers["X-Newsmon-Signature"] == f"sha256={expected}"
            assert request.payload["evidence"], request.payload

    asyncio.run(scenario())
    assert not list(Path.cwd().glob("newsmon-it-*-data"))
    assert (tmp_path / "state" / "faust").is_dir()


@pytest.mark.integration
@pytest.mark.slow
def test_group_wait_digests_a_burst_per_storyline(kafka_bootstrap: str, tmp_path: Path) -> None:
    """With alerts.group_wait set, the seeds' burst reaches the webhook as fewer, per-storyline digests."""
    feed_dir = tmp_path / "articles"
    shutil.copytree(ROOT / "seeds", feed_dir, ignore=shutil.ignore_patterns("storylines.yaml"))

    async def scenario() -> tuple[list[Any], float]:
        receiver = WebhookReceiver()
        await receiver.start()
        base = _settings(kafka_bootstrap, feed_dir, tmp_path / "state", receiver.url)
        settings = base.model_copy(update={"alerts": base.alerts.model_copy(update={"group_wait": 15.0})})
        service = NewsmonService(settings)
        try:
            await service.start()
            got = await receiver.wait_for(2, timeout=240)
            await asyncio.sleep(16)  # let a second window close, if the burst spread over two
            got = list(receiver.requests)
            developments = counter_total(service.registry, "newsmon_developments")
        finally:
            await service.stop()
            await receiver.stop()
        return [r.payload for r in got], developments

    payloads, developments = asyncio.run(scenario())
    assert payloads, "no alert arrived"
    assert len(payloads) < developments, (len(payloads), developments)
    storylines = [p["storyline"]["id"] for p in payloads]
    assert len(storylines) <= 2 * len(set(storylines)), storylines
