"""Record decoding never raises: a value that is not JSON, or JSON nested too deeply, is a counted reject."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from monitor.metrics import Metrics
from monitor.models import Article
from streams.codec import UNDECODABLE, LenientJson
from streams.stages import decode


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
