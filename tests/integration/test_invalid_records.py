"""Invalid records and dead articles on the real broker: nothing that cannot be read or stored is lost.

The first timeline: a running service; into every topic it reads (the
pipeline topics, the outbox, the delivered marks, the silences and the
storyline-state changelog) go bytes that are not JSON, JSON nested 100,000
deep, and JSON that is not the topic's record (``{"id": 1}``, ``[]``, ``"x"``,
``null``); then the seeds are dropped into the feed. Every seed still
alerts, the service stays healthy, and each bad record is in
``<p>-invalid-records`` under its source coordinates, with its topic and
reason in headers, and counted by reason.

The second: the articles topic refuses records over 200 kB and the
enriched topic records over 100 kB (topic-level ``max.message.bytes``). A
400 kB article cannot be produced; a 160 kB one is, but its enriched record
cannot. Both land, cut to fit, in ``<p>-articles-deadletter`` with reason
``too_large`` and their stage, and the seeds after them in the same feed
still alert.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.structs import TopicPartition

from monitor.models import Article
from monitor.settings import Settings, build_settings
from streams.codec import MAX_RAW_BYTES
from streams.service import NewsmonService
from streams.topics import STATE_TABLE, TopicNames, changelog
from tests.helpers.driver import counter_total
from tests.helpers.receiver import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
#: (value, reason) produced into every topic
POISON = (
    (b"\x00\xffnot json at all", "not_json"),
    (b"[" * 100_000, "too_deep"),
    (b'{"id": 1}', "bad_schema"),
    (b"[]", "bad_schema"),
    (b'"x"', "bad_schema"),
    (b"null", "bad_schema"),
)
Record = ConsumerRecord[bytes, bytes]
PARTITIONS = 2


def _settings(bootstrap: str, feed_dir: Path, state_dir: Path, hook_url: str, prefix: str) -> Settings:
    return build_settings(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": prefix, "partitions": PARTITIONS},
            "app_id": f"newsmon-{prefix}",
            "feeds": [{"url": str(feed_dir), "interval": 1}],
            "storylines": str(ROOT / "seeds" / "storylines.yaml"),
            "egress": {"allow_networks": ["127.0.0.0/8"], "allowed_ports": "any"},
            "webhooks": [{"url": hook_url, "secret": "invalid-records-test"}],
            "http": {"port": 0},
            "state_dir": str(state_dir),
            "console_alerts": False,
        }
    )


async def _read_until(
    bootstrap: str, topic: str, done: Callable[[list[Record]], bool], timeout: float = 120
) -> list[Record]:
    """Every record of ``topic`` from its beginning, read until ``done`` says enough (or the timeout)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    got: list[Record] = []
    try:
        tps = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not done(got) and loop.time() < deadline:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                got.extend(records)
    finally:
        await consumer.stop()
    return got


async def _produce(bootstrap: str, records: list[tuple[str, bytes, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=4 * 1024 * 1024)
    await producer.start()
    try:
        for topic, key, value in records:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


async def _outboxes(bootstrap: str, prefix: str) -> list[str]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        return sorted(t for t in await consumer.topics() if t.startswith(f"{prefix}-outbox-"))
    finally:
        await consumer.stop()


async def _healthz(service: NewsmonService) -> int:
    assert service.http is not None
    async with httpx.AsyncClient() as client:
        return (await client.get(f"http://127.0.0.1:{service.http.port}/healthz")).status_code


async def _with_service(
    settings: Settings, receiver: WebhookReceiver, body: Callable[[NewsmonService], Awaitable[None]]
) -> NewsmonService:
    service = NewsmonService(settings)
    try:
        await service.start()
        await body(service)
    finally:
        await service.stop()
        await receiver.stop()
    return service


@pytest.mark.integration
@pytest.mark.slow
def test_garbage_in_every_topic_lands_in_invalid_records(kafka_bootstrap: str, tmp_path: Path) -> None:
    """Every bad record of every topic the service reads is in the invalid-records topic with its source
    and reason, counted by reason; every seed still alerts and the service stays healthy."""
    feed_dir = tmp_path / "articles"
    feed_dir.mkdir()
    prefix = f"it-invalid-{uuid.uuid4().hex[:8]}"
    names = TopicNames(prefix)
    found: dict[str, object] = {}

    async def scenario() -> None:
        receiver = WebhookReceiver()
        await receiver.start()
        settings = _settings(kafka_bootstrap, feed_dir, tmp_path / "state", receiver.url, prefix)

        async def body(service: NewsmonService) -> None:
            outboxes = await _outboxes(kafka_bootstrap, prefix)
            topics = [
                names.articles,
                names.enriched,
                names.matches,
                names.developments,
                *outboxes,
                names.delivered_marks,
                names.silences,
                changelog(settings.app_id, STATE_TABLE),
            ]
            poison = [
                (topic, f"poison-{i}".encode(), value)
                for topic in topics
                for i, (value, _) in enumerate(POISON)
            ]
            await _produce(kafka_bootstrap, poison)
            for seed in sorted((ROOT / "seeds").glob("0*.txt")):
                shutil.copy(seed, feed_dir / seed.name)
            got = await receiver.wait_until(
                lambda got: {r.payload["kind"] for r in got} >= {"new_event"} and len(got) >= 4, timeout=240
            )
            invalid = await _read_until(
                kafka_bootstrap, names.invalid_records, lambda got: len({r.key for r in got}) >= len(poison)
            )
            found.update(
                topics=topics,
                outboxes=outboxes,
                alerts=len(got),
                invalid=invalid,
                health=await _healthz(service),
                counts={
                    reason: counter_total(service.registry, "newsmon_invalid_records", reason=reason)
                    for reason in ("not_json", "too_deep", "bad_schema")
                },
            )

        await _with_service(settings, receiver, body)

    asyncio.run(scenario())
    topics = found["topics"]
    assert isinstance(topics, list) and len(found["outboxes"]) == 1  # type: ignore[arg-type]
    assert found["health"] == 200
    assert found["alerts"] >= 4  # type: ignore[operator]
    invalid: list[Record] = found["invalid"]  # type: ignore[assignment]
    kept: dict[tuple[str, str], tuple[str, bytes, dict[str, bytes]]] = {}
    for record in invalid:
        headers = {k: v for k, v in record.headers}
        source = headers["newsmon-topic"].decode()
        offset = headers["newsmon-offset"].decode()
        assert record.key == f"{source}/{headers['newsmon-partition'].decode()}/{offset}".encode()
        kept[(source, headers["newsmon-key"].decode())] = (
            headers["newsmon-reason"].decode(),
            record.value,
            headers,
        )
    expected = {
        (topic, f"poison-{i}"): (reason, value)
        for topic in topics
        for i, (value, reason) in enumerate(POISON)
    }
    assert set(kept) == set(expected), sorted(set(expected) ^ set(kept))
    for where, (reason, value) in expected.items():
        got_reason, got_value, headers = kept[where]
        assert got_reason == reason, where
        assert got_value == value[:MAX_RAW_BYTES], where
        assert headers["newsmon-truncated"] == (b"1" if len(value) > MAX_RAW_BYTES else b"0"), where
    per_reason = {r: sum(1 for _, reason in POISON if reason == r) * len(topics) for r in found["counts"]}  # type: ignore[attr-defined]
    assert found["counts"] == per_reason


@pytest.mark.integration
@pytest.mark.slow
def test_articles_too_large_for_kafka_are_dead_lettered_cut_to_fit(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """An article its topic refuses (ingest) and one whose enriched record is refused (enrich) both reach
    the articles dead-letter topic, cut, with reason too_large; the seeds after them still alert."""
    feed_dir = tmp_path / "articles"
    feed_dir.mkdir()
    (feed_dir / "000-huge.txt").write_text("A huge report\n" + "€ " * 100_000, "utf-8")  # 400 kB
    (feed_dir / "001-big.txt").write_text("A big report\n" + "€ " * 40_000, "utf-8")  # 160 kB
    for seed in sorted((ROOT / "seeds").glob("0*.txt")):
        shutil.copy(seed, feed_dir / f"1-{seed.name}")
    prefix = f"it-dead-{uuid.uuid4().hex[:8]}"
    names = TopicNames(prefix)
    found: dict[str, object] = {}

    async def scenario() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
        await admin.start()
        try:
            await admin.create_topics(
                [
                    NewTopic(names.articles, PARTITIONS, 1, topic_configs={"max.message.bytes": "200000"}),
                    NewTopic(names.enriched, PARTITIONS, 1, topic_configs={"max.message.bytes": "100000"}),
                ]
            )
        finally:
            await admin.close()
        receiver = WebhookReceiver()
        await receiver.start()
        base = _settings(kafka_bootstrap, feed_dir, tmp_path / "state", receiver.url, prefix)
        ingest = base.ingest.model_copy(update={"max_text_bytes": 1_000_000})
        settings = base.model_copy(update={"ingest": ingest})

        async def body(service: NewsmonService) -> None:
            got = await receiver.wait_until(lambda got: len(got) >= 4, timeout=240)
            dead = await _read_until(kafka_bootstrap, names.articles_deadletter, lambda got: len(got) >= 2)
            registry = service.registry
            found.update(
                alerts=len(got),
                dead=dead,
                health=await _healthz(service),
                ingest=counter_total(
                    registry, "newsmon_article_dead_letters", stage="ingest", reason="too_large"
                ),
                enrich=counter_total(
                    registry, "newsmon_article_dead_letters", stage="enrich", reason="too_large"
                ),
                rejected=counter_total(registry, "newsmon_feed_items", result="rejected"),
            )

        await _with_service(settings, receiver, body)

    asyncio.run(scenario())
    assert found["health"] == 200
    assert found["alerts"] >= 4  # type: ignore[operator]
    assert (found["ingest"], found["enrich"], found["rejected"]) == (1.0, 1.0, 1.0)
    dead: list[Record] = found["dead"]  # type: ignore[assignment]
    by_stage = {dict(r.headers)["newsmon-stage"]: r for r in dead}
    assert sorted(by_stage) == [b"enrich", b"ingest"]
    for stage, title, size in ((b"ingest", "A huge report", 300_000), (b"enrich", "A big report", 120_000)):
        record = by_stage[stage]
        headers = dict(record.headers)
        article = Article.model_validate(json.loads(record.value))
        assert headers["newsmon-reason"] == b"too_large"
        assert article.title == title and record.key == article.id.encode()
        assert int(headers["newsmon-text-bytes"]) >= size - 10
        assert 0 < len(article.text.encode()) <= 16 * 1024
