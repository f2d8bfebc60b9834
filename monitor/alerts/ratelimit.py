"""A token bucket per destination: ``rate`` tokens per second, at most ``burst`` saved up.

Pure and clock-injected: every method takes ``now`` (seconds on any monotonic clock).
"""

from __future__ import annotations


class TokenBucket:
    """Allows bursts of ``burst`` sends, then ``rate`` sends per second."""

    def __init__(self, rate: float, burst: int = 1, *, now: float = 0.0) -> None:
        if rate <= 0:
            raise ValueError("rate must be > 0")
        if burst < 1:
            raise ValueError("burst must be >= 1")
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._updated = now

    def _refill(self, now: float) -> None:
        if now > self._updated:
            self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self.rate)
            self._updated = now

    def tokens(self, now: float) -> float:
        """Tokens available at ``now``."""
        self._refill(now)
        return self._tokens

    def try_acquire(self, now: float, cost: float = 1.0) -> bool:
        """Take ``cost`` tokens if available; False (taking nothing) otherwise."""
        self._refill(now)
        if self._tokens >= cost:
            self._tokens -= cost
            return True
        return False

    def wait_time(self, now: float, cost: float = 1.0) -> float:
        """Seconds from ``now`` until ``cost`` tokens will be available (0 when they already are)."""
        self._refill(now)
        missing = cost - self._tokens
        return 0.0 if missing <= 0 else missing / self.rate
