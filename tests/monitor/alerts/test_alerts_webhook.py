"""WebhookChannel against a real local HTTP receiver."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx

from monitor.alerts.webhook import USER_AGENT, WebhookChannel, default_client, delivery_id, destination_name
from monitor.egress import EgressPolicy
from monitor.models import Development
from monitor.settings import WebhookSettings

LOCAL = EgressPolicy.loopback_too()  # the receivers run on loopback


def test_signed_post_is_verified_by_receiver(sample_dev: Development, receiver: Any) -> None:
    """A webhook with a secret sends every documented header and a signature the receiver verifies."""

    async def main() -> None:
        async with receiver(secret="hunter2") as rx, default_client(LOCAL) as client:
            channel = WebhookChannel(WebhookSettings(url=rx.url, secret="hunter2"), client)
            result = await channel.send(sample_dev)
            assert result.ok and result.reason == "ok" and result.status == 200
            (got,) = rx.received
            assert got.signature_valid is True
            assert got.path == "/hook"
            assert got.headers["Content-Type"] == "application/json"
            assert got.headers["X-Newsmon-Event"] == "new_development"
            assert got.headers["Idempotency-Key"] == sample_dev.id
            assert got.headers["User-Agent"] == USER_AGENT and "Newsmon" in USER_AGENT
            assert uuid.UUID(got.headers["X-Newsmon-Delivery"])
            assert got.headers["X-Newsmon-Signature"].startswith("sha256=")
            assert got.json()["id"] == sample_dev.id

    asyncio.run(main())


def test_wrong_secret_fails_verification(sample_dev: Development, receiver: Any) -> None:
    """A receiver holding a different secret rejects the signature."""

    async def main() -> None:
        async with receiver(secret="expected") as rx, default_client(LOCAL) as client:
            await WebhookChannel(WebhookSettings(url=rx.url, secret="other"), client).send(sample_dev)
            assert rx.received[0].signature_valid is False

    asyncio.run(main())


def test_no_secret_means_no_signature(sample_dev: Development, receiver: Any) -> None:
    """Without a secret no signature header is sent (the rest still is)."""

    async def main() -> None:
        async with receiver() as rx, default_client(LOCAL) as client:
            await WebhookChannel(WebhookSettings(url=rx.url), client).send(sample_dev)
            headers = rx.received[0].headers
            assert "X-Newsmon-Signature" not in headers
            assert headers["X-Newsmon-Timestamp"].isdigit()

    asyncio.run(main())


def test_delivery_id_is_stable_per_destination_and_development() -> None:
    """X-Newsmon-Delivery is the same across retries of one alert to one destination, distinct otherwise."""
    assert delivery_id("dev-1", "https://a/x") == delivery_id("dev-1", "https://a/x")
    assert delivery_id("dev-1", "https://a/x") != delivery_id("dev-1", "https://b/x")
    assert delivery_id("dev-1", "https://a/x") != delivery_id("dev-2", "https://a/x")


def test_timestamp_and_signature_come_from_the_clock(sample_dev: Development) -> None:
    """The timestamp header is the injected clock's unix seconds, and the signature covers it."""
    from monitor.alerts.signing import verify

    channel = WebhookChannel(
        WebhookSettings(url="https://example.invalid/h", secret="k"),
        httpx.AsyncClient(),
        clock=lambda: 1700000000.9,
    )
    body, headers = channel.build_request(sample_dev)
    assert headers["X-Newsmon-Timestamp"] == "1700000000"
    assert verify("k", 1700000000, body, headers["X-Newsmon-Signature"], now=1700000000)


def test_name_and_repr_hide_url_path_and_secret() -> None:
    """The channel name shows only the host and a hash: tokens in the URL and the secret never leak."""
    url = "https://hooks.example.com/services/T000/B000/XXXXSECRETTOKEN"
    channel = WebhookChannel(WebhookSettings(url=url, secret="topsecret"), httpx.AsyncClient())
    assert channel.name == destination_name(url)
    assert channel.name.startswith("webhook:hooks.example.com#")
    for text in (channel.name, repr(channel)):
        assert "SECRETTOKEN" not in text and "topsecret" not in text


def test_status_and_failures_are_classified(sample_dev: Development, receiver: Any) -> None:
    """5xx/429 are retryable with Retry-After parsed, 4xx and 3xx are not, refused connections retryable."""
    Reply = receiver.Reply

    async def main() -> None:
        script = [
            Reply(503, {"Retry-After": "7"}),
            Reply(429),
            Reply(404),
            Reply(302, {"Location": "http://127.0.0.1:1/"}),
            Reply(202),
        ]
        async with receiver(script) as rx, default_client(LOCAL) as client:
            channel = WebhookChannel(WebhookSettings(url=rx.url), client)
            results = [await channel.send(sample_dev) for _ in script]
        got = [(r.ok, r.retryable, r.reason, r.status, r.retry_after) for r in results]
        assert got == [
            (False, True, "http_503", 503, 7.0),
            (False, True, "http_429", 429, None),
            (False, False, "http_4xx", 404, None),
            (False, False, "http_3xx", 302, None),
            (True, False, "ok", 202, None),
        ]
        async with default_client(LOCAL) as client:
            refused = await WebhookChannel(WebhookSettings(url=rx.url), client).send(sample_dev)
        assert (refused.ok, refused.retryable, refused.reason) == (False, True, "connect_error")

    asyncio.run(main())


def test_timeout_is_retryable(sample_dev: Development, receiver: Any) -> None:
    """A receiver slower than the configured timeout yields a retryable ``timeout``."""
    Reply = receiver.Reply

    async def main() -> None:
        async with receiver([Reply(delay=1.0)]) as rx, default_client(LOCAL) as client:
            result = await WebhookChannel(WebhookSettings(url=rx.url, timeout=0.1), client).send(sample_dev)
        assert (result.ok, result.retryable, result.reason) == (False, True, "timeout")

    asyncio.run(main())


def test_tls_is_verified_by_default(
    sample_dev: Development, receiver: Any, self_signed: tuple[Any, Any]
) -> None:
    """An HTTPS receiver with an untrusted certificate is refused (final tls_error); trusting it works."""
    import ssl

    cert, key = self_signed
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)

    async def main() -> None:
        async with receiver(ssl_context=server_ctx) as rx:
            async with default_client(LOCAL) as client:
                refused = await WebhookChannel(WebhookSettings(url=rx.url), client).send(sample_dev)
            assert (refused.ok, refused.retryable, refused.reason) == (False, False, "tls_error")
            assert rx.received == []
            trusting = ssl.create_default_context(cafile=str(cert))
            async with httpx.AsyncClient(verify=trusting) as client:
                accepted = await WebhookChannel(WebhookSettings(url=rx.url), client).send(sample_dev)
            assert accepted.ok and len(rx.received) == 1

    asyncio.run(main())
