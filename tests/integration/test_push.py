"""Push ingestion on the real broker: POST /api/articles and WebSub, read back from Kafka.

The service runs the ingester alone (``NewsmonService(ingest=True, worker=False)``)
on the session's Kafka, polling one feed served by a local WebSub hub
(``LocalHub``, aiohttp on 127.0.0.1) with a one-hour interval, so anything that
reaches the articles topic after the first poll came by push. The hub is plain
http (``ingest.websub_allow_http_hubs``), so it is subscribed without a secret and
its pushes are taken on the callback token alone; signed pushes from an https hub
are covered in ``tests/monitor/ingest/test_ingest_websub*.py``.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from monitor.ingest.websub import feed_key
from monitor.settings import Settings, build_settings
from streams.service import NewsmonService
from streams.topics import TopicNames
from tests.helpers.websub import LocalHub

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "push-integration-token"
TEXT = (
    "Japan and South Korea agreed on Tuesday to resume shuttle diplomacy between their leaders, "
    "with the next summit planned in Tokyo before the end of the year, officials in both capitals said "
    "after a meeting of their foreign ministers in Seoul that lasted well over three hours."
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _settings(bootstrap: str, feed_url: str, state_dir: Path, port: int) -> Settings:
    run = uuid.uuid4().hex[:8]
    return build_settings(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": f"push-{run}", "partitions": 1},
            "app_id": f"newsmon-push-{run}",
            "egress": {"allow_networks": ["127.0.0.0/8"], "allowed_ports": "any"},
            "feeds": [{"url": feed_url, "interval": 3600}],
            "storylines": str(ROOT / "seeds" / "storylines.yaml"),
            "http": {"port": port, "api_token": TOKEN},
            "ingest": {"websub_callback_base": f"http://127.0.0.1:{port}", "websub_allow_http_hubs": True},
            "state_dir": str(state_dir),
            "console_alerts": False,
        }
    )


class TopicReader:
    """Reads the articles topic from the beginning; ``until`` waits for a record to appear."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
        )
        self.records: list[tuple[str, dict[str, Any]]] = []

    async def until(self, done: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        for _, seen in self.records:
            if done(seen):
                return seen
        while time.monotonic() < deadline:
            batches = await self.consumer.getmany(timeout_ms=200)
            for messages in batches.values():
                for message in messages:
                    assert message.key is not None and message.value is not None
                    value: dict[str, Any] = json.loads(message.value)
                    self.records.append((message.key.decode(), value))
                    assert value["id"] == message.key.decode()  # keyed by article id
                    if done(value):
                        return value
        raise AssertionError(
            f"no matching record within {timeout}s; got {[v['title'] for _, v in self.records]}"
        )

    def titles(self) -> list[str]:
        return [value["title"] for _, value in self.records]


@pytest.mark.integration
def test_api_push_and_websub_push_reach_the_articles_topic(kafka_bootstrap: str, tmp_path: Path) -> None:
    """(a) POST /api/articles lands on the topic and a repeat is a duplicate; (b) the hub-advertising feed
    is subscribed (at a random callback token, without a secret over plain http) and verified, and a
    pushed entry lands without waiting for the poll; (c) a push to another callback (the old
    feed-derived path) is 404 and produces nothing."""

    async def scenario() -> None:
        hub = LocalHub(entries=[("1", "Polled story")])
        await hub.start()
        port = _free_port()
        settings = _settings(kafka_bootstrap, hub.feed_url, tmp_path / "state", port)
        service = NewsmonService(settings, ingest=True, worker=False)
        reader: TopicReader | None = None
        try:
            await service.start()
            reader = TopicReader(kafka_bootstrap, TopicNames(settings.kafka.topic_prefix).articles)
            await reader.consumer.start()
            await reader.until(lambda v: v["title"] == "Polled story", timeout=30)

            # (a) the API
            base = f"http://127.0.0.1:{port}"
            body = {"title": "Shuttle diplomacy resumes", "text": TEXT, "url": "https://news.example/shuttle"}
            headers = {"Authorization": f"Bearer {TOKEN}"}
            async with httpx.AsyncClient(base_url=base) as client:
                first = await client.post("/api/articles", json=body, headers=headers)
                assert first.status_code == 202, first.text
                assert first.json()["status"] == "new"
                record = await reader.until(lambda v: v["id"] == first.json()["id"], timeout=15)
                assert record["title"] == body["title"] and record["feed_url"] == "push:api"
                again = await client.post("/api/articles", json=body, headers=headers)
                assert again.status_code == 202 and again.json() == {
                    "id": first.json()["id"],
                    "status": "duplicate",
                }

            # (b) WebSub: subscribed and verified by the hub, then a pushed entry flows at once
            sub = await hub.wait_verified(timeout=20)
            assert sub.callback.startswith(f"{base}/websub/") and sub.secret == ""
            assert len(sub.callback.rsplit("/", 1)[1]) >= 32 and feed_key(hub.feed_url) not in sub.callback
            hub.entries.append(("2", "Pushed story"))
            started = time.monotonic()
            assert await hub.publish(hub.document(), signed=False) == 202
            pushed = await reader.until(lambda v: v["title"] == "Pushed story", timeout=15)
            assert time.monotonic() - started < 15  # the feed's poll interval is an hour
            assert pushed["feed_url"] == hub.feed_url

            # (c) a forged push elsewhere is refused; a valid one after it shows nothing was produced
            hub.entries.append(("3", "Forged story"))
            async with httpx.AsyncClient(base_url=base) as client:
                forged = await client.post(f"/websub/{feed_key(hub.feed_url)}", content=hub.document())
                assert forged.status_code == 404
            hub.entries[-1] = ("4", "Sentinel story")
            assert await hub.publish(hub.document(), signed=False) == 202
            await reader.until(lambda v: v["title"] == "Sentinel story", timeout=15)
            assert "Forged story" not in reader.titles()
            titles = reader.titles()
            assert len(titles) == len(set(titles)), titles  # nothing produced twice
        finally:
            if reader is not None:
                await reader.consumer.stop()
            await service.stop()
            await hub.stop()

    asyncio.run(scenario())
