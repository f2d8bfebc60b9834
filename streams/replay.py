"""``newsmon alerts replay``: send dead letters again.

The dead-letter topic is compacted and keyed ``<development id>|<destination>``.
Replay reads it from the beginning to the end, lets
:func:`monitor.alerts.deadletter.replay` choose what to resend, delivers each
letter to its own destination only, and then writes a tombstone for a letter
that got through or a new record (``replays`` + 1) for one that failed again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import CollectorRegistry
from pydantic import ValidationError

from monitor.alerts.deadletter import DeadLetter, dead_letter, replay
from monitor.alerts.delivery import Deliverer, destinations_from_settings
from monitor.egress import guarded_client
from monitor.metrics import Metrics
from monitor.settings import Settings
from streams.topics import TopicNames

log = structlog.get_logger("newsmon.replay")


@dataclass(frozen=True)
class ReplayReport:
    """What one replay did."""

    read: int
    chosen: int
    delivered: int
    failed: int


async def read_dead_letters(bootstrap: str, topic: str) -> dict[str, DeadLetter]:
    """The live dead letters (latest record per key, tombstones applied)."""
    partitions = await _partitions(bootstrap, topic)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    letters: dict[str, DeadLetter] = {}
    try:
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not tps:
            return letters
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        remaining = {tp for tp in tps if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, records in batch.items():
                for record in records:
                    key = record.key.decode() if record.key else ""
                    if record.value is None:
                        letters.pop(key, None)
                        continue
                    try:
                        letters[key] = DeadLetter.model_validate(json.loads(record.value))
                    except (ValueError, ValidationError, RecursionError) as exc:  # deep nesting too
                        log.warning("dead_letter_unreadable", key=key, error=str(exc).splitlines()[0])
                if records and records[-1].offset + 1 >= ends[tp]:
                    remaining.discard(tp)
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        # aiokafka 0.14's group-less coordinator re-raises the CancelledError of its own
        # background task on close; the consumer is closed all the same.
        with contextlib.suppress(asyncio.CancelledError):
            await consumer.stop()
    return letters


async def _partitions(bootstrap: str, topic: str) -> set[int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if described.get("error_code"):
        return set()  # no such topic: nothing was ever dead-lettered
    return {int(p["partition"]) for p in described.get("partitions", [])}


async def replay_dead_letters(
    settings: Settings,
    bootstrap: str,
    *,
    reasons: set[str] | None = None,
    min_age: timedelta = timedelta(0),
    dry_run: bool = False,
) -> ReplayReport:
    """Resend the dead letters :func:`replay` chooses; record each result on the topic."""
    topic = TopicNames(settings.kafka.topic_prefix).deadletter
    letters = await read_dead_letters(bootstrap, topic)
    async with guarded_client(settings.egress.policy()) as client:
        destinations = destinations_from_settings(settings.webhooks, client, settings.alerts)
        names = {d.name for d in destinations}
        chosen = replay(
            letters.values(), now=datetime.now(UTC), destinations=names, reasons=reasons, min_age=min_age
        )
        if dry_run or not chosen:
            return ReplayReport(read=len(letters), chosen=len(chosen), delivered=0, failed=0)
        deliverer = Deliverer(destinations, Metrics(CollectorRegistry()))
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
        await producer.start()
        delivered = failed = 0
        try:
            for letter in chosen:
                (outcome,) = await deliverer.deliver(letter.development, only={letter.destination})
                if outcome.delivered:
                    delivered += 1
                    await producer.send_and_wait(topic, key=letter.key.encode(), value=None)
                    log.info(
                        "dead_letter_replayed",
                        development_id=letter.development.id,
                        destination=letter.destination,
                    )
                else:
                    failed += 1
                    again = dead_letter(letter.development, outcome, replays=letter.replays + 1)
                    body = json.dumps(again.model_dump(mode="json")).encode()
                    await producer.send_and_wait(topic, key=again.key.encode(), value=body)
                    log.warning(
                        "dead_letter_failed_again",
                        development_id=letter.development.id,
                        reason=outcome.reason,
                    )
        finally:
            await producer.stop()
    return ReplayReport(read=len(letters), chosen=len(chosen), delivered=delivered, failed=failed)
