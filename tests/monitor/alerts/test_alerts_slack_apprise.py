"""Slack incoming-webhook formatting and the Apprise channel, against real local receivers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import pytest

from monitor.alerts.apprise_channel import AppriseChannel, format_markdown
from monitor.alerts.delivery import Deliverer, Destination, RetryPolicy
from monitor.alerts.slack import SlackChannel, escape, to_slack_message
from monitor.alerts.webhook import default_client
from monitor.egress import EgressPolicy
from monitor.errors import DeliveryError
from monitor.metrics import Metrics
from monitor.models import Development

LOCAL = EgressPolicy.loopback_too()  # the receivers run on loopback

pytestmark = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")


def test_slack_message_shape_and_escaping(sample_dev: Development) -> None:
    """The Slack message has a fallback text and header/section/context blocks with &, <, > escaped."""
    message = to_slack_message(sample_dev)
    assert "Japan–South Korea summits" in message["text"]
    kinds = [block["type"] for block in message["blocks"]]
    assert kinds[0] == "header" and kinds[-1] == "context" and kinds.count("section") == 3
    header = message["blocks"][0]["text"]
    assert header["type"] == "plain_text" and "New development" in header["text"]
    evidence = message["blocks"][2]["text"]["text"]
    assert "&lt;sic&gt; &amp; more" in evidence
    assert "<https://news.example.org/2026/11/22/summit-tokyo|Example News>" in evidence
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_slack_message_respects_limits(make_dev: Callable[..., Development]) -> None:
    """Header text stays within 150 characters and section text within 3000."""
    dev = make_dev(storyline_title="S" * 400, summary="x" * 5000)
    message = to_slack_message(dev)
    assert len(message["blocks"][0]["text"]["text"]) <= 150
    assert all(len(b["text"]["text"]) <= 3000 for b in message["blocks"] if b["type"] == "section")
    assert len(message["text"]) <= 3000


def test_slack_channel_posts_block_kit(sample_dev: Development, receiver: Any) -> None:
    """SlackChannel POSTs the message as JSON; Slack's 404 no_service is final, 429 retryable."""
    R = receiver.Reply

    async def main() -> None:
        script = [R(200), R(404, body="no_service"), R(429, {"Retry-After": "3"}, body="rate_limited")]
        async with (
            receiver(script, schema=False) as rx,
            default_client(LOCAL) as client,
        ):
            channel = SlackChannel(rx.url, client)
            results = [await channel.send(sample_dev) for _ in range(3)]
        assert [(r.ok, r.retryable, r.reason) for r in results] == [
            (True, False, "ok"),
            (False, False, "http_4xx"),
            (False, True, "http_429"),
        ]
        assert results[2].retry_after == 3.0
        assert rx.received[0].json() == to_slack_message(sample_dev)
        assert channel.name.startswith("slack:127.0.0.1#") and "/hook" not in channel.name

    asyncio.run(main())


def test_apprise_markdown_names_everything(sample_dev: Development) -> None:
    """The Apprise title/body name kind, storyline, event, date, summary, quotes and sources."""
    title, body = format_markdown(sample_dev)
    assert title.startswith("[Newsmon] New development: Japan–South Korea summits")
    assert "2026-12-14" in body and "The summit moved" in body
    assert "— Example News" in body and "(https://news.example.org/2026/11/22/summit-tokyo)" in body


def test_apprise_json_to_local_receiver(sample_dev: Development, receiver: Any, metrics: Metrics) -> None:
    """An Apprise json:// URL delivers title and message to a local HTTP endpoint."""

    async def main() -> None:
        async with receiver(schema=False) as rx:
            channel = AppriseChannel(f"json://127.0.0.1:{rx.port}/hook")
            (outcome,) = await Deliverer([Destination(channel)], metrics).deliver(sample_dev)
        assert outcome.status == "delivered"
        (got,) = rx.received
        body = got.json()
        assert body["title"].startswith("[Newsmon] New development")
        assert "The summit moved from Seoul to Tokyo" in body["message"]
        assert channel.name.startswith("apprise:json#")

    asyncio.run(main())


def test_apprise_failure_is_retried_then_dead_lettered(
    sample_dev: Development, receiver: Any, metrics: Metrics
) -> None:
    """A failing Apprise endpoint yields retryable apprise_error attempts and finally a dead letter."""
    R = receiver.Reply

    async def main() -> None:
        async with receiver(default=R(500), schema=False) as rx:
            dest = Destination(
                AppriseChannel(f"json://127.0.0.1:{rx.port}/hook", name="ap"),
                retry=RetryPolicy(max_attempts=2, base_delay=0.01),
            )
            (outcome,) = await Deliverer([dest], metrics).deliver(sample_dev)
        assert (outcome.status, outcome.reason, outcome.attempts) == ("dead_letter", "apprise_error", 2)
        assert len(rx.received) == 2  # Apprise itself does not retry

    asyncio.run(main())


def test_apprise_rejects_unknown_urls() -> None:
    """An unusable Apprise URL is a DeliveryError at construction, without echoing the URL."""
    with pytest.raises(DeliveryError) as info:
        AppriseChannel("nosuchscheme://user:pw@host")
    assert "pw" not in str(info.value)


def test_slack_format_destination(sample_dev: Development, receiver: Any, metrics: Metrics) -> None:
    """webhook_destination(fmt="slack") posts Slack messages with the webhook's retry settings."""
    from monitor.alerts.delivery import webhook_destination
    from monitor.settings import WebhookSettings

    R = receiver.Reply

    async def main() -> None:
        async with (
            receiver([R(500), R(200)], schema=False) as rx,
            default_client(LOCAL) as client,
        ):
            dest = webhook_destination(WebhookSettings(url=rx.url), client, fmt="slack", base_delay=0.01)
            (outcome,) = await Deliverer([dest], metrics).deliver(sample_dev)
        assert (outcome.status, outcome.attempts) == ("delivered", 2)
        assert "blocks" in rx.received[1].json() and dest.name.startswith("slack:")

    asyncio.run(main())


def test_apprise_markdown_escapes_feed_text_and_drops_non_web_links(
    make_dev: Callable[..., Development],
) -> None:
    """A hostile title or quote cannot add links, images or HTML; a javascript: article URL is not linked."""
    dev = make_dev()
    title = "[click](http://evil.example) <b>x</b>"
    ref = dev.articles[0].model_copy(update={"url": "javascript:alert(1)", "title": title})
    event = "Summit *now* ![img](http://evil.example/p.png)"
    hostile = dev.model_copy(update={"articles": (ref,), "event_title": event})
    _, body = format_markdown(hostile)
    assert "javascript:" not in body
    assert re.search(r"(?<!\\)\]\(http://evil", body) is None and "<b>" not in body
    assert r"\[click\]" in body and r"\*now\*" in body
