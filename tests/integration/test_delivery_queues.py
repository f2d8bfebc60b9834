"""Each destination has its own queue: a failing receiver delays no other, and stopping hands its
pending alerts back to Kafka instead of waiting out a backoff or losing them.

The timeline: two webhooks, ``good`` (answers 200) and ``bad`` (answers 500, retried after
60 to 120 s). The five seed articles flow through the real service on the session's broker.

1. ``good`` gets every alert while ``bad`` still waits to retry its first one;
2. the service stops while ``bad`` waits for a retry: the stop does not wait for the backoff,
   and ``bad``'s alerts are handed back to the developments topic;
3. ``bad`` recovers and the service starts again on the same state: ``bad`` gets every alert,
   ``good`` gets nothing twice, and nothing is dead-lettered (a separate test; it found the
   fourth record-loss path in ``streams/acks.py``).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from monitor.settings import Settings, build_settings
from streams.service import NewsmonService
from streams.topics import TopicNames
from tests.helpers.cluster import PortReceiver, alert_summary, scrape, total
from tests.helpers.driver import committed_offsets, topic_keys, topic_records
from tests.helpers.receiver import Received

ROOT = Path(__file__).resolve().parents[2]
PARTITIONS = 2


def _settings(bootstrap: str, run: str, tmp: Path, good: str, bad: str) -> Settings:
    return build_settings(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": run, "partitions": PARTITIONS},
            "app_id": f"newsmon-{run}",
            "feeds": [{"url": str(tmp / "feed"), "interval": 3600}],
            "storylines": str(ROOT / "seeds" / "storylines.yaml"),
            "egress": {"allow_networks": ["127.0.0.0/8"], "allowed_ports": "any"},
            "webhooks": [
                {"url": good, "name": "good", "secret": "g"},
                {"url": bad, "name": "bad", "secret": "b", "max_attempts": 50},
            ],
            "alerts": {"retry_base_delay": 120.0, "retry_max_delay": 120.0, "breaker_failures": 1000},
            "http": {"port": 0},
            "state_dir": str(tmp / "state"),
            "console_alerts": False,
        }
    )


def _ids(requests: list[Received]) -> set[str]:
    return set(alert_summary(requests).ids) if requests else set()


def _count(registry: CollectorRegistry, name: str, **labels: str) -> float:
    """Sum of a counter's samples whose labels include ``labels``, from an in-process registry."""
    return sum(
        sample.value
        for metric in registry.collect()
        for sample in metric.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )


async def _developments(service: NewsmonService) -> float:
    assert service.http is not None
    samples = await asyncio.to_thread(scrape, service.http.port)
    return total(samples, "newsmon_developments_total")


async def _wait_settled(service: NewsmonService, good: PortReceiver, *, timeout: float) -> int:
    """Wait until all five seeds were matched and ``good`` holds one alert per development,
    the same for three seconds in a row (detection may still be finishing the last match)."""
    assert service.http is not None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    steady: list[int] = []
    while loop.time() < deadline:
        samples = await asyncio.to_thread(scrape, service.http.port)
        matched = total(samples, "newsmon_articles_total", stage="match")
        developments = int(total(samples, "newsmon_developments_total"))
        settled = matched >= 5 and developments and len(_ids(good.requests)) >= developments
        steady = [*steady, developments][-4:] if settled else []
        if len(steady) == 4 and len(set(steady)) == 1:
            return developments
        await asyncio.sleep(1.0)
    raise AssertionError(f"not settled: good has {len(_ids(good.requests))} ids")


def _run(kafka_bootstrap: str, tmp_path: Path, *, restart: bool) -> dict[str, Any]:
    """The timeline of the module docstring (step 3 only with ``restart``); what it observed."""
    shutil.copytree(ROOT / "seeds", tmp_path / "feed", ignore=shutil.ignore_patterns("storylines.yaml"))
    run = f"dq-{uuid.uuid4().hex[:8]}"

    async def scenario() -> dict[str, Any]:
        good, bad = PortReceiver(), PortReceiver(status=500)
        await good.start()
        await bad.start()
        settings = _settings(kafka_bootstrap, run, tmp_path, good.url, bad.url)
        first = NewsmonService(settings)
        try:
            await first.start()
            developments = await _wait_settled(first, good, timeout=240)
            bad_ids_while_good_done = _ids(bad.requests)
            stop_started = time.monotonic()
        finally:
            await asyncio.wait_for(first.stop(), timeout=300)
        stop_seconds = time.monotonic() - stop_started
        good_before_restart = len(good.requests)
        bad_before_restart = len(bad.requests)
        abandoned = _count(first.registry, "newsmon_alerts_total", channel="bad", outcome="abandoned")
        outbox = TopicNames(run).outbox("bad")
        after_stop = {
            "committed": await committed_offsets(kafka_bootstrap, f"newsmon-{run}", outbox, PARTITIONS),
            "outbox": [
                (p, o, json.loads(v)["id"]) if v else (p, o, None)
                for p, o, _, v in await topic_records(kafka_bootstrap, outbox, PARTITIONS)
            ],
        }

        observed: dict[str, Any] = {
            "developments": developments,
            "bad_ids_while_good_done": bad_ids_while_good_done,
            "bad_before_restart": bad_before_restart,
            "abandoned": abandoned,
            "good": good.requests,
            "good_before_restart": good_before_restart,
            "after_stop": after_stop,
            "stop_seconds": stop_seconds,
        }
        if not restart:
            await good.stop()
            await bad.stop()
            return observed

        bad.status = 200
        second = NewsmonService(settings)
        try:
            await second.start()
            await bad.wait_until(lambda got: len(_ids(got)) >= developments, timeout=90)
            await asyncio.sleep(3.0)  # a duplicate to good, if any, would arrive by now
            redetected = await _developments(second)
            assert second.app is not None
            after_stop["rebalances_after_restart"] = second.app.rebalancing_count
        finally:
            await second.stop()
            await good.stop()
            await bad.stop()
        dead = await topic_keys(kafka_bootstrap, f"{run}-alerts-deadletter", PARTITIONS)
        return observed | {"bad": bad.requests, "redetected": redetected, "dead": dead}

    return asyncio.run(scenario())


@pytest.mark.integration
@pytest.mark.slow
def test_failing_destination_delays_no_other_and_stop_hands_back(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """A receiver answering 500 holds only its own queue; stopping mid-backoff abandons the retry
    at once and hands the alert back: every alert is in that destination's outbox, uncommitted."""
    got = _run(kafka_bootstrap, tmp_path, restart=False)
    developments = got["developments"]
    good_ids = _ids(got["good"])
    assert developments >= 2, "the seeds raise several developments"
    # 1. good got everything while bad was still on its first alert
    assert len(good_ids) == developments
    assert len(got["bad_ids_while_good_done"]) == 1, got["bad_ids_while_good_done"]
    # 2. the stop did not sit out bad's backoff: its retry series was abandoned, with no second attempt
    assert got["abandoned"] >= 1
    assert got["bad_before_restart"] == 1
    # ... and handed back: the abandoned alert is in bad's outbox twice, next to every other one
    outbox_ids = [dev_id for _, _, dev_id in got["after_stop"]["outbox"]]
    (abandoned_id,) = got["bad_ids_while_good_done"]
    assert set(outbox_ids) == good_ids
    assert outbox_ids.count(abandoned_id) == 2, got["after_stop"]
    # nothing past the abandoned alert was committed for bad: it is all read again on restart
    committed = got["after_stop"]["committed"]
    for partition, offset, dev_id in got["after_stop"]["outbox"]:
        if dev_id != abandoned_id:
            assert committed[partition] <= offset, got["after_stop"]
    print(f"delivery queues: {developments} alerts; the stop took {got['stop_seconds']:.1f} s mid-backoff")


@pytest.mark.integration
@pytest.mark.slow
def test_restart_delivers_every_handed_back_alert_once(kafka_bootstrap: str, tmp_path: Path) -> None:
    """After the restart with the receiver healthy again, it gets every alert; the other receiver
    gets none twice; nothing is dead-lettered or detected again."""
    got = _run(kafka_bootstrap, tmp_path, restart=True)
    developments = got["developments"]
    good_ids = _ids(got["good"])
    missing = sorted(good_ids - _ids(got["bad"]))
    assert not missing, f"bad never got {missing}; after the first stop: {got['after_stop']}"
    assert _ids(got["bad"]) == good_ids
    assert len(got["good"]) == got["good_before_restart"] == developments
    assert got["dead"] == []
    assert got["redetected"] == 0
