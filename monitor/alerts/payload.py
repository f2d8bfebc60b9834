"""Alert payload v1: the JSON document every HTTP channel sends.

The shape is documented by ``docs/alert-payload.schema.json`` (JSON Schema
2020-12). Fields are only ever added in a compatible way; an incompatible
change bumps ``version``.
"""

from __future__ import annotations

import json
from typing import Any

from monitor.models import Development

PAYLOAD_VERSION = 1


def to_payload(dev: Development) -> dict[str, Any]:
    """The v1 payload of a development, as plain JSON-ready values."""
    return {
        "version": PAYLOAD_VERSION,
        "id": dev.id,
        "kind": dev.kind,
        "storyline": {"id": dev.storyline_id, "title": dev.storyline_title},
        "event": {
            "id": dev.event_id,
            "title": dev.event_title,
            "date": dev.event_date.isoformat() if dev.event_date is not None else None,
        },
        "summary": dev.summary,
        "articles": [
            {
                "id": ref.id,
                "url": ref.url,
                "title": ref.title,
                "source": ref.source,
                "published": ref.published.isoformat() if ref.published is not None else None,
            }
            for ref in dev.articles
        ],
        "evidence": [
            {"article_id": ev.article_id, "quote": ev.quote, "claim": ev.claim} for ev in dev.evidence
        ],
        "confidence": dev.confidence,
        "created_at": dev.created_at.isoformat(),
    }


def encode(payload: dict[str, Any]) -> bytes:
    """The exact request body: compact UTF-8 JSON with sorted keys (what gets signed)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
