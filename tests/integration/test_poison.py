"""Poison records on the real broker: garbage in every pipeline topic stops nothing.

The timeline: a running service; bytes that are not JSON and JSON nested
100,000 deep are produced into the articles, enriched, matches and
developments topics; then the seeds are dropped into the feed. Every seed
still flows to a signed webhook, each poison record is counted as an invalid
record, and the service stays healthy.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from monitor.settings import Settings, build_settings
from streams.service import NewsmonService
from tests.helpers.driver import counter_total, pipeline_topics
from tests.helpers.receiver import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
POISON = (b"\x00\xffnot json at all", b'{"id": ', b"[" * 100_000)


def _settings(bootstrap: str, feed_dir: Path, state_dir: Path, hook_url: str, prefix: str) -> Settings:
    return build_settings(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": prefix, "partitions": 2},
            "app_id": f"newsmon-{prefix}",
            "feeds": [{"url": str(feed_dir), "interval": 1}],
            "storylines": str(ROOT / "seeds" / "storylines.yaml"),
            "egress": {"allow_networks": ["127.0.0.0/8"], "allowed_ports": "any"},
            "webhooks": [{"url": hook_url, "secret": "poison-test"}],
            "http": {"port": 0},
            "state_dir": str(state_dir),
            "console_alerts": False,
        }
    )


async def _poison(bootstrap: str, topics: tuple[str, ...]) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=4 * 1024 * 1024)
    await producer.start()
    sent = 0
    try:
        for topic in topics:
            for value in POISON:
                await producer.send_and_wait(topic, value=value, key=b"poison")
                sent += 1
    finally:
        await producer.stop()
    return sent


@pytest.mark.integration
@pytest.mark.slow
def test_poison_records_in_every_topic_stop_nothing(kafka_bootstrap: str, tmp_path: Path) -> None:
    """Garbage first, then the seeds: every seed's alerts arrive and each poison record is counted."""
    feed_dir = tmp_path / "articles"
    feed_dir.mkdir()
    prefix = f"it-poison-{uuid.uuid4().hex[:8]}"

    async def scenario() -> tuple[int, float, int, int]:
        receiver = WebhookReceiver()
        await receiver.start()
        settings = _settings(kafka_bootstrap, feed_dir, tmp_path / "state", receiver.url, prefix)
        service = NewsmonService(settings)
        try:
            await service.start()
            sent = await _poison(kafka_bootstrap, pipeline_topics(prefix))
            for seed in sorted((ROOT / "seeds").glob("0*.txt")):
                shutil.copy(seed, feed_dir / seed.name)
            got = await receiver.wait_until(
                lambda got: {r.payload["kind"] for r in got} >= {"new_event"} and len(got) >= 4, timeout=240
            )
            rejected = 0.0
            for _ in range(60):
                rejected = counter_total(service.registry, "newsmon_articles", outcome="invalid_record")
                if rejected >= sent:
                    break
                await asyncio.sleep(1)
            assert service.http is not None
            async with httpx.AsyncClient() as client:
                health = await client.get(f"http://127.0.0.1:{service.http.port}/healthz")
        finally:
            await service.stop()
            await receiver.stop()
        return sent, rejected, health.status_code, len(got)

    sent, rejected, health, alerts = asyncio.run(scenario())
    assert health == 200
    assert alerts >= 4
    assert rejected == sent, (rejected, sent)


@pytest.mark.integration
@pytest.mark.slow
def test_huge_article_is_cut_and_flows_with_the_rest(kafka_bootstrap: str, tmp_path: Path) -> None:
    """A 1.5 MB article (too large for a Kafka record) is cut at ingest.max_text_bytes and flows like the
    others: nothing crashes, nothing waits behind it, and the seeds after it in the same feed alert."""
    feed_dir = tmp_path / "articles"
    feed_dir.mkdir()
    (feed_dir / "000-huge.txt").write_text("A huge report\n" + "€ " * 500_000, "utf-8")
    for seed in sorted((ROOT / "seeds").glob("0*.txt")):
        shutil.copy(seed, feed_dir / f"1-{seed.name}")
    prefix = f"it-large-{uuid.uuid4().hex[:8]}"

    async def scenario() -> tuple[float, float, int]:
        receiver = WebhookReceiver()
        await receiver.start()
        base = _settings(kafka_bootstrap, feed_dir, tmp_path / "state", receiver.url, prefix)
        ingest = base.ingest.model_copy(update={"max_text_bytes": 10_000})
        service = NewsmonService(base.model_copy(update={"ingest": ingest}))
        try:
            await service.start()
            got = await receiver.wait_until(lambda got: len(got) >= 4, timeout=240)
            produced = counter_total(service.registry, "newsmon_articles", stage="ingest", outcome="produced")
            too_large = counter_total(service.registry, "newsmon_articles", outcome="too_large")
        finally:
            await service.stop()
            await receiver.stop()
        return produced, too_large, len(got)

    produced, too_large, alerts = asyncio.run(scenario())
    assert produced == 6  # the huge article (cut) and the five seeds
    assert too_large == 0
    assert alerts >= 4
