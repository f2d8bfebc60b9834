"""Silences are shared by every monitor process through the compacted silences topic.

The timeline, on the session's broker, with three processes of one deployment (HTTP API only):

1. a silence created through A's API is listed by B within moments, and mutes B's deliverer;
2. B expires it: A lists it as ended;
3. C starts later with a silences file of an older version in its state directory: it knows the
   expired silence at once, publishes the file's silence for everyone, and a bad record in the
   topic is skipped, not fatal.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from monitor.alerts.silences import SilenceSet, mute
from monitor.models import Development
from monitor.settings import Settings, build_settings
from streams.service import NewsmonService
from streams.topics import TopicNames
from tests.helpers.driver import send_json

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "shared-silences-token"
SAMPLE = ROOT / "tests" / "data" / "alerts" / "development.json"


def _settings(bootstrap: str, run: str, state: Path) -> Settings:
    return build_settings(
        {
            "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": run},
            "app_id": f"newsmon-{run}",
            "storylines": str(ROOT / "seeds" / "storylines.yaml"),
            "http": {"port": 0, "api_token": TOKEN},
            "state_dir": str(state),
            "console_alerts": False,
        }
    )


def _api(service: NewsmonService) -> str:
    assert service.http is not None
    return f"http://127.0.0.1:{service.http.port}/api/silences"


async def _listed(service: NewsmonService, *, expired: bool = False) -> dict[str, Any]:
    async with httpx.AsyncClient() as client:
        reply = await client.get(_api(service), params={"include_expired": str(expired).lower()})
        reply.raise_for_status()
        return {item["id"]: item for item in reply.json()}


async def _eventually(check: Any, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        assert loop.time() < deadline, "not seen in time"
        await asyncio.sleep(0.2)


@pytest.mark.integration
def test_a_silence_made_on_one_process_holds_on_every_process(kafka_bootstrap: str, tmp_path: Path) -> None:
    """Created on A, it mutes B; expired on B, A sees it ended; a late C loads it all at start."""
    run = f"sil-{uuid.uuid4().hex[:8]}"
    dev = Development.model_validate_json(SAMPLE.read_text(encoding="utf-8"))
    legacy = mute(now=datetime.now(UTC), duration=timedelta(hours=1), event_id="evt-legacy")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "silences.json").write_text(json.dumps(SilenceSet([legacy]).dump()), encoding="utf-8")

    async def scenario() -> dict[str, Any]:
        a, b = (
            NewsmonService(_settings(kafka_bootstrap, run, tmp_path / n), worker=False, ingest=False)
            for n in "ab"
        )
        seen: dict[str, Any] = {}
        try:
            await a.start()
            await b.start()
            # 1. created on A ...
            async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as client:
                body = {"storyline_id": dev.storyline_id, "duration_seconds": 3600, "comment": "summit week"}
                created = (await client.post(_api(a), json=body)).json()
                seen["id"] = created["id"]

                async def on_b() -> bool:
                    return created["id"] in await _listed(b)

                await _eventually(on_b)
                seen["b_mutes"] = b.silences.is_silenced(dev, datetime.now(UTC))
                # 2. ... expired on B
                seen["expire_status"] = (await client.delete(f"{_api(b)}/{created['id']}")).status_code

            async def ended_on_a() -> bool:
                return created["id"] not in await _listed(a)

            await _eventually(ended_on_a)
            seen["a_mutes_after"] = a.silences.is_silenced(dev, datetime.now(UTC))
            # 3. a bad record in the topic, then C starts with an old silences file
            await send_json(kafka_bootstrap, TopicNames(run).silences, [("junk", {"not": "a silence"})])
            c = NewsmonService(_settings(kafka_bootstrap, run, tmp_path / "c"), worker=False, ingest=False)
            try:
                await c.start()
                seen["c_all"] = await _listed(c, expired=True)
            finally:
                await c.stop()

            async def legacy_on_a() -> bool:
                return legacy.id in await _listed(a)

            await _eventually(legacy_on_a)
        finally:
            await b.stop()
            await a.stop()
        return seen

    seen = asyncio.run(scenario())
    assert seen["b_mutes"] is True
    assert seen["expire_status"] == 200
    assert seen["a_mutes_after"] is False
    assert set(seen["c_all"]) == {seen["id"], legacy.id}, (seen["id"], legacy.id)
    assert datetime.fromisoformat(seen["c_all"][seen["id"]]["ends_at"]) <= datetime.now(UTC)
    assert not (tmp_path / "c" / "silences.json").exists()
    assert json.loads((tmp_path / "c" / "silences.json.imported").read_text())[0]["id"] == legacy.id
