"""Scale-out: two ``newsmon worker`` processes share the partitions of one app.

The timeline: an in-process ingester polls a feed directory into which the
seeds and ``tests/data/workers/`` are dropped in three waves (each wave holds
at most one article per event, so the processing order inside a wave does not
change what is detected; see ``tests/helpers/oracle.py``); two worker
subprocesses with the same app id and topic prefix and different HTTP ports
split the two partitions of every topic; a local webhook receiver records the
alerts. The same waves also run through a single in-process worker, and the
oracle folds them without Kafka: all three must agree on the alert ids, which
are derived from content only.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest

from monitor.settings import load_settings
from streams.service import NewsmonService
from tests.helpers.cluster import (
    PortReceiver,
    WorkerProcess,
    alert_summary,
    group_of,
    new_worker,
    scrape,
    total,
    write_config,
)
from tests.helpers.driver import feed_waves, topic_keys, wait_group_stable
from tests.helpers.oracle import expected

PARTITIONS = 2


def _service_config(tmp: Path, name: str, bootstrap: str, run_id: str, hook_url: str, feed_dir: Path) -> Path:
    return write_config(
        tmp / f"{name}.yaml",
        bootstrap=bootstrap,
        run_id=run_id,
        hook_url=hook_url,
        state_dir=tmp / f"{name}-state",
        feed_dir=feed_dir,
        partitions=PARTITIONS,
    )


async def wait_assigned(workers: list[WorkerProcess], topic: str, timeout: float = 60.0) -> None:
    """Wait until every worker reports a consumer position on ``topic`` (assigned and recovered)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        seen = [await asyncio.to_thread(w.metrics) for w in workers]
        if all(any(n == "newsmon_consumer_lag" and ("topic", topic) in lab for n, lab in m) for m in seen):
            return
        await asyncio.sleep(1.0)
    raise AssertionError(f"not every worker got a partition of {topic} within {timeout}s")


async def api_alert_ids(port: int, want: frozenset[str], timeout: float = 30.0) -> frozenset[str]:
    """The development ids a process's ``/api/alerts`` lists, once it lists ``want`` (or at timeout)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with httpx.AsyncClient(timeout=5) as client:
        while True:
            listed = (await client.get(f"http://127.0.0.1:{port}/api/alerts")).json()
            ids = frozenset(item["id"] for item in listed)
            if want <= ids or loop.time() > deadline:
                return ids
            await asyncio.sleep(0.5)


@pytest.mark.integration
@pytest.mark.slow
def test_two_workers_split_the_work_and_agree_with_one(kafka_bootstrap: str, tmp_path: Path) -> None:
    """Two worker processes both get partitions, enrich every article once between them, and
    deliver exactly the alert ids that one worker (and the Kafka-free oracle) delivers."""
    expect = expected()

    async def single_worker_run() -> frozenset[str]:
        run_id = f"one-{uuid.uuid4().hex[:8]}"
        receiver = PortReceiver()
        await receiver.start()
        feed_dir = tmp_path / "one-feed"
        config = _service_config(tmp_path, "one", kafka_bootstrap, run_id, receiver.url, feed_dir)
        service = NewsmonService(load_settings(config))
        try:
            await service.start()
            await feed_waves(
                expect,
                feed_dir,
                receiver,
                bootstrap=kafka_bootstrap,
                run_id=run_id,
                partitions=PARTITIONS,
            )
            assert service.http is not None
            samples = await asyncio.to_thread(scrape, service.http.port)
            enriched = total(samples, "newsmon_articles_total", stage="enrich")
        finally:
            await service.stop()
            await receiver.stop()
        assert enriched == expect.article_count
        summary = alert_summary(receiver.requests)
        assert not summary.foreign_duplicates, summary
        return summary.ids

    async def two_worker_run() -> tuple[frozenset[str], list[float], int, str]:
        run_id = f"two-{uuid.uuid4().hex[:8]}"
        receiver = PortReceiver()
        await receiver.start()
        workers = [
            new_worker(tmp_path, f"w{i}", bootstrap=kafka_bootstrap, run_id=run_id, hook_url=receiver.url)
            for i in (1, 2)
        ]
        feed_dir = tmp_path / "two-feed"
        config = _service_config(tmp_path, "ingester", kafka_bootstrap, run_id, receiver.url, feed_dir)
        ingester = NewsmonService(load_settings(config), worker=False)
        try:
            for worker in workers:
                worker.start()
            for worker in workers:
                await asyncio.to_thread(worker.wait_healthy)
            await wait_group_stable(kafka_bootstrap, group_of(run_id), members=2)
            await wait_assigned(workers, f"{run_id}-articles")
            await ingester.start()
            await feed_waves(
                expect,
                feed_dir,
                receiver,
                bootstrap=kafka_bootstrap,
                run_id=run_id,
                partitions=PARTITIONS,
            )
            samples = [await asyncio.to_thread(w.metrics) for w in workers]
            per_worker = [total(m, "newsmon_articles_total", stage="enrich") for m in samples]
            enriched_keys = await topic_keys(kafka_bootstrap, f"{run_id}-enriched", PARTITIONS)
            assert ingester.http is not None
            ports = [ingester.http.port, *(w.http_port for w in workers)]
            delivered = alert_summary(receiver.requests).ids
            api_views = [await api_alert_ids(port, delivered) for port in ports]
        finally:
            await ingester.stop()
            codes = [await asyncio.to_thread(w.stop) for w in workers]
            await receiver.stop()
        logs = "\n---\n".join(w.log_tail(15) for w in workers)
        assert codes == [0, 0], logs
        assert all(n > 0 for n in per_worker), (per_worker, logs)
        assert sum(per_worker) == expect.article_count, per_worker
        all_ids = {i for wave in expect.article_ids for i in wave}
        assert {k.decode() for k in enriched_keys} == all_ids
        summary = alert_summary(receiver.requests)
        assert not summary.foreign_duplicates, summary
        # every process's API (the ingester's too) shows the whole cluster's developments
        assert all(view == summary.ids for view in api_views), [sorted(summary.ids ^ v) for v in api_views]
        print(f"two workers: enrich {per_worker}, alerts {summary.requests}, duplicates {summary.duplicates}")
        return summary.ids, per_worker, summary.duplicates, logs

    one = asyncio.run(single_worker_run())
    two, _, _, _ = asyncio.run(two_worker_run())
    assert one == expect.ids, sorted(one ^ expect.ids)
    assert two == expect.ids, sorted(two ^ expect.ids)
