"""Ingestion errors: every failure carries a short, fixed ``reason`` code.

The reason is what logs (``reason=...``) and the ``newsmon_feed_fetches_total``
metric's ``reason`` label show, so it comes from a small fixed set.
"""

from __future__ import annotations

from monitor.errors import IngestError

REASONS = frozenset(
    {
        "http_status",
        "rate_limited",
        "timeout",
        "connection",
        "refused",
        "too_large",
        "redirect_loop",
        "too_many_redirects",
        "bad_redirect",
        "not_a_feed",
        "invalid_json",
        "empty_response",
        "read_error",
        "not_found",
        "unexpected",
    }
)


class FeedError(IngestError):
    """A feed could not be fetched or parsed; ``reason`` is a fixed code."""

    def __init__(self, reason: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason if reason in REASONS else "unexpected"
        self.retry_after = retry_after


class FinalSinkError(IngestError):
    """The sink refused an article for good (a record too large for the broker): retrying cannot help.

    The poller counts it as rejected with ``reason`` and goes on with the feed's later articles.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
