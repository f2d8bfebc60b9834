"""Dead-letter records and the replay choice."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from monitor.alerts.deadletter import DeadLetter, dead_letter, is_transient, replay
from monitor.alerts.delivery import Outcome
from monitor.egress import EgressPolicy
from monitor.errors import DeliveryError, NewsmonError
from monitor.models import Development

LOCAL = EgressPolicy.loopback_too()  # the receivers run on loopback

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _letter(
    dev: Development, dest: str = "hook", reason: str = "http_503", age_min: float = 30, **kw: int
) -> DeadLetter:
    return DeadLetter(
        development=dev,
        destination=dest,
        reason=reason,
        attempts=5,
        last_error_at=NOW - timedelta(minutes=age_min),
        **kw,
    )


def test_dead_letter_roundtrips_through_json(sample_dev: Development) -> None:
    """A DeadLetter serializes to JSON for Kafka and back unchanged, keyed by development and destination."""
    outcome = Outcome("hook", "dead_letter", "timeout", 5, None, NOW)
    letter = dead_letter(sample_dev, outcome)
    again = DeadLetter.model_validate_json(letter.model_dump_json())
    assert again == letter
    assert letter.key == f"{sample_dev.id}|hook"
    assert letter.model_dump(mode="json")["version"] == 1


def test_dead_letter_refuses_other_outcomes(sample_dev: Development) -> None:
    """Only a dead_letter outcome can become a record; the error is a NewsmonError."""
    with pytest.raises(DeliveryError) as info:
        dead_letter(sample_dev, Outcome("hook", "delivered", "ok", 1))
    assert isinstance(info.value, NewsmonError)


def test_transient_reasons() -> None:
    """5xx, 408, 425, 429, timeouts, connection problems, open circuits and rate limits are transient."""
    for reason in (
        "http_500",
        "http_503",
        "http_429",
        "http_408",
        "timeout",
        "connect_error",
        "circuit_open",
    ):
        assert is_transient(reason), reason
    for reason in ("http_4xx", "http_3xx", "tls_error", "channel_error", "io_error", "http_5000"):
        assert not is_transient(reason), reason


def test_replay_chooses_transient_ripe_letters(make_dev: Callable[..., Development]) -> None:
    """Replay keeps transient failures aged between min_age and max_age, oldest development first."""
    early = make_dev(id="early", created_at=NOW - timedelta(hours=5))
    late = make_dev(id="late", created_at=NOW - timedelta(hours=1))
    letters = [
        _letter(late, reason="timeout"),
        _letter(early, reason="http_500"),
        _letter(make_dev(id="fresh"), age_min=1),
        _letter(make_dev(id="stale"), age_min=60 * 72),
        _letter(make_dev(id="bad-request"), reason="http_4xx"),
        _letter(make_dev(id="tired"), replays=10),
    ]
    chosen = replay(letters, now=NOW)
    assert [letter.development.id for letter in chosen] == ["early", "late"]


def test_replay_keeps_only_latest_per_key_and_skips_delivered(make_dev: Callable[..., Development]) -> None:
    """Only the newest record per (development, destination) counts; delivered keys are skipped."""
    dev = make_dev(id="d")
    older = _letter(dev, reason="http_4xx", age_min=50)
    newer = _letter(dev, reason="http_503", age_min=20, replays=1)
    other = _letter(dev, dest="slack")
    chosen = replay([newer, older, other], now=NOW)
    assert {(c.destination, c.reason) for c in chosen} == {("hook", "http_503"), ("slack", "http_503")}
    assert replay([older, newer, other], now=NOW, delivered={other.key}) == [newer]


def test_replay_explicit_filters(make_dev: Callable[..., Development]) -> None:
    """Explicit reasons/destinations override the defaults; None limits disable age and replay caps."""
    letters = [_letter(make_dev(id="a"), reason="http_4xx"), _letter(make_dev(id="b"), dest="gone")]
    assert [c.development.id for c in replay(letters, now=NOW, reasons={"http_4xx"})] == ["a"]
    assert [c.development.id for c in replay(letters, now=NOW, destinations={"hook"})] == []
    ancient = _letter(make_dev(id="c"), age_min=60 * 24 * 30, replays=99)
    assert replay([ancient], now=NOW, max_age=None, max_replays=None) == [ancient]


def test_dead_letter_replay_roundtrip_over_http(sample_dev: Development, receiver: Any) -> None:
    """A dead letter from a failing receiver is chosen for replay, then delivered to that destination only."""
    import asyncio

    from prometheus_client import CollectorRegistry

    from monitor.alerts.delivery import Deliverer, destinations_from_settings
    from monitor.alerts.webhook import default_client
    from monitor.metrics import Metrics
    from monitor.settings import AlertSettings, WebhookSettings

    R = receiver.Reply

    async def main() -> None:
        async with (
            receiver([R(503), R(503)], secret="k") as rx,
            default_client(LOCAL) as client,
        ):
            dests = destinations_from_settings(
                [WebhookSettings(url=rx.url, secret="k", max_attempts=2)],
                client,
                AlertSettings(retry_base_delay=0.01),
                console=io.StringIO(),
            )
            for dest in dests:
                dest.retry = dataclasses.replace(dest.retry, base_delay=0.01)
            deliverer = Deliverer(dests, Metrics(CollectorRegistry()))
            outcomes = await deliverer.deliver(sample_dev)
            assert [o.status for o in outcomes] == ["delivered", "dead_letter"]
            letter = dead_letter(sample_dev, outcomes[1])
            later = letter.last_error_at + timedelta(minutes=10)
            (chosen,) = replay([letter], now=later, destinations={d.name for d in dests})
            (again,) = await deliverer.deliver(chosen.development, only={chosen.destination})
            assert again.status == "delivered"
            assert len(rx.received) == 3 and all(r.signature_valid for r in rx.received)
            assert len({r.headers["X-Newsmon-Delivery"] for r in rx.received}) == 1

    asyncio.run(main())
