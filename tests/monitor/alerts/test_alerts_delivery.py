"""Deliverer: retries, Retry-After, dead letters, circuit breaker, routing, metrics — over real HTTP."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from monitor.alerts.base import DeliveryResult
from monitor.alerts.breaker import CircuitBreaker
from monitor.alerts.deadletter import dead_letter
from monitor.alerts.delivery import Deliverer, Destination, RetryPolicy, Route, webhook_destination
from monitor.alerts.ratelimit import TokenBucket
from monitor.alerts.webhook import default_client
from monitor.egress import EgressPolicy
from monitor.metrics import Metrics
from monitor.models import Development
from monitor.settings import WebhookSettings

LOCAL = EgressPolicy.loopback_too()  # the receivers run on loopback

FAST = {"base_delay": 0.01, "max_delay": 0.05}


class Sleeps:
    """An injected sleep that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def test_retries_after_500s_then_succeeds(
    sample_dev: Development, receiver: Any, metrics: Metrics, count_alerts: Callable[..., float]
) -> None:
    """Two 500s are retried with backoff; the third attempt is delivered with the same delivery id."""
    R = receiver.Reply

    async def main() -> None:
        async with (
            receiver([R(500), R(500), R(200)], secret="k") as rx,
            default_client(LOCAL) as client,
        ):
            dest = webhook_destination(WebhookSettings(url=rx.url, secret="k"), client, **FAST)
            (outcome,) = await Deliverer([dest], metrics).deliver(sample_dev)
        assert (outcome.status, outcome.reason, outcome.attempts) == ("delivered", "ok", 3)
        assert len(rx.received) == 3
        assert all(r.signature_valid for r in rx.received)
        assert len({r.headers["X-Newsmon-Delivery"] for r in rx.received}) == 1
        assert {r.headers["Idempotency-Key"] for r in rx.received} == {sample_dev.id}
        name = dest.name
        assert count_alerts(channel=name, outcome="retried", reason="http_500") == 2
        assert count_alerts(channel=name, outcome="delivered", reason="ok") == 1
        assert count_alerts(outcome="dead_lettered") == 0

    asyncio.run(main())


def test_retries_after_timeouts_then_succeeds(
    sample_dev: Development, receiver: Any, metrics: Metrics, count_alerts: Callable[..., float]
) -> None:
    """Requests that time out are retried; a later prompt answer is delivered."""
    R = receiver.Reply

    async def main() -> None:
        async with (
            receiver([R(delay=0.5), R(delay=0.5), R(200)]) as rx,
            default_client(LOCAL) as client,
        ):
            settings = WebhookSettings(url=rx.url, timeout=0.1)
            dest = webhook_destination(settings, client, **FAST)
            (outcome,) = await Deliverer([dest], metrics).deliver(sample_dev)
        assert (outcome.status, outcome.attempts) == ("delivered", 3)
        assert count_alerts(outcome="retried", reason="timeout") == 2

    asyncio.run(main())


def test_retry_after_is_honoured_over_real_http(
    sample_dev: Development, receiver: Any, metrics: Metrics
) -> None:
    """A 429 with Retry-After: 1 delays the next attempt by at least one second despite a tiny backoff."""
    R = receiver.Reply

    async def main() -> None:
        async with (
            receiver([R(429, {"Retry-After": "1"}), R(200)]) as rx,
            default_client(LOCAL) as client,
        ):
            dest = webhook_destination(WebhookSettings(url=rx.url), client, **FAST)
            (outcome,) = await Deliverer([dest], metrics).deliver(sample_dev)
        assert outcome.status == "delivered"
        first, second = rx.received
        assert second.at - first.at >= 0.95

    asyncio.run(main())


def test_retry_after_longer_than_cap_dead_letters_at_once(
    sample_dev: Development, receiver: Any, metrics: Metrics
) -> None:
    """Retry-After beyond max_retry_after ends the series (dead letter) instead of waiting or hammering."""
    R = receiver.Reply

    async def main() -> None:
        sleeps = Sleeps()
        script = [R(503, {"Retry-After": "120"}), R(503, {"Retry-After": "9999"})]
        async with receiver(script) as rx, default_client(LOCAL) as client:
            dest = webhook_destination(WebhookSettings(url=rx.url), client, **FAST)
            (outcome,) = await Deliverer([dest], metrics, sleep=sleeps).deliver(sample_dev)
        assert sleeps.delays == [120.0]
        assert (outcome.status, outcome.reason, outcome.attempts, outcome.http_status) == (
            "dead_letter",
            "http_503",
            2,
            503,
        )

    asyncio.run(main())


def test_4xx_is_not_retried(
    sample_dev: Development, receiver: Any, metrics: Metrics, count_alerts: Callable[..., float]
) -> None:
    """A 400 is final: one attempt, a dead letter with reason http_4xx, no retry counted."""
    R = receiver.Reply

    async def main() -> None:
        async with receiver([R(400), R(200)]) as rx, default_client(LOCAL) as client:
            dest = webhook_destination(WebhookSettings(url=rx.url), client, **FAST)
            (outcome,) = await Deliverer([dest], metrics).deliver(sample_dev)
        assert (outcome.status, outcome.reason, outcome.attempts, outcome.http_status) == (
            "dead_letter",
            "http_4xx",
            1,
            400,
        )
        assert len(rx.received) == 1
        assert count_alerts(outcome="retried") == 0
        assert count_alerts(outcome="dead_lettered", reason="http_4xx") == 1
        assert dest.breaker.state == "closed" and dest.breaker.consecutive_failures == 0

    asyncio.run(main())


def test_dead_letter_after_last_attempt(
    sample_dev: Development, receiver: Any, metrics: Metrics, count_alerts: Callable[..., float]
) -> None:
    """After max_attempts failures the outcome is a dead letter that converts into a DeadLetter record."""
    R = receiver.Reply

    async def main() -> None:
        async with receiver(default=R(502)) as rx, default_client(LOCAL) as client:
            settings = WebhookSettings(url=rx.url, max_attempts=3)
            dest = webhook_destination(settings, client, **FAST)
            (outcome,) = await Deliverer([dest], metrics).deliver(sample_dev)
        assert len(rx.received) == 3
        assert (outcome.status, outcome.reason, outcome.attempts) == ("dead_letter", "http_502", 3)
        assert outcome.last_error_at is not None
        letter = dead_letter(sample_dev, outcome)
        assert (letter.destination, letter.reason, letter.attempts) == (dest.name, "http_502", 3)
        assert letter.development == sample_dev
        assert count_alerts(outcome="retried", reason="http_502") == 2
        assert count_alerts(outcome="dead_lettered", reason="http_502") == 1

    asyncio.run(main())


def test_connection_refused_dead_letters_as_connect_error(sample_dev: Development, metrics: Metrics) -> None:
    """Nobody listening: every attempt is a retryable connect_error, ending in a dead letter."""

    async def main() -> None:
        async with default_client(LOCAL) as client:
            dest = webhook_destination(
                WebhookSettings(url="http://127.0.0.1:9/hook", max_attempts=2), client, **FAST
            )
            (outcome,) = await Deliverer([dest], metrics).deliver(sample_dev)
        assert (outcome.status, outcome.reason, outcome.attempts) == ("dead_letter", "connect_error", 2)

    asyncio.run(main())


def test_circuit_breaker_opens_then_half_opens(
    make_dev: Callable[..., Development], receiver: Any, metrics: Metrics, count_alerts: Callable[..., float]
) -> None:
    """After N consecutive failures the breaker short-circuits; after the cooldown one probe closes it."""
    R = receiver.Reply
    clock = [1000.0]

    async def main() -> None:
        async with receiver(default=R(500)) as rx, default_client(LOCAL) as client:
            breaker = CircuitBreaker(failure_threshold=2, cooldown=30.0, clock=lambda: clock[0])
            settings = WebhookSettings(url=rx.url, max_attempts=1)
            dest = webhook_destination(settings, client, breaker=breaker, **FAST)
            deliverer = Deliverer([dest], metrics)
            first = await deliverer.deliver(make_dev(id="d1"))
            second = await deliverer.deliver(make_dev(id="d2"))
            assert [o[0].reason for o in (first, second)] == ["http_500", "http_500"]
            assert breaker.state == "open"
            (third,) = await deliverer.deliver(make_dev(id="d3"))
            assert (third.status, third.reason, third.attempts) == ("dead_letter", "circuit_open", 0)
            assert len(rx.received) == 2
            assert count_alerts(outcome="dead_lettered", reason="circuit_open") == 1

            clock[0] += 31
            assert breaker.state == "half_open"
            rx.default = R(200)
            (probe,) = await deliverer.deliver(make_dev(id="d4"))
            assert probe.status == "delivered"
            assert breaker.state == "closed"

    asyncio.run(main())


def test_breaker_opening_mid_series_stops_retrying(
    sample_dev: Development, receiver: Any, metrics: Metrics
) -> None:
    """A series stops as soon as the breaker opens, reporting the last failure reason."""
    R = receiver.Reply

    async def main() -> None:
        async with receiver(default=R(503)) as rx, default_client(LOCAL) as client:
            breaker = CircuitBreaker(failure_threshold=2, cooldown=60.0)
            dest = webhook_destination(
                WebhookSettings(url=rx.url, max_attempts=5), client, breaker=breaker, **FAST
            )
            (outcome,) = await Deliverer([dest], metrics).deliver(sample_dev)
        assert (outcome.status, outcome.reason, outcome.attempts) == ("dead_letter", "http_503", 2)
        assert len(rx.received) == 2

    asyncio.run(main())


def test_routing_filters_and_silences(
    make_dev: Callable[..., Development], receiver: Any, metrics: Metrics, count_alerts: Callable[..., float]
) -> None:
    """Kind, storyline and confidence filters and silences yield ``filtered`` outcomes and send nothing."""

    class MuteConflicts:
        def is_silenced(self, dev: Development, now: datetime) -> bool:
            return dev.kind == "conflict"

    async def main() -> None:
        async with receiver() as rx, default_client(LOCAL) as client:
            settings = WebhookSettings(url=rx.url, kinds=("new_event", "conflict"))
            dest = webhook_destination(
                settings, client, storylines={"japan-korea-summits"}, min_confidence=0.5, **FAST
            )
            deliverer = Deliverer([dest], metrics, silences=MuteConflicts())
            cases = {
                "kind": make_dev(kind="new_development"),
                "storyline": make_dev(kind="new_event", storyline_id="other"),
                "confidence": make_dev(kind="new_event", confidence=0.2),
                "silenced": make_dev(kind="conflict"),
            }
            for reason, dev in cases.items():
                (outcome,) = await deliverer.deliver(dev)
                assert (outcome.status, outcome.reason, outcome.attempts) == ("filtered", reason, 0)
                assert count_alerts(outcome="filtered", reason=reason) == 1
            assert rx.received == []
            (sent,) = await deliverer.deliver(make_dev(kind="new_event"))
            assert sent.status == "delivered" and len(rx.received) == 1

    asyncio.run(main())


def test_several_destinations_and_only(sample_dev: Development, receiver: Any, metrics: Metrics) -> None:
    """Each destination gets its own outcome, in order; ``only`` restricts delivery to named ones."""
    R = receiver.Reply

    async def main() -> None:
        async with (
            receiver() as good,
            receiver(default=R(404)) as bad,
            default_client(LOCAL) as client,
        ):
            dests = [
                webhook_destination(WebhookSettings(url=good.url), client, name="good", **FAST),
                webhook_destination(WebhookSettings(url=bad.url), client, name="bad", **FAST),
            ]
            deliverer = Deliverer(dests, metrics)
            outcomes = await deliverer.deliver(sample_dev)
            assert [(o.destination, o.status) for o in outcomes] == [
                ("good", "delivered"),
                ("bad", "dead_letter"),
            ]
            again = await deliverer.deliver(sample_dev, only={"good"})
            assert [o.destination for o in again] == ["good"]
            assert (len(good.received), len(bad.received)) == (2, 1)

    asyncio.run(main())


def test_duplicate_destination_names_are_rejected(metrics: Metrics) -> None:
    """Destination names identify outcomes and metrics, so they must be unique."""

    class Null:
        name = "same"

        async def send(self, dev: Development) -> DeliveryResult:
            return DeliveryResult(True, False, "ok")

    with pytest.raises(ValueError, match="unique"):
        Deliverer([Destination(Null()), Destination(Null())], metrics)


def test_channel_exception_becomes_channel_error(sample_dev: Development, metrics: Metrics) -> None:
    """A channel that raises does not break the caller: a non-retried ``channel_error`` dead letter."""

    class Broken:
        name = "broken"
        calls = 0

        async def send(self, dev: Development) -> DeliveryResult:
            Broken.calls += 1
            raise RuntimeError("bug")

    (outcome,) = asyncio.run(Deliverer([Destination(Broken())], metrics).deliver(sample_dev))
    assert (outcome.status, outcome.reason, outcome.attempts, Broken.calls) == (
        "dead_letter",
        "channel_error",
        1,
        1,
    )


def test_backoff_is_exponential_with_bounded_jitter() -> None:
    """Delays double per retry, are capped by max_delay, and jitter only shortens them (by at most half)."""
    policy = RetryPolicy(base_delay=1.0, max_delay=10.0, jitter=0.5)
    rng = random.Random(7)
    for retry, nominal in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 10.0), (9, 10.0)]:
        delay = policy.backoff(retry, rng)
        assert nominal * 0.5 <= delay <= nominal
    assert RetryPolicy(base_delay=1.0, jitter=0.0).backoff(3, rng) == 4.0
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


def test_backoff_delays_used_between_attempts(sample_dev: Development, metrics: Metrics) -> None:
    """The deliverer sleeps the policy's backoff between attempts (none after the last)."""

    class Flaky:
        name = "flaky"

        async def send(self, dev: Development) -> DeliveryResult:
            return DeliveryResult(False, True, "http_500", 500)

    sleeps = Sleeps()
    dest = Destination(Flaky(), retry=RetryPolicy(max_attempts=4, base_delay=1.0, jitter=0.0))
    (outcome,) = asyncio.run(Deliverer([dest], metrics, sleep=sleeps).deliver(sample_dev))
    assert sleeps.delays == [1.0, 2.0, 4.0]
    assert outcome.attempts == 4


def test_end_to_end_latency_recorded(
    sample_dev: Development, receiver: Any, metrics: Metrics, registry: CollectorRegistry
) -> None:
    """A delivered alert records ingest→alert (when given) and publish→alert latency once."""

    async def main() -> None:
        async with receiver() as rx, default_client(LOCAL) as client:
            dest = webhook_destination(WebhookSettings(url=rx.url), client, name="hook", **FAST)
            now = datetime(2026, 11, 22, 9, 0, 30, tzinfo=UTC)
            deliverer = Deliverer([dest], metrics, now=lambda: now)
            await deliverer.deliver(sample_dev, ingested_at=now - timedelta(seconds=12))

    asyncio.run(main())
    labels = {"kind": "new_development"}
    assert registry.get_sample_value("newsmon_ingest_to_alert_seconds_sum", labels) == 12.0
    assert registry.get_sample_value("newsmon_publish_to_alert_seconds_sum", labels) == 30 * 60 + 30
    assert (
        registry.get_sample_value("newsmon_alert_delivery_duration_seconds_count", {"channel": "hook"}) == 1
    )


def test_rate_limit_spaces_out_sends(
    make_dev: Callable[..., Development], receiver: Any, metrics: Metrics
) -> None:
    """A token bucket (burst 1, 5/s) delays the 2nd alert by ~200 ms; with no wait allowed it dead-letters."""

    async def main() -> None:
        async with receiver() as rx, default_client(LOCAL) as client:
            limiter = TokenBucket(rate=5.0, burst=1, now=time.monotonic())
            dest = webhook_destination(WebhookSettings(url=rx.url), client, limiter=limiter, **FAST)
            deliverer = Deliverer([dest], metrics)
            await deliverer.deliver(make_dev(id="a"))
            await deliverer.deliver(make_dev(id="b"))
            assert rx.received[1].at - rx.received[0].at >= 0.15
            strict = Deliverer([dest], metrics, max_rate_wait=0.0)
            (outcome,) = await strict.deliver(make_dev(id="c"))
            assert (outcome.status, outcome.reason, outcome.attempts) == ("dead_letter", "rate_limited", 0)

    asyncio.run(main())


def test_route_accepts_everything_by_default(sample_dev: Development) -> None:
    """An empty Route filters nothing."""
    assert Route().rejects(sample_dev) is None


def test_series_deadline_bounds_total_waiting(sample_dev: Development, metrics: Metrics) -> None:
    """A retry whose wait would pass the series deadline is not made: the alert is dead-lettered instead."""
    clock = [0.0]

    async def sleep(delay: float) -> None:
        clock[0] += delay

    class Busy:
        name = "busy"

        async def send(self, dev: Development) -> DeliveryResult:
            return DeliveryResult(False, True, "http_429", 429, retry_after=40.0)

    dest = Destination(Busy(), retry=RetryPolicy(max_attempts=10, base_delay=0.01, deadline=100.0))
    deliverer = Deliverer([dest], metrics, sleep=sleep, monotonic=lambda: clock[0])
    (outcome,) = asyncio.run(deliverer.deliver(sample_dev))
    assert (outcome.status, outcome.reason, outcome.attempts) == ("dead_letter", "http_429", 3)
    assert clock[0] == 80.0


def test_secrets_never_reach_logs_or_metrics(
    sample_dev: Development, receiver: Any, metrics: Metrics, registry: CollectorRegistry
) -> None:
    """Neither the webhook secret nor a token in the URL path appears in logs, outcomes or metric labels."""
    from prometheus_client import generate_latest
    from structlog.testing import capture_logs

    R = receiver.Reply

    async def main() -> list[Any]:
        async with (
            receiver([R(503), R(200)], secret="SUPERSECRET") as rx,
            default_client(LOCAL) as client,
        ):
            settings = WebhookSettings(url=f"{rx.url}/T0KENPATH", secret="SUPERSECRET")
            dest = webhook_destination(settings, client, **FAST)
            return await Deliverer([dest], metrics).deliver(sample_dev)

    with capture_logs() as logs:
        outcomes = asyncio.run(main())
    assert any(entry["event"] == "alert.retry" for entry in logs)
    exposed = repr(logs) + repr(outcomes) + generate_latest(registry).decode()
    assert "SUPERSECRET" not in exposed and "T0KENPATH" not in exposed


def test_interrupted_backoff_abandons_the_series(
    sample_dev: Development, receiver: Any, metrics: Metrics, count_alerts: Callable[..., float]
) -> None:
    """When ``interrupted()`` turns true during a 30 s backoff (a stopping worker), the series ends
    within one poll interval as ``abandoned``, not delivered and not dead-lettered."""
    R = receiver.Reply
    stopping = asyncio.Event()

    async def main() -> None:
        async with receiver([R(500)] * 5) as rx, default_client(LOCAL) as client:
            dest = webhook_destination(WebhookSettings(url=rx.url), client, base_delay=30.0, max_delay=30.0)
            deliverer = Deliverer([dest], metrics, interrupted=stopping.is_set, poll_interval=0.05)
            task = asyncio.create_task(deliverer.deliver(sample_dev))
            await asyncio.sleep(0.5)
            started = time.monotonic()
            stopping.set()
            (outcome,) = await asyncio.wait_for(task, timeout=5)
            assert time.monotonic() - started < 1.0
        assert (outcome.status, outcome.reason, outcome.attempts) == ("abandoned", "interrupted", 1)
        assert len(rx.received) == 1
        assert count_alerts(outcome="abandoned", reason="interrupted") == 1
        assert count_alerts(outcome="dead_lettered") == 0

    asyncio.run(main())


def test_interrupted_rate_limit_wait_abandons(sample_dev: Development, metrics: Metrics) -> None:
    """A series waiting for a rate-limit token is abandoned, with no attempt, once interrupted."""

    class Counting:
        name = "counting"
        sent = 0

        async def send(self, dev: Development) -> DeliveryResult:
            Counting.sent += 1
            return DeliveryResult(True, False, "ok", 200)

    limiter = TokenBucket(rate=0.01, burst=1, now=time.monotonic())
    assert limiter.try_acquire(time.monotonic())  # the bucket is empty: the next token is 100 s away
    dest = Destination(Counting(), limiter=limiter)
    calls = iter([False, False, True])
    deliverer = Deliverer(
        [dest], metrics, sleep=Sleeps(), interrupted=lambda: next(calls, True), max_rate_wait=1000.0
    )
    (outcome,) = asyncio.run(deliverer.deliver(sample_dev))
    assert (outcome.status, outcome.attempts, Counting.sent) == ("abandoned", 0, 0)


def test_a_receiver_outside_the_egress_policy_is_refused_once_and_dead_lettered(
    sample_dev: Development, receiver: Any, metrics: Metrics, count_alerts: Callable[..., float]
) -> None:
    """A webhook on an address the egress policy does not allow (here: loopback, under the default
    policy) is not contacted: one refused attempt, no retry (it would be refused again), a dead letter
    whose reason ``refused`` is also the metric label."""

    async def main() -> None:
        async with receiver() as rx, default_client(EgressPolicy(allowed_ports=None)) as client:
            dest = webhook_destination(WebhookSettings(url=rx.url, max_attempts=5), client, **FAST)
            (outcome,) = await Deliverer([dest], metrics).deliver(sample_dev)
            assert (outcome.status, outcome.reason, outcome.attempts) == ("dead_letter", "refused", 1)
            assert rx.received == []
            assert count_alerts(channel=dest.name, outcome="dead_lettered", reason="refused") == 1

    asyncio.run(main())
