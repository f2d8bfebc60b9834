"""Grouping on the real broker: bursts per storyline go out as digests, on Alertmanager's schedule.

The timeline, with ``group_wait`` 3 s and ``group_interval`` 10 s, developments produced
straight to the developments topic (the delivery stage alone; spaCy is not involved):

1. two developments of storyline A and one of B arrive together: after ``group_wait`` the
   receiver gets one digest for A (both members) and B's development on its own;
2. a third development of A arrives right after A's digest: it waits for A's next
   ``group_interval`` tick instead of going out at once, then goes out alone;
3. a fourth development of A arrives and the service stops before its tick: it is handed back
   to the outbox, not lost, and a restarted service delivers it.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from monitor.models import Development
from monitor.settings import Settings, build_settings
from streams.service import NewsmonService
from streams.topics import TopicNames
from tests.helpers.driver import send_json, topic_records
from tests.helpers.receiver import Received, WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "alerts" / "development.json"
GROUP_WAIT, GROUP_INTERVAL = 3.0, 10.0


def _settings(bootstrap: str, run: str, tmp: Path, hook: str) -> Settings:
    return build_settings(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": run, "partitions": 2},
            "app_id": f"newsmon-{run}",
            "storylines": str(ROOT / "seeds" / "storylines.yaml"),
            "egress": {"allow_networks": ["127.0.0.0/8"], "allowed_ports": "any"},
            "webhooks": [{"url": hook, "name": "hook", "secret": "s"}],
            "alerts": {"group_wait": GROUP_WAIT, "group_interval": GROUP_INTERVAL},
            "http": {"port": 0},
            "state_dir": str(tmp / "state"),
            "console_alerts": False,
        }
    )


def _dev(name: str, storyline: str) -> Development:
    sample = Development.model_validate_json(SAMPLE.read_text(encoding="utf-8"))
    return sample.model_copy(
        update={"id": f"dev-{name}", "storyline_id": storyline, "summary": f"Development {name}."}
    )


async def _produce(bootstrap: str, topic: str, *devs: Development) -> float:
    await send_json(bootstrap, topic, [(d.storyline_id, d.model_dump(mode="json")) for d in devs])
    return time.monotonic()


def _members(request: Received) -> set[str]:
    """The development names a digest carries (each member's summary is one of its lines)."""
    lines = request.payload["summary"].splitlines()
    return {line.split("Development ")[1].rstrip(".") for line in lines if "Development " in line}


@pytest.mark.integration
@pytest.mark.slow
def test_bursts_are_digested_and_later_ones_wait_for_the_group_interval(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """group_wait gathers a burst into one digest per storyline; group_interval spaces the rest;
    a held group is handed back at a stop and delivered after the restart."""
    run = f"grp-{uuid.uuid4().hex[:8]}"
    developments = TopicNames(run).developments

    async def scenario() -> dict[str, Any]:
        hook = WebhookReceiver()
        await hook.start()
        settings = _settings(kafka_bootstrap, run, tmp_path, hook.url)
        seen: dict[str, Any] = {}
        first = NewsmonService(settings, ingest=False)
        try:
            await first.start()
            # 1. a burst: A1, A2 and B1 together
            seen["burst_at"] = await _produce(
                kafka_bootstrap, developments, _dev("A1", "sl-a"), _dev("A2", "sl-a"), _dev("B1", "sl-b")
            )
            seen["burst"] = await hook.wait_for(2, timeout=60)
            await asyncio.sleep(1.0)  # anything more from the burst would arrive now
            seen["after_burst"] = list(hook.requests)
            # 2. A3 right after A's digest: held until A's next tick
            seen["a3_at"] = await _produce(kafka_bootstrap, developments, _dev("A3", "sl-a"))
            await hook.wait_for(3, timeout=60)
            seen["a3"] = hook.requests[2]
            # 3. A4 just after A3 went out: held for a whole interval, so the stop catches it
            await _produce(kafka_bootstrap, developments, _dev("A4", "sl-a"))
            await asyncio.sleep(GROUP_WAIT)
            seen["before_stop"] = len(hook.requests)
        finally:
            await first.stop()
        outbox = TopicNames(run).outbox("hook")
        seen["outbox"] = [
            json.loads(v)["id"] for _, _, _, v in await topic_records(kafka_bootstrap, outbox, 2)
        ]
        second = NewsmonService(settings, ingest=False)
        try:
            await second.start()
            await hook.wait_for(4, timeout=90)
            await asyncio.sleep(2.0)  # a duplicate, if any, would arrive by now
        finally:
            await second.stop()
            await hook.stop()
        seen["all"] = list(hook.requests)
        return seen

    seen = asyncio.run(scenario())
    # 1. one request per storyline, A's a digest of both, none before group_wait
    burst = seen["after_burst"]
    assert len(burst) == 2, [r.payload["summary"] for r in burst]
    by_storyline = {r.payload["storyline"]["id"]: r for r in burst}
    assert set(by_storyline) == {"sl-a", "sl-b"}
    assert by_storyline["sl-a"].payload["id"].startswith("digest-")
    assert _members(by_storyline["sl-a"]) == {"A1", "A2"}
    assert by_storyline["sl-b"].payload["id"] == "dev-B1"
    assert all(r.at - seen["burst_at"] >= GROUP_WAIT - 0.1 for r in burst)
    # 2. A3 waited for A's next tick: group_interval after A's digest, not group_wait after A3
    a3 = seen["a3"]
    assert a3.payload["id"] == "dev-A3"
    assert a3.at - by_storyline["sl-a"].at >= GROUP_INTERVAL - 0.5, a3.at - by_storyline["sl-a"].at
    # 3. A4 was held when the service stopped, handed back, and delivered once after the restart
    assert seen["before_stop"] == 3
    assert seen["outbox"].count("dev-A4") == 2, seen["outbox"]
    ids = [r.payload["id"] for r in seen["all"]]
    assert ids.count("dev-A4") == 1, ids
    assert len(ids) == 4, ids
