"""CircuitBreaker and TokenBucket state machines (pure, clock injected)."""

from __future__ import annotations

import pytest

from monitor.alerts.breaker import CircuitBreaker
from monitor.alerts.ratelimit import TokenBucket


def test_breaker_opens_after_threshold_consecutive_failures() -> None:
    """Failures open the breaker only when consecutive; a success resets the count."""
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=3, cooldown=10, clock=lambda: now[0])
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "closed" and breaker.allow()
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allow()


def test_half_open_allows_one_probe() -> None:
    """After the cooldown exactly one probe is allowed; failure re-opens, success closes."""
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=1, cooldown=10, clock=lambda: now[0])
    breaker.record_failure()
    now[0] = 9.9
    assert not breaker.allow()
    now[0] = 10.0
    assert breaker.state == "half_open"
    assert breaker.allow() and not breaker.allow()  # one probe only
    breaker.record_failure()
    assert breaker.state == "open"
    now[0] = 20.0
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allow() and breaker.allow()


def test_breaker_validates_arguments() -> None:
    """Nonsense thresholds are rejected."""
    with pytest.raises(ValueError):
        CircuitBreaker(failure_threshold=0)
    with pytest.raises(ValueError):
        CircuitBreaker(cooldown=-1)


def test_token_bucket_burst_then_rate() -> None:
    """A bucket allows ``burst`` at once, then refills at ``rate`` per second, never above burst."""
    bucket = TokenBucket(rate=2.0, burst=3, now=0.0)
    assert [bucket.try_acquire(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.wait_time(0.0) == pytest.approx(0.5)
    assert not bucket.try_acquire(0.25)
    assert bucket.try_acquire(0.5)
    assert bucket.tokens(100.0) == 3.0
    assert bucket.wait_time(100.0) == 0.0


def test_token_bucket_ignores_clock_going_backwards() -> None:
    """A clock that steps back never creates tokens."""
    bucket = TokenBucket(rate=1.0, burst=1, now=10.0)
    assert bucket.try_acquire(10.0)
    assert not bucket.try_acquire(5.0)
    assert bucket.tokens(5.0) == 0.0
    with pytest.raises(ValueError):
        TokenBucket(rate=0)
