"""Faults mid-stream: a worker killed with SIGKILL, the broker restarted, the webhook down.

Every test feeds the same three waves of articles (seeds and
``tests/data/workers/``; see ``tests/helpers/oracle.py``) through an
in-process ingester and a worker, injects its fault while the first wave is
flowing, and then checks the same three things:

* every article was processed: the consumer group committed the end of every
  pipeline topic and the enriched topic holds every input article id;
* every alert was delivered exactly once after dedup by payload id: the set of
  ids equals what the Kafka-free oracle computes, and an id that arrived twice
  arrived with the same ``X-Newsmon-Delivery`` (a retry, not a new alert);
* state survived: replaying already-processed articles straight into the
  articles topic raises no new development and no new alert.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from monitor.broker.embedded import EmbeddedBroker
from monitor.settings import load_settings
from streams.service import NewsmonService
from tests.helpers.cluster import (
    PortReceiver,
    alert_summary,
    group_of,
    new_worker,
    scrape,
    total,
    write_config,
)
from tests.helpers.driver import feed_waves, send_articles, topic_keys, wait_drained
from tests.helpers.oracle import Expectation, all_articles, expected

PARTITIONS = 2


def _config(tmp: Path, name: str, bootstrap: str, run_id: str, hook_url: str, **kw: Any) -> Path:
    return write_config(
        tmp / f"{name}.yaml",
        bootstrap=bootstrap,
        run_id=run_id,
        hook_url=hook_url,
        state_dir=tmp / f"{name}-state",
        partitions=PARTITIONS,
        **kw,
    )


async def _check_processed(bootstrap: str, run_id: str, expect: Expectation) -> None:
    """Every input article reached the enriched topic, and the group committed everything."""
    await wait_drained(bootstrap, group_of(run_id), run_id, PARTITIONS, timeout=60)
    keys = {k.decode() for k in await topic_keys(bootstrap, f"{run_id}-enriched", PARTITIONS)}
    assert keys == {i for wave in expect.article_ids for i in wave}


def _check_alerts(receiver: PortReceiver, expect: Expectation) -> int:
    """Exactly the oracle's ids; repeats only as retries of one delivery. Returns the duplicates."""
    summary = alert_summary(receiver.requests)
    assert summary.ids == expect.ids, sorted(summary.ids ^ expect.ids)
    assert not summary.foreign_duplicates, summary.foreign_duplicates
    return summary.duplicates


async def _check_replay_is_quiet(
    bootstrap: str, run_id: str, receiver: PortReceiver, metrics: Callable[[], Awaitable[dict[Any, float]]]
) -> None:
    """Replaying the first two waves (already processed) detects nothing and alerts nothing."""
    expect = expected()
    by_id = {a.id: a for a in all_articles().values()}
    replay = [by_id[i] for wave in expect.article_ids[:2] for i in wave]
    before_requests = len(receiver.requests)
    before = await metrics()
    await send_articles(bootstrap, f"{run_id}-articles", replay)
    await wait_drained(bootstrap, group_of(run_id), run_id, PARTITIONS, timeout=60)
    await asyncio.sleep(2.0)
    after = await metrics()
    matched = total(after, "newsmon_articles_total", stage="match") - total(
        before, "newsmon_articles_total", stage="match"
    )
    assert matched == len(replay), "the replay was not processed"
    developments = total(after, "newsmon_developments_total") - total(before, "newsmon_developments_total")
    assert developments == 0, "state lost: the replay raised developments again"
    assert len(receiver.requests) == before_requests, receiver.requests[before_requests:]


@pytest.mark.integration
@pytest.mark.slow
def test_worker_killed_with_sigkill_mid_stream_recovers(kafka_bootstrap: str, tmp_path: Path) -> None:
    """kill -9 of the worker (and its spaCy process) after the first alert, then a restart:
    nothing lost, alerts at least once (duplicates only as retried deliveries), and the restarted
    worker's storyline state comes back from the changelog."""
    expect = expected()
    run_id = f"kill-{uuid.uuid4().hex[:8]}"

    async def scenario() -> int:
        receiver = PortReceiver()
        await receiver.start()
        worker = new_worker(tmp_path, "w1", bootstrap=kafka_bootstrap, run_id=run_id, hook_url=receiver.url)
        feed_dir = tmp_path / "feed"
        config = _config(tmp_path, "ingester", kafka_bootstrap, run_id, receiver.url, feed_dir=feed_dir)
        ingester = NewsmonService(load_settings(config), worker=False)

        async def kill_and_restart(wave: int) -> None:
            if wave != 0:
                return
            await receiver.wait_for(1, timeout=120)
            worker.kill()
            worker.start()
            await asyncio.to_thread(worker.wait_healthy)

        try:
            worker.start()
            await asyncio.to_thread(worker.wait_healthy)
            await ingester.start()
            try:
                await feed_waves(
                    expect,
                    feed_dir,
                    receiver,
                    bootstrap=kafka_bootstrap,
                    run_id=run_id,
                    partitions=PARTITIONS,
                    during=kill_and_restart,
                    timeout=90,
                )
            except AssertionError as exc:  # say where a lost alert got lost
                produced = {
                    k.decode() for k in await topic_keys(kafka_bootstrap, f"{run_id}-developments", 2)
                }
                missing = expect.ids - alert_summary(receiver.requests).ids
                raise AssertionError(
                    f"{exc}; of the missing, in the developments topic: {sorted(missing & produced)}, "
                    f"never produced: {sorted(missing - produced)}"
                ) from None
            await _check_processed(kafka_bootstrap, run_id, expect)
            duplicates = _check_alerts(receiver, expect)
            await _check_replay_is_quiet(
                kafka_bootstrap, run_id, receiver, lambda: asyncio.to_thread(worker.metrics)
            )
        finally:
            await ingester.stop()
            code = await asyncio.to_thread(worker.stop)
            await receiver.stop()
        assert code == 0, worker.log_tail()
        assert "Traceback" not in worker.log_text(), worker.log_tail(80)
        return duplicates

    duplicates = asyncio.run(scenario())
    print(f"kill -9: {len(expect.ids)} alert ids, {duplicates} duplicate deliveries")


async def _in_process_run(
    tmp_path: Path,
    bootstrap: str,
    run_id: str,
    receiver: PortReceiver,
    during: Callable[[int], Awaitable[None]],
    *,
    extra: dict[str, Any] | None = None,
) -> tuple[int, list[float]]:
    """Ingester and worker in one service; ``during(k)`` injects the fault."""
    expect = expected()
    feed_dir = tmp_path / "feed"
    config = _config(tmp_path, "service", bootstrap, run_id, receiver.url, feed_dir=feed_dir, extra=extra)
    service = NewsmonService(load_settings(config))

    async def metrics() -> dict[Any, float]:
        assert service.http is not None
        return await asyncio.to_thread(scrape, service.http.port)

    try:
        await service.start()
        durations = await feed_waves(
            expect,
            feed_dir,
            receiver,
            bootstrap=bootstrap,
            run_id=run_id,
            partitions=PARTITIONS,
            during=during,
        )
        await _check_processed(bootstrap, run_id, expect)
        duplicates = _check_alerts(receiver, expect)
        await _check_replay_is_quiet(bootstrap, run_id, receiver, metrics)
        assert service.health() == {k: True for k in service.health()}, service.health()
    finally:
        await service.stop()
    return duplicates, durations


@pytest.mark.integration
@pytest.mark.slow
def test_broker_restart_mid_stream_loses_nothing(tmp_path: Path) -> None:
    """A dedicated broker stopped and started again on the same port after the first alert:
    no article lost, no alert id delivered twice except as a retry, state intact."""
    expect = expected()
    broker = EmbeddedBroker(tmp_path / "broker", port=0)
    bootstrap = broker.start(timeout=120)
    run_id = f"brk-{uuid.uuid4().hex[:8]}"

    async def scenario() -> int:
        receiver = PortReceiver()
        await receiver.start()

        async def restart_broker(wave: int) -> None:
            if wave != 0:
                return
            await receiver.wait_for(1, timeout=120)
            await asyncio.to_thread(broker.stop)
            await asyncio.sleep(3)
            assert await asyncio.to_thread(broker.start, timeout=120) == bootstrap

        try:
            duplicates, _ = await _in_process_run(tmp_path, bootstrap, run_id, receiver, restart_broker)
        finally:
            await receiver.stop()
        return duplicates

    try:
        duplicates = asyncio.run(scenario())
    finally:
        broker.stop()
    print(f"broker restart: {len(expect.ids)} alert ids, {duplicates} duplicate deliveries")


@pytest.mark.integration
@pytest.mark.slow
def test_webhook_down_for_30_seconds_then_delivered(kafka_bootstrap: str, tmp_path: Path) -> None:
    """The receiver is down for 30 s as the first wave flows: deliveries are retried with backoff
    and every alert arrives once it is back; nothing is dead-lettered, state intact."""
    expect = expected()
    run_id = f"hook-{uuid.uuid4().hex[:8]}"
    outage = 30.0

    async def scenario() -> tuple[int, int]:
        receiver = PortReceiver()
        await receiver.start()

        async def outage_window(wave: int) -> None:
            if wave != 0:
                return
            await receiver.stop()
            await asyncio.sleep(outage)
            await receiver.start()

        extra = {
            "alerts": {"retry_base_delay": 1.0, "retry_max_delay": 8.0, "breaker_cooldown": 5.0},
            "egress": {"allow_networks": ["127.0.0.0/8"], "allowed_ports": "any"},
            "webhooks": [{"url": receiver.url, "secret": "s", "max_attempts": 15}],
        }
        try:
            duplicates, durations = await _in_process_run(
                tmp_path, kafka_bootstrap, run_id, receiver, outage_window, extra=extra
            )
        finally:
            await receiver.stop()
        assert durations[0] >= outage
        dead = await topic_keys(kafka_bootstrap, f"{run_id}-alerts-deadletter", PARTITIONS)
        return duplicates, len(dead)

    duplicates, dead = asyncio.run(scenario())
    assert dead == 0, f"{dead} dead letters"
    print(f"webhook outage: {len(expect.ids)} alert ids, {duplicates} duplicate deliveries")
