"""Turning an HTTP response or transport exception into a :class:`DeliveryResult`."""

from __future__ import annotations

import ssl
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

import httpx

from monitor.alerts.base import DeliveryResult

_RETRYABLE_4XX = frozenset({408, 425, 429})


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date); None if absent/invalid."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(int(value)))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def classify_status(status: int, headers: Mapping[str, str] | None = None) -> DeliveryResult:
    """The result of an HTTP response status: 2xx ok; 5xx/408/425/429 retryable; other 3xx/4xx not."""
    retry_after = parse_retry_after((headers or {}).get("retry-after"))
    if 200 <= status < 300:
        return DeliveryResult(ok=True, retryable=False, reason="ok", status=status)
    if status >= 500:
        reason = f"http_{status}" if status < 600 else "http_5xx"
        return DeliveryResult(False, True, reason, status, retry_after)
    if status in _RETRYABLE_4XX:
        return DeliveryResult(False, True, f"http_{status}", status, retry_after)
    if 400 <= status < 500:
        return DeliveryResult(False, False, "http_4xx", status)
    return DeliveryResult(False, False, "http_3xx" if 300 <= status < 400 else "http_other", status)


def _caused_by_cert_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        current = current.__cause__ or current.__context__
    return False


def classify_exception(exc: httpx.HTTPError) -> DeliveryResult:
    """The result of an httpx exception raised while sending."""
    if isinstance(exc, httpx.TimeoutException):
        return DeliveryResult(False, True, "timeout")
    if _caused_by_cert_failure(exc):
        return DeliveryResult(False, False, "tls_error")
    if isinstance(exc, httpx.ConnectError):
        return DeliveryResult(False, True, "connect_error")
    if isinstance(exc, httpx.TransportError):
        return DeliveryResult(False, True, "transport_error")
    return DeliveryResult(False, False, "channel_error")
