"""Invalid records and dead articles: what is kept of them, under which key, with which headers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry

from monitor.metrics import Metrics
from monitor.models import Article
from streams.codec import MAX_RAW_BYTES, loads, undecodable
from streams.rejects import DEAD_TEXT_BYTES, InvalidRecord, count_invalid, dead_article


def _record(raw: bytes | None, reason: str = "too_deep") -> InvalidRecord:
    return InvalidRecord(
        topic="nm-matches", partition=1, offset=42, key=b"k1", raw=raw, reason=reason, error="JSON nested"
    )


def test_invalid_record_is_keyed_by_source_and_carries_its_cause_in_headers() -> None:
    """Key ``<topic>/<partition>/<offset>``; the raw value cut at 64 KiB (flagged); headers name the
    source, the original key, the reason and the error."""
    record = _record(b"[" * 100_000)
    assert record.record_key == b"nm-matches/1/42"
    assert record.value == b"[" * MAX_RAW_BYTES
    assert dict(record.headers()) == {
        "newsmon-topic": b"nm-matches",
        "newsmon-partition": b"1",
        "newsmon-offset": b"42",
        "newsmon-key": b"k1",
        "newsmon-reason": b"too_deep",
        "newsmon-error": b"JSON nested",
        "newsmon-size": b"100000",
        "newsmon-truncated": b"1",
    }


def test_a_value_the_codec_cut_already_keeps_its_full_size() -> None:
    """A marker's raw bytes are cut at 64 KiB already: the record still reports the whole size and the cut."""
    marked = undecodable(loads(b"[" * 100_000))
    assert marked is not None
    record = InvalidRecord(
        topic="t",
        partition=0,
        offset=0,
        key=None,
        raw=marked.raw,
        reason=marked.reason,
        error="",
        size=marked.size,
    )
    headers = dict(record.headers())
    assert headers["newsmon-size"] == b"100000" and headers["newsmon-truncated"] == b"1"
    assert record.value == b"[" * MAX_RAW_BYTES


def test_a_null_value_is_forwarded_as_empty_bytes_never_as_a_tombstone() -> None:
    """A null value (which would delete a key in the compacted topic) is kept as an empty value."""
    record = _record(None, "bad_schema")
    assert record.value == b""
    assert dict(record.headers())["newsmon-truncated"] == b"0"


def test_invalid_records_are_counted_by_topic_and_a_fixed_set_of_reasons() -> None:
    """The metric's reason is one of not_json, too_deep, bad_schema: anything else counts as bad_schema."""
    metrics = Metrics(CollectorRegistry())
    for reason in ("not_json", "too_deep", "bad_schema", "something new"):
        count_invalid(metrics, _record(b"x", reason), stage="detect")
    sample = metrics.registry.get_sample_value
    counts = {
        r: sample("newsmon_invalid_records_total", {"topic": "nm-matches", "reason": r})
        for r in ("not_json", "too_deep", "bad_schema")
    }
    assert counts == {"not_json": 1.0, "too_deep": 1.0, "bad_schema": 2.0}
    assert sample("newsmon_invalid_records_total", {"topic": "nm-matches", "reason": "something new"}) is None


def test_dead_article_is_the_article_cut_to_fit_with_why_in_headers() -> None:
    """Text and summary are cut at DEAD_TEXT_BYTES on a UTF-8 boundary, the title at a tenth; the
    article stays valid JSON of the model, keyed by its id."""
    article = Article(
        id="x-9",
        title="T" * 5000,
        text="€" * 100_000,
        summary="short",
        ingested_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    key, value, headers = dead_article(article, stage="ingest", reason="too_large", error="too big " * 100)
    dead = Article.model_validate(json.loads(value))
    assert key == b"x-9"
    assert dead.text == "€" * (DEAD_TEXT_BYTES // 3) and dead.summary == "short"
    assert len(dead.title) == DEAD_TEXT_BYTES // 10
    assert len(value) < 2 * DEAD_TEXT_BYTES
    head = dict(headers)
    assert head["newsmon-reason"] == b"too_large" and head["newsmon-stage"] == b"ingest"
    assert head["newsmon-text-bytes"] == b"300000" and len(head["newsmon-error"]) == 300
