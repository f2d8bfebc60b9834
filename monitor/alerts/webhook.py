"""Generic JSON webhook channel: payload v1, signed with HMAC-SHA256.

Headers on every request:

* ``Content-Type: application/json``
* ``User-Agent: Newsmon/<version> (alert webhook)``
* ``X-Newsmon-Event``: the development kind
* ``X-Newsmon-Delivery``: a UUID derived from the development id and the
  destination URL (the same for every retry, and for replays, of one alert to
  one destination)
* ``X-Newsmon-Timestamp``: unix seconds of this attempt
* ``X-Newsmon-Signature: sha256=<hex>`` when a secret is configured
  (see :mod:`monitor.alerts.signing`)
* ``Idempotency-Key``: the development id

Redirects are never followed (the body and signature are for this URL only).
Neither the secret nor the URL (which may embed a token) is logged; the
channel ``name`` shows only the host and a short hash of the URL.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from monitor import __version__
from monitor.alerts.base import DeliveryResult
from monitor.alerts.http_result import classify_exception, classify_status
from monitor.alerts.payload import encode, to_payload
from monitor.alerts.signing import sign
from monitor.egress import EgressPolicy, EgressRefused, guarded_client
from monitor.models import Development
from monitor.settings import WebhookSettings

USER_AGENT = f"Newsmon/{__version__} (alert webhook)"
_DELIVERY_NS = uuid.UUID("6f1c3a52-4b1e-5d7a-9c2e-0a8b7e1d4f60")


def destination_name(url: str, prefix: str = "webhook") -> str:
    """A log- and metric-safe name for a URL: ``<prefix>:<host>#<8 hex of sha256(url)>``."""
    host = urlsplit(url).hostname or "unknown"
    return f"{prefix}:{host}#{hashlib.sha256(url.encode('utf-8')).hexdigest()[:8]}"


def delivery_id(dev_id: str, destination: str) -> str:
    """The ``X-Newsmon-Delivery`` id: stable for one development and one destination."""
    return str(uuid.uuid5(_DELIVERY_NS, f"{dev_id}\x1f{destination}"))


def default_client(policy: EgressPolicy, timeout: float = 10.0) -> httpx.AsyncClient:
    """An HTTP client suitable for alert channels: TLS verified, no redirects, Newsmon User-Agent,
    connecting only where ``policy`` allows."""
    return guarded_client(policy, timeout=httpx.Timeout(timeout), headers={"User-Agent": USER_AGENT})


async def post_json(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str], timeout: float
) -> DeliveryResult:
    """POST ``body`` and classify the response or failure (shared by the HTTP channels)."""
    try:
        response = await client.post(
            url, content=body, headers=headers, timeout=timeout, follow_redirects=False
        )
    except httpx.HTTPError as exc:
        return classify_exception(exc)
    except EgressRefused:  # the receiver's address is not allowed: a retry would be refused again
        return DeliveryResult(False, False, "refused")
    return classify_status(response.status_code, response.headers)


class WebhookChannel:
    """POSTs payload v1 to one webhook URL; one attempt per :meth:`send`."""

    def __init__(
        self,
        settings: WebhookSettings,
        client: httpx.AsyncClient,
        *,
        name: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.name = name or destination_name(settings.url)
        self._client = client
        self._clock = clock

    def __repr__(self) -> str:
        return f"WebhookChannel(name={self.name!r})"

    def build_request(self, dev: Development) -> tuple[bytes, dict[str, str]]:
        """The body and headers of one attempt (exposed for tests and dry runs)."""
        body = encode(to_payload(dev))
        timestamp = int(self._clock())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Newsmon-Event": dev.kind,
            "X-Newsmon-Delivery": delivery_id(dev.id, self.settings.url),
            "X-Newsmon-Timestamp": str(timestamp),
            "Idempotency-Key": dev.id,
        }
        if self.settings.secret is not None:
            headers["X-Newsmon-Signature"] = sign(self.settings.secret.get_secret_value(), timestamp, body)
        return body, headers

    async def send(self, dev: Development) -> DeliveryResult:
        """Make one signed POST."""
        body, headers = self.build_request(dev)
        return await post_json(self._client, self.settings.url, body, headers, self.settings.timeout)
