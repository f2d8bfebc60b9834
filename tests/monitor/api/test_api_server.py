"""The HTTP API over a hand-filled RecentStore, through a real aiohttp server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import yaml

from monitor.api.server import STATIC
from monitor.models import Development
from tests.monitor.api.api_builders import JK, ROOT, TOKEN, enriched, filled_store, serving

Scenario = Callable[[httpx.AsyncClient], Awaitable[None]]


def run(scenario: Scenario, *, token: str | None = TOKEN, store: Any = None) -> None:
    async def main() -> None:
        async with (
            serving(store or filled_store(), token=token) as server,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as client,
        ):
            await scenario(client)

    asyncio.run(main())


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_storylines_list_counts_events_articles_and_alerts() -> None:
    """GET /api/storylines lists every configured storyline with its counts."""

    async def scenario(client: httpx.AsyncClient) -> None:
        body = (await client.get("/api/storylines")).json()
        by_id = {s["id"]: s for s in body}
        assert {JK, "us-alliance"} <= set(by_id)
        assert by_id[JK]["event_count"] == 2
        assert by_id[JK]["article_count"] == 3
        assert by_id[JK]["alert_count"] == 2 and by_id[JK]["conflict_count"] == 1
        assert by_id["us-alliance"]["event_count"] == 0
        one = await client.get(f"/api/storylines/{JK}")
        assert one.json()["title"] == by_id[JK]["title"]

    run(scenario)


def test_timeline_lists_events_oldest_first_with_articles_and_developments() -> None:
    """GET /api/storylines/{id}/events is the timeline: events by date, each with articles and alerts."""

    async def scenario(client: httpx.AsyncClient) -> None:
        events = (await client.get(f"/api/storylines/{JK}/events")).json()
        assert [e["id"] for e in events] == ["ev-seoul", "ev-tokyo"]
        tokyo = events[1]
        assert tokyo["date"] == "2025-08-23" and tokyo["place"] == "Tokyo"
        assert tokyo["participants"] == ["Lee Jae-myung", "Shigeru Ishiba"]
        assert [a["id"] for a in tokyo["articles"]] == ["a-tokyo", "a-other"]
        assert {d["kind"] for d in tokyo["developments"]} == {"new_event", "conflict"}
        assert (await client.get("/api/storylines/us-alliance/events")).json() == []

    run(scenario)


def test_event_detail_has_articles_developments_and_facts() -> None:
    """GET /api/storylines/{id}/events/{event} returns one event with the facts held about it."""

    async def scenario(client: httpx.AsyncClient) -> None:
        event = (await client.get(f"/api/storylines/{JK}/events/ev-tokyo")).json()
        assert event["facts"][0]["slot"] == "date:event"
        assert len(event["developments"]) == 2

    run(scenario)


def test_articles_carry_matches_entities_and_claims() -> None:
    """GET /api/articles lists articles with their matches; /api/articles/{id} adds entities and claims."""

    async def scenario(client: httpx.AsyncClient) -> None:
        listed = (await client.get("/api/articles", params={"storyline": JK, "limit": 2})).json()
        assert [a["id"] for a in listed] == ["a-other", "a-tokyo"]  # newest first
        assert listed[0]["matches"][0]["storyline_id"] == JK
        detail = (await client.get("/api/articles/a-tokyo")).json()
        assert detail["entities"][0]["id"] == "tokyo" and detail["entities"][0]["mention_count"] == 1
        assert detail["claims"][0]["kind"] == "date"
        assert detail["article"]["text"].startswith("Lee and Ishiba")
        assert (await client.get("/api/articles", params={"storyline": "nope"})).json() == []

    run(scenario)


def test_alerts_filter_by_storyline_and_kind() -> None:
    """GET /api/alerts filters by storyline and kind; an unknown kind is a 400."""

    async def scenario(client: httpx.AsyncClient) -> None:
        conflicts = (await client.get("/api/alerts", params={"kind": "conflict"})).json()
        assert [d["id"] for d in conflicts] == ["d-conflict"]
        Development.model_validate(conflicts[0])
        assert len((await client.get("/api/alerts", params={"storyline": JK})).json()) == 2
        assert (await client.get("/api/alerts", params={"storyline": "us-alliance"})).json() == []
        bad = await client.get("/api/alerts", params={"kind": "gossip"})
        assert bad.status_code == 400 and "kind" in bad.json()["error"]["message"]

    run(scenario)


def test_bad_input_is_a_json_400_or_404_never_a_500() -> None:
    """Unknown ids are 404, bad query values 400, wrong methods 405 — all JSON errors."""

    async def scenario(client: httpx.AsyncClient) -> None:
        for path, status in [
            ("/api/storylines/nope", 404),
            ("/api/storylines/nope/events", 404),
            (f"/api/storylines/{JK}/events/nope", 404),
            ("/api/articles/nope", 404),
            ("/api/articles?limit=0", 400),
            ("/api/articles?limit=abc", 400),
            ("/api/alerts?limit=100000", 400),
            ("/api/silences?include_expired=maybe", 400),
            ("/api/nothing-here", 404),
        ]:
            response = await client.get(path)
            assert response.status_code == status, path
            assert response.json()["error"]["status"] == status
        wrong = await client.put("/api/alerts")
        assert wrong.status_code == 405 and wrong.json()["error"]["status"] == 405

    run(scenario)


def test_silence_writes_need_the_bearer_token() -> None:
    """POST /api/silences: no token → 401, wrong token → 403, right token → 201; bad bodies → 400."""

    async def scenario(client: httpx.AsyncClient) -> None:
        body = {"storyline_id": JK, "duration_seconds": 600, "comment": "noisy"}
        missing = await client.post("/api/silences", json=body)
        assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await client.post("/api/silences", json=body, headers=auth("wrong"))).status_code == 403
        for bad in ({}, {"storyline_id": JK, "duration_seconds": 0}, {"storyline_id": JK, "extra": 1}, [1]):
            response = await client.post("/api/silences", json=bad, headers=auth())
            assert response.status_code == 400, bad
        garbage = await client.post("/api/silences", content=b"{not json", headers=auth())
        assert garbage.status_code == 400
        created = await client.post("/api/silences", json=body, headers=auth())
        assert created.status_code == 201
        silence = created.json()
        assert silence["matcher"]["storyline_id"] == JK and silence["comment"] == "noisy"
        listed = (await client.get("/api/silences")).json()
        assert [s["id"] for s in listed] == [silence["id"]]
        assert (await client.delete(f"/api/silences/{silence['id']}")).status_code == 401
        ended = await client.delete(f"/api/silences/{silence['id']}", headers=auth())
        assert ended.status_code == 200
        assert (await client.get("/api/silences")).json() == []
        assert len((await client.get("/api/silences?include_expired=true")).json()) == 1
        assert (await client.delete("/api/silences/nope", headers=auth())).status_code == 404

    run(scenario)


def test_non_ascii_bearer_token_is_refused_not_an_error() -> None:
    """A bearer token with non-ASCII bytes (UTF-8 or Latin-1) is a 403, never a 500."""

    async def scenario(client: httpx.AsyncClient) -> None:
        body = {"storyline_id": JK, "duration_seconds": 600}
        for raw in ("Bearer caf\u00e9-\u2603".encode(), "Bearer caf\xe9".encode("latin-1")):
            response = await client.post("/api/silences", json=body, headers=[(b"Authorization", raw)])
            assert response.status_code == 403, raw

    run(scenario)


def test_writes_are_refused_when_no_token_is_configured() -> None:
    """Without http.api_token every write is a 403 that says how to enable writes."""

    async def scenario(client: httpx.AsyncClient) -> None:
        response = await client.post("/api/silences", json={"storyline_id": JK}, headers=auth())
        assert response.status_code == 403
        assert "api_token" in response.json()["error"]["message"]

    run(scenario, token=None)


def test_silences_created_over_the_api_mute_the_deliverers_check() -> None:
    """A silence posted over the API is in the SilenceSet the deliverer asks (is_silenced)."""

    async def main() -> None:
        async with serving(filled_store()) as server:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
                await client.post("/api/silences", json={"event_id": "ev-tokyo"}, headers=auth())
            devs = server.store.developments()
            now = datetime.now(UTC) + timedelta(seconds=1)
            assert all(server.silences.is_silenced(d, now) for d in devs if d.event_id == "ev-tokyo")
            assert not server.silences.is_silenced(devs[0], now + timedelta(hours=2))

    asyncio.run(main())


def test_openapi_spec_is_served_and_matches_docs() -> None:
    """/api/openapi.json and .yaml serve the spec; docs/openapi.yaml is the same document."""

    async def scenario(client: httpx.AsyncClient) -> None:
        served = (await client.get("/api/openapi.json")).json()
        assert served["openapi"].startswith("3.")
        assert "/api/storylines/{storyline_id}/events" in served["paths"]
        as_yaml = await client.get("/api/openapi.yaml")
        assert yaml.safe_load(as_yaml.text) == served

    run(scenario)
    docs = (ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8")
    assert docs == (STATIC / "openapi.yaml").read_text(encoding="utf-8")


def test_page_and_assets_are_served_with_a_strict_csp() -> None:
    """GET / serves the page with a Content-Security-Policy forbidding inline scripts; assets are served."""

    async def scenario(client: httpx.AsyncClient) -> None:
        page = await client.get("/")
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
        assert (await client.get("/static/app.js")).status_code == 200
        assert (await client.get("/static/app.css")).status_code == 200
        assert (await client.get("/static/../server.py")).status_code == 404

    run(scenario)


def test_stream_sends_an_update_when_the_store_changes() -> None:
    """GET /api/stream (SSE) says hello, then sends an update event after a new observation."""

    async def main() -> None:
        store = filled_store()
        async with (
            serving(store) as server,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as client,
            client.stream("GET", "/api/stream") as response,
        ):
            assert response.headers["Content-Type"].startswith("text/event-stream")
            lines = response.aiter_lines()
            seen: list[str] = []
            while "event: hello" not in seen:
                seen.append(await lines.__anext__())
            later = enriched("a-late", "Late", "Later text.", datetime(2025, 9, 1, tzinfo=UTC))
            store.observe("enriched", later)
            while "event: update" not in seen:
                seen.append(await asyncio.wait_for(lines.__anext__(), 5))

    asyncio.run(main())


def test_stream_connections_are_capped() -> None:
    """Past http.max_stream_clients open live-update connections another gets a 503; a freed slot serves."""

    async def main() -> None:
        async with (
            serving(filled_store(), max_stream_clients=2) as server,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as client,
        ):
            async with (
                client.stream("GET", "/api/stream") as first,
                client.stream("GET", "/api/stream") as second,
            ):
                assert first.status_code == second.status_code == 200
                refused = await client.get("/api/stream")
                assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
            for _ in range(50):  # the server notices the closed connections
                async with client.stream("GET", "/api/stream") as again:
                    if again.status_code == 200:
                        break
                await asyncio.sleep(0.1)
            assert again.status_code == 200

    asyncio.run(main())


def test_every_answer_is_counted_by_route_pattern_and_code() -> None:
    """Rejections are visible on the dashboard: a bad push body (400), a push without the token
    (401), an unknown path (404, route ``unmatched``) and a good read (200) are each counted in
    ``newsmon_http_requests_total`` under the route's pattern, never the raw path."""

    async def main() -> None:
        async with (
            serving(filled_store()) as server,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as client,
        ):
            assert (await client.post("/api/articles", content=b"[[[", headers=auth())).status_code == 400
            assert (await client.post("/api/articles", json={"title": "t", "text": "x"})).status_code == 401
            assert (await client.get("/no/such/thing/123")).status_code == 404
            assert (await client.get("/api/articles/nope-1")).status_code == 404
            assert (await client.get("/api/storylines")).status_code == 200

            def count(route: str, code: str) -> float:
                labels = {"route": route, "code": code}
                return server.registry.get_sample_value("newsmon_http_requests_total", labels) or 0.0

            assert count("/api/articles", "400") == 1
            assert count("/api/articles", "401") == 1
            assert count("unmatched", "404") == 1
            assert count("/api/articles/{article_id}", "404") == 1
            assert count("/api/storylines", "200") == 1

    asyncio.run(main())
