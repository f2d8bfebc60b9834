"""Payload v1 and its JSON schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from monitor.alerts.payload import PAYLOAD_VERSION, encode, to_payload
from monitor.models import Development


def test_payload_has_every_v1_field(sample_dev: Development, payload_schema: dict[str, Any]) -> None:
    """to_payload maps a Development onto the documented v1 shape."""
    payload = to_payload(sample_dev)
    assert payload["version"] == PAYLOAD_VERSION == 1
    assert payload["id"] == sample_dev.id
    assert payload["kind"] == "new_development"
    assert payload["storyline"] == {"id": "japan-korea-summits", "title": "Japan–South Korea summits"}
    assert payload["event"] == {
        "id": "evt-2026-12-tokyo",
        "title": "Ishiba–Lee summit in Tokyo",
        "date": "2026-12-14",
    }
    assert payload["articles"][0]["published"] == "2026-11-22T08:30:00+00:00"
    assert payload["articles"][1]["published"] is None
    assert payload["evidence"][0] == {
        "article_id": "art-1",
        "quote": "The two leaders will meet in Tokyo on December 14, officials said.",
        "claim": "meeting: place=Tokyo, date=2026-12-14",
    }
    assert payload["confidence"] == 0.82
    assert payload["created_at"] == "2026-11-22T09:00:00+00:00"
    assert set(payload) == set(payload_schema["required"])


def test_payload_validates_against_schema(
    sample_dev: Development, make_dev: Callable[..., Development], schema_errors: Callable[[Any], list[str]]
) -> None:
    """Payloads (including null dates and no articles) validate against docs/alert-payload.schema.json."""
    assert schema_errors(to_payload(sample_dev)) == []
    bare = make_dev(event_date=None, articles=(), evidence=(), kind="conflict")
    assert schema_errors(to_payload(bare)) == []


def test_schema_rejects_broken_payloads(
    sample_dev: Development, schema_errors: Callable[[Any], list[str]]
) -> None:
    """The schema is strict: a missing field, an unknown kind or an extra field fail."""
    payload = to_payload(sample_dev)
    assert schema_errors({k: v for k, v in payload.items() if k != "summary"})
    assert schema_errors({**payload, "kind": "rumour"})
    assert schema_errors({**payload, "surprise": 1})
    assert schema_errors({**payload, "version": 2})


def test_encoding_is_compact_sorted_utf8(sample_dev: Development) -> None:
    """The body is deterministic compact UTF-8 JSON that round-trips to the payload."""
    body = encode(to_payload(sample_dev))
    assert body == encode(to_payload(sample_dev))
    assert "–".encode() in body  # not \u escaped
    assert body.startswith(b'{"articles":[{"id":"art-1","published":')
    assert json.loads(body) == to_payload(sample_dev)
