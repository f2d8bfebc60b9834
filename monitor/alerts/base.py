"""The channel interface every alert destination implements.

A channel makes exactly one delivery attempt per :meth:`Channel.send` call and
reports how it went as a :class:`DeliveryResult`; retrying, backoff and the
circuit breaker live in :mod:`monitor.alerts.delivery`. Expected failures are
results, never exceptions.

``reason`` is a short token from a fixed set, used as a metric label:

=================  ==========  =============================================
reason             retryable   meaning
=================  ==========  =============================================
``ok``             -           delivered
``http_5xx`` code  yes         e.g. ``http_500``, ``http_503`` (exact code)
``http_429``       yes         rate limited by the receiver
``http_408``       yes         receiver timed out reading the request
``http_4xx``       no          any other 4xx (bad request, auth, not found)
``http_3xx``       no          redirect (never followed: the body is signed)
``timeout``        yes         connect/read/write/pool timeout
``connect_error``  yes         connection refused, DNS failure, reset
``transport_error`` yes        other transport failure (protocol error)
``tls_error``      no          certificate verification failed
``io_error``       no          a local stream could not be written
``channel_error``  no          the channel raised unexpectedly
=================  ==========  =============================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from monitor.models import Development


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one delivery attempt."""

    ok: bool
    retryable: bool
    reason: str
    status: int | None = None
    retry_after: float | None = None


OK = DeliveryResult(ok=True, retryable=False, reason="ok")


class Channel(Protocol):
    """An alert destination. ``name`` is unique per destination and safe to log (no secrets)."""

    name: str

    async def send(self, dev: Development) -> DeliveryResult:
        """Make one delivery attempt."""
        ...
