"""Slack incoming-webhook channel: a Block Kit message per alert.

Slack answers ``200 ok`` on success; ``400 invalid_payload``, ``403``,
``404 no_service``/``channel_not_found`` and ``410 channel_is_archived`` are
final (``http_4xx``); ``429`` (with ``Retry-After``) and ``5xx`` are retried.
The webhook URL is itself the secret: only its host and a hash appear in the
channel name.
"""

from __future__ import annotations

from typing import Any

import httpx

from monitor.alerts.base import DeliveryResult
from monitor.alerts.payload import encode
from monitor.alerts.webhook import USER_AGENT, destination_name, post_json
from monitor.models import Development

_KIND_TITLE = {
    "new_event": ":new: New event",
    "new_development": ":arrows_counterclockwise: New development",
    "conflict": ":warning: Conflicting report",
}
_HEADER_MAX = 150
_TEXT_MAX = 3000
_MAX_EVIDENCE = 5
_MAX_ARTICLES = 8


def escape(text: str) -> str:
    """Escape the three characters Slack mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link(url: str, label: str) -> str:
    if not url.startswith(("http://", "https://")):
        return escape(label)
    label = label.replace("|", "¦")
    return f"<{escape(url)}|{escape(label)}>"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_slack_message(dev: Development) -> dict[str, Any]:
    """The incoming-webhook JSON: a plain ``text`` fallback (notifications) plus Block Kit ``blocks``."""
    title = _KIND_TITLE.get(dev.kind, dev.kind)
    when = dev.event_date.isoformat() if dev.event_date is not None else "date unknown"
    sources = {ref.id: ref for ref in dev.articles}
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _cut(f"{title}: {dev.storyline_title}", _HEADER_MAX)},
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": _cut(f"*{escape(dev.event_title)}* ({when})\n{escape(dev.summary)}", _TEXT_MAX),
            },
        },
    ]
    quotes = []
    for ev in dev.evidence[:_MAX_EVIDENCE]:
        ref = sources.get(ev.article_id)
        origin = (
            _link(ref.url, ref.source or ref.title or ref.id) if ref is not None else escape(ev.article_id)
        )
        claim = f" _({escape(ev.claim)})_" if ev.claim else ""
        quotes.append(f"> {escape(ev.quote)}\n— {origin}{claim}")
    if quotes:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut("\n".join(quotes), _TEXT_MAX)}}
        )
    links = [
        f"• {_link(ref.url, ref.title or ref.id)}" + (f" — {escape(ref.source)}" if ref.source else "")
        for ref in dev.articles[:_MAX_ARTICLES]
    ]
    if links:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut("\n".join(links), _TEXT_MAX)}}
        )
    footer = f"{escape(dev.storyline_id)} · confidence {dev.confidence:.2f} · {escape(dev.id)}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]})
    fallback = f"{title.split(' ', 1)[1]} in {dev.storyline_title}: {dev.event_title} — {dev.summary}"
    return {"text": _cut(escape(fallback), _TEXT_MAX), "blocks": blocks}


class SlackChannel:
    """Posts alerts to one Slack incoming webhook."""

    def __init__(
        self, url: str, client: httpx.AsyncClient, *, timeout: float = 10.0, name: str | None = None
    ) -> None:
        if not url.startswith("https://") and not url.startswith("http://"):
            raise ValueError("a Slack webhook URL must be http(s)")
        self._url = url
        self._client = client
        self._timeout = timeout
        self.name = name or destination_name(url, prefix="slack")

    def __repr__(self) -> str:
        return f"SlackChannel(name={self.name!r})"

    async def send(self, dev: Development) -> DeliveryResult:
        """Make one POST of the Block Kit message."""
        body = encode(to_slack_message(dev))
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
        return await post_json(self._client, self._url, body, headers, self._timeout)
