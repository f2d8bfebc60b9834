"""`newsmon alerts replay` on the real broker: dead letters are resent, then tombstoned.

Timeline: a receiver was down, so a development sits on the dead-letter topic;
the receiver is back; replay delivers it once, writes a tombstone, and a second
replay finds nothing to send.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from monitor.alerts.deadletter import DeadLetter
from monitor.models import Development
from monitor.settings import Settings, build_settings
from streams.replay import read_dead_letters, replay_dead_letters
from streams.topics import TopicNames
from tests.helpers.receiver import WebhookReceiver

DATA = Path(__file__).resolve().parents[1] / "data" / "alerts" / "development.json"


async def _put_letter(bootstrap: str, topic: str, letter: DeadLetter) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [
                NewTopic(
                    topic, num_partitions=2, replication_factor=1, topic_configs={"cleanup.policy": "compact"}
                )
            ]
        )
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        body = json.dumps(letter.model_dump(mode="json")).encode()
        await producer.send_and_wait(topic, key=letter.key.encode(), value=body)
    finally:
        await producer.stop()


def _settings(bootstrap: str, prefix: str, url: str) -> Settings:
    return build_settings(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": prefix},
            "egress": {"allow_networks": ["127.0.0.0/8"], "allowed_ports": "any"},
            "webhooks": [{"url": url, "name": "analysts", "secret": "s3cret", "max_attempts": 1}],
            "console_alerts": False,
        }
    )


def _letter(reason: str) -> DeadLetter:
    """A development the "analysts" webhook failed to take ten minutes ago."""
    return DeadLetter(
        development=Development.model_validate_json(DATA.read_text()),
        destination="analysts",
        reason=reason,
        attempts=5,
        last_error_at=datetime.now(UTC) - timedelta(minutes=10),
    )


@pytest.mark.integration
def test_replay_delivers_dead_letter_once_then_tombstones_it(kafka_bootstrap: str) -> None:
    """A dead letter is delivered by replay, removed from the topic, and not sent by a second replay."""
    prefix = f"rp-{uuid.uuid4().hex[:8]}"
    topic = TopicNames(prefix).deadletter
    letter = _letter("http_503")
    dev = letter.development

    async def scenario() -> None:
        receiver = WebhookReceiver()
        await receiver.start()
        try:
            await _put_letter(kafka_bootstrap, topic, letter)
            settings = _settings(kafka_bootstrap, prefix, receiver.url)
            first = await replay_dead_letters(settings, kafka_bootstrap)
            assert (first.read, first.chosen, first.delivered, first.failed) == (1, 1, 1, 0)
            assert [r.payload["id"] for r in receiver.requests] == [dev.id]
            assert receiver.requests[0].headers["Idempotency-Key"] == dev.id
            assert await read_dead_letters(kafka_bootstrap, topic) == {}
            second = await replay_dead_letters(settings, kafka_bootstrap)
            assert (second.read, second.chosen) == (0, 0)
            assert len(receiver.requests) == 1
        finally:
            await receiver.stop()

    asyncio.run(scenario())


@pytest.mark.integration
def test_replay_failing_again_keeps_the_letter(kafka_bootstrap: str) -> None:
    """When the receiver still fails, the letter stays on the topic with its replay count raised."""
    prefix = f"rp-{uuid.uuid4().hex[:8]}"
    topic = TopicNames(prefix).deadletter
    letter = _letter("timeout")

    async def scenario() -> None:
        receiver = WebhookReceiver(status=500)
        await receiver.start()
        try:
            await _put_letter(kafka_bootstrap, topic, letter)
            report = await replay_dead_letters(
                _settings(kafka_bootstrap, prefix, receiver.url), kafka_bootstrap
            )
            assert (report.delivered, report.failed) == (0, 1)
            (kept,) = (await read_dead_letters(kafka_bootstrap, topic)).values()
            assert kept.replays == 1 and kept.reason == "http_500"
        finally:
            await receiver.stop()

    asyncio.run(scenario())


@pytest.mark.integration
def test_garbage_in_the_dead_letter_topic_is_skipped(kafka_bootstrap: str) -> None:
    """Records that are not dead letters (not JSON, nested 100,000 deep, other JSON) are skipped by replay's
    reader, and the real letter beside them is still read."""
    prefix = f"rp-{uuid.uuid4().hex[:8]}"
    topic = TopicNames(prefix).deadletter
    letter = _letter("http_503")

    async def scenario() -> dict[str, DeadLetter]:
        await _put_letter(kafka_bootstrap, topic, letter)
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        await producer.start()
        try:
            for i, value in enumerate((b"\x00\xffnot json", b"[" * 100_000, b'{"id": 1}', b"[]", b"null")):
                await producer.send_and_wait(topic, key=f"poison-{i}".encode(), value=value)
        finally:
            await producer.stop()
        return await read_dead_letters(kafka_bootstrap, topic)

    assert asyncio.run(scenario()) == {letter.key: letter}
