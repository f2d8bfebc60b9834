"""Bad records never stop an agent: undecodable values decode to a marker, records too large for Kafka
dead-letter their article."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka.errors import MessageSizeTooLargeError
from faust.exceptions import ProducerSendError
from prometheus_client import CollectorRegistry

from monitor.metrics import Metrics
from monitor.models import Article
from streams.codec import MAX_RAW_BYTES, LenientJson, loads, undecodable
from streams.stages import Rejects


def test_json_round_trips() -> None:
    """Ordinary records encode and decode as JSON, and are no marker."""
    codec = LenientJson()
    value = {"id": "a", "text": "Seoul, 7 May — …", "n": [1, 2.5, None]}
    assert codec.loads(codec.dumps(value)) == value
    assert undecodable(codec.loads(codec.dumps(value))) is None
    assert undecodable([]) is None and undecodable(None) is None


def test_garbage_and_deep_nesting_decode_to_a_marker_with_reason_and_raw_bytes() -> None:
    """Bytes that are not JSON and invalid UTF-8 are ``not_json``, 100,000 nested lists ``too_deep``;
    the marker keeps the raw bytes, cut at 64 KiB."""
    cases = (
        (b"\x00\xffnot json", "not_json", "not JSON"),
        (b"{oops", "not_json", "not JSON"),
        (b"[" * 100_000, "too_deep", "nested"),
    )
    for raw, reason, words in cases:
        for decoded in (LenientJson().loads(raw), loads(raw)):  # in Faust, and in the followers
            marked = undecodable(decoded)
            assert marked is not None, raw[:10]
            assert marked.reason == reason and words in marked.error, raw[:10]
            assert marked.raw == raw[:MAX_RAW_BYTES] and marked.size == len(raw)
    assert len(undecodable(loads(b"[" * 100_000)).raw) == MAX_RAW_BYTES  # type: ignore[union-attr]


class _Topic:
    """The one call Rejects.send makes of a Faust topic, failing the way the producer fails."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def send(self, **_: Any) -> asyncio.Future[None]:
        raise self.error


class _Kept:
    """A topic that keeps what is sent to it (the dead-letter topic), acknowledged at once."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, **record: Any) -> asyncio.Future[None]:
        self.sent.append(record)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


def _article() -> Article:
    return Article(id="a-1", title="Big", text="word " * 20_000, ingested_at=datetime(2026, 1, 1, tzinfo=UTC))


def test_a_record_too_large_dead_letters_its_article_other_errors_propagate() -> None:
    """The producer's size refusal (bare or as Faust wraps it) dead-letters the article, cut to fit, with
    its reason in a header, and counts it; other producer errors are raised."""
    metrics, kept = Metrics(CollectorRegistry()), _Kept()
    rejects = Rejects(metrics, invalid=_Kept(), dead_articles=kept)  # type: ignore[arg-type]
    too_large = MessageSizeTooLargeError("The message is 1750649 bytes when serialized")
    wrapped = ProducerSendError(f"Error while sending: {too_large!r}")
    wrapped.__cause__ = too_large  # as Faust raises it: ``raise ProducerSendError(...) from exc``
    for error in (too_large, wrapped):
        send = rejects.send(_Topic(error), b"k", {}, stage="enrich", article=_article())  # type: ignore[arg-type]
        asyncio.run(send)
    sample = metrics.registry.get_sample_value
    assert sample("newsmon_articles_total", {"stage": "enrich", "outcome": "too_large"}) == 2.0
    assert sample("newsmon_article_dead_letters_total", {"stage": "enrich", "reason": "too_large"}) == 2.0
    letter = kept.sent[0]
    headers = dict(letter["headers"])
    assert letter["key"] == b"a-1" and headers["newsmon-reason"] == b"too_large"
    assert headers["newsmon-stage"] == b"enrich" and headers["newsmon-text-bytes"] == b"100000"
    dead = Article.model_validate(json.loads(letter["value"]))
    assert dead.id == "a-1" and 0 < len(dead.text.encode()) <= 16 * 1024
    with pytest.raises(ProducerSendError):
        gone = _Topic(ProducerSendError("broker gone"))
        asyncio.run(rejects.send(gone, b"k", {}, stage="enrich", article=_article()))  # type: ignore[arg-type]
