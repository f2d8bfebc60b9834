"""Feed waves of articles through a running cluster and look into Kafka.

:func:`feed_waves` copies one wave at a time into the ingester's feed
directory and waits until the wave went all the way through: every expected
alert id reached the receiver *and* the consumer group has committed the end
of every pipeline topic. :func:`group_lag` and :func:`topic_keys` read the
broker directly (aiokafka, no consumer group of their own).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry

from monitor.models import Article
from streams.topics import TopicNames
from tests.helpers.cluster import alert_summary, group_of
from tests.helpers.oracle import Expectation, copy_wave
from tests.helpers.receiver import WebhookReceiver


def counter_total(registry: CollectorRegistry, name: str, **labels: str) -> float:
    """The sum of a counter's ``<name>_total`` samples whose labels include ``labels``."""
    return sum(
        sample.value
        for metric in registry.collect()
        if metric.name == name
        for sample in metric.samples
        if sample.name == f"{name}_total" and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def pipeline_topics(prefix: str) -> tuple[str, ...]:
    names = TopicNames(prefix)
    return (names.articles, names.enriched, names.matches, names.developments)


async def committed_offsets(bootstrap: str, group: str, topic: str, partitions: int) -> dict[int, int]:
    """The group's committed offset per partition of ``topic`` (-1: none)."""
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group, partitions=tps)
    finally:
        await admin.close()
    return {tp.partition: (committed[tp].offset if tp in committed else -1) for tp in tps}


async def group_lag(bootstrap: str, group: str, topics: tuple[str, ...], partitions: int) -> int | None:
    """Records of ``topics`` the group has not committed yet; None when the broker does not answer."""
    tps = [TopicPartition(t, p) for t in topics for p in range(partitions)]
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, request_timeout_ms=5000
    )
    try:
        await admin.start()
        await consumer.start()
        committed = await admin.list_consumer_group_offsets(group, partitions=tps)
        ends = await consumer.end_offsets(tps)
    except Exception:  # broker down or restarting: "not known yet"
        return None
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()
        with contextlib.suppress(Exception):
            await admin.close()
    lag = 0
    for tp in tps:
        meta = committed.get(tp)
        done = meta.offset if meta is not None and meta.offset >= 0 else 0
        lag += max(0, ends[tp] - done)
    return lag


async def topic_keys(bootstrap: str, topic: str, partitions: int, *, timeout: float = 30.0) -> list[bytes]:
    """Every key in ``topic`` from the beginning to the current end."""
    return [key for _, _, key, _ in await topic_records(bootstrap, topic, partitions, timeout=timeout) if key]


async def topic_records(
    bootstrap: str, topic: str, partitions: int, *, timeout: float = 30.0
) -> list[tuple[int, int, bytes | None, bytes | None]]:
    """Every record of ``topic`` as (partition, offset, key, value), from the beginning to the end."""
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(tps)
        begins = await consumer.beginning_offsets(tps)
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, begins[tp])
        want = sum(ends[tp] - begins[tp] for tp in tps)
        found: list[tuple[int, int, bytes | None, bytes | None]] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen = 0
        while seen < want and loop.time() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            for tp, records in batch.items():
                for record in records:
                    if record.offset < ends[tp]:
                        seen += 1
                        found.append((tp.partition, record.offset, record.key, record.value))
        return found
    finally:
        await consumer.stop()


async def send_json(bootstrap: str, topic: str, records: list[tuple[str, Any]]) -> None:
    """Produce ``(key, JSON value)`` records to ``topic``, each acknowledged by the broker."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for key, value in records:
            body = json.dumps(value, ensure_ascii=False).encode()
            await producer.send_and_wait(topic, value=body, key=key.encode())
    finally:
        await producer.stop()


async def send_articles(bootstrap: str, topic: str, articles: list[Article]) -> None:
    """Produce articles straight to the articles topic (a replay, bypassing the ingester)."""
    await send_json(bootstrap, topic, [(a.id, a.model_dump(mode="json")) for a in articles])


async def wait_drained(
    bootstrap: str, group: str, prefix: str, partitions: int, *, timeout: float, settle: int = 2
) -> None:
    """Wait until the group committed the end of every pipeline topic ``settle`` times in a row."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    streak = 0
    while loop.time() < deadline:
        lag = await group_lag(bootstrap, group, pipeline_topics(prefix), partitions)
        streak = streak + 1 if lag == 0 else 0
        if streak >= settle:
            return
        await asyncio.sleep(1.0)
    raise AssertionError(f"pipeline not drained after {timeout}s (lag {lag})")


async def wait_ids(receiver: WebhookReceiver, want: frozenset[str], *, timeout: float) -> None:
    """Wait until the receiver got every id in ``want``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if want <= alert_summary(receiver.requests).ids:
            return
        await asyncio.sleep(0.5)
    missing = want - alert_summary(receiver.requests).ids
    raise AssertionError(f"{len(missing)} alert(s) missing after {timeout}s: {sorted(missing)}")


async def feed_waves(
    expect: Expectation,
    feed_dir: Path,
    receiver: WebhookReceiver,
    *,
    bootstrap: str,
    run_id: str,
    partitions: int,
    timeout: float = 150.0,
    during: Callable[[int], Awaitable[None]] | None = None,
) -> list[float]:
    """Feed ``expect.waves`` one at a time; ``during(k)`` runs right after wave k was dropped in.

    ``run_id`` is the run's topic prefix; its consumer group is :func:`group_of` it.

    Returns each wave's duration in seconds.
    """
    loop = asyncio.get_running_loop()
    durations: list[float] = []
    for index, wave in enumerate(expect.waves):
        started = loop.time()
        copy_wave(wave, feed_dir)
        if during is not None:
            await during(index)
        await wait_ids(receiver, expect.cumulative[index], timeout=timeout)
        await wait_drained(bootstrap, group_of(run_id), run_id, partitions, timeout=timeout)
        durations.append(loop.time() - started)
    return durations


async def group_state(bootstrap: str, group: str) -> tuple[str, int] | None:
    """(state, member count) of a consumer group; None when the broker does not answer."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        responses = await admin.describe_consumer_groups([group])
    except Exception:  # broker down or coordinator moving
        return None
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
    for response in responses:
        for entry in response.groups:
            # (error_code, group_id, state, protocol_type, protocol, members[, authorized_operations])
            if entry[1] == group:
                return str(entry[2]), len(entry[5])
    return None


async def wait_group_stable(bootstrap: str, group: str, members: int, *, timeout: float = 120.0) -> None:
    """Wait until the group is Stable with ``members`` members."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    state = None
    while loop.time() < deadline:
        state = await group_state(bootstrap, group)
        if state == ("Stable", members):
            return
        await asyncio.sleep(1.0)
    raise AssertionError(f"group {group} not stable with {members} members after {timeout}s: {state}")
