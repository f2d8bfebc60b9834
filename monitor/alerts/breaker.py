"""A per-destination circuit breaker (closed → open → half-open), clock injected.

* closed: every attempt is allowed; ``failure_threshold`` consecutive failures open it.
* open: nothing is allowed until ``cooldown`` seconds have passed, then half-open.
* half-open: exactly one probe attempt is allowed; its success closes the
  breaker, its failure opens it again for another ``cooldown``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Counts consecutive failed attempts to one destination."""

    def __init__(
        self,
        failure_threshold: int = 5,
        cooldown: float = 60.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be >= 1")
        if cooldown < 0:
            raise ValueError("cooldown must be >= 0")
        self.failure_threshold = failure_threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        """The current state (open turns into half-open once the cooldown has passed)."""
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.cooldown:
            return "half_open"
        return "open"

    @property
    def consecutive_failures(self) -> int:
        """Failed attempts since the last success."""
        return self._failures

    def allow(self) -> bool:
        """May an attempt be made now? In half-open this claims the single probe."""
        state = self.state
        if state == "closed":
            return True
        if state == "open" or self._probe_in_flight:
            return False
        self._probe_in_flight = True
        return True

    def record_success(self) -> None:
        """An attempt succeeded (or the destination answered): close."""
        self._failures = 0
        self._opened_at = None
        self._probe_in_flight = False

    def record_failure(self) -> None:
        """An attempt failed: open after the threshold, or re-open after a failed probe."""
        self._failures += 1
        if self._probe_in_flight or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
        self._probe_in_flight = False
