"""Bad records never stop an agent: undecodable values and records too large for Kafka are counted rejects."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.errors import MessageSizeTooLargeError
from faust.exceptions import ProducerSendError
from prometheus_client import CollectorRegistry

from monitor.metrics import Metrics
from monitor.models import Article
from streams.codec import UNDECODABLE, LenientJson
from streams.stages import decode, send_or_skip


def test_json_round_trips() -> None:
    """Ordinary records encode and decode as JSON."""
    codec = LenientJson()
    value = {"id": "a", "text": "Seoul, 7 May — …", "n": [1, 2.5, None]}
    assert codec.loads(codec.dumps(value)) == value


def test_garbage_and_deep_nesting_decode_to_a_marker() -> None:
    """Bytes that are not JSON, invalid UTF-8, and 100,000 nested lists become markers with the reason."""
    codec = LenientJson()
    cases = ((b"\x00\xffnot json", "not JSON"), (b"{oops", "not JSON"), (b"[" * 100_000, "nested"))
    for raw, reason in cases:
        decoded = codec.loads(raw)
        assert isinstance(decoded, dict) and reason in decoded[UNDECODABLE], raw[:10]


def test_stage_counts_and_skips_a_marker() -> None:
    """The stage's decode returns nothing for a marker and counts it as an invalid record."""
    metrics = Metrics(CollectorRegistry())
    assert decode(Article, LenientJson().loads(b"{oops"), "enrich", metrics) is None
    sample = metrics.registry.get_sample_value(
        "newsmon_articles_total", {"stage": "enrich", "outcome": "invalid_record"}
    )
    assert sample == 1.0


class _Topic:
    """The one call send_or_skip makes of a Faust topic, failing the way the producer fails."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def send(self, *, key: bytes, value: object) -> None:
        raise self.error


def test_a_record_too_large_is_counted_and_skipped_other_errors_propagate() -> None:
    """The producer's size refusal (bare or as Faust wraps it) is a counted skip; others are raised."""
    metrics = Metrics(CollectorRegistry())
    too_large = MessageSizeTooLargeError("The message is 1750649 bytes when serialized")
    wrapped = ProducerSendError(f"Error while sending: {too_large!r}")
    wrapped.__cause__ = too_large  # as Faust raises it: ``raise ProducerSendError(...) from exc``
    for error in (too_large, wrapped):
        asyncio.run(send_or_skip(_Topic(error), b"k", {}, "enrich", metrics))  # type: ignore[arg-type]
    counted = metrics.registry.get_sample_value(
        "newsmon_articles_total", {"stage": "enrich", "outcome": "too_large"}
    )
    assert counted == 2.0
    with pytest.raises(ProducerSendError):
        gone = _Topic(ProducerSendError("broker gone"))
        asyncio.run(send_or_skip(gone, b"k", {}, "enrich", metrics))  # type: ignore[arg-type]
