"""Apprise channel: e-mail, Teams, Discord, Telegram, ntfy, ... through one Apprise URL.

One channel per Apprise URL, so that retries, the circuit breaker and dead
letters stay per destination. Apprise only reports success or failure, so
every failure is treated as retryable (``apprise_error``; ``timeout`` when
Apprise gave up waiting). Apprise URLs carry credentials: only the scheme and
a hash appear in the channel name.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import apprise

from monitor.alerts.base import OK, DeliveryResult
from monitor.errors import DeliveryError
from monitor.models import Development

_KIND_LABEL = {"new_event": "New event", "new_development": "New development", "conflict": "Conflict"}


_MARKDOWN = re.compile(r"([\\`*_\[\]<>|#!])")


def md(text: str) -> str:
    """Feed text as literal Markdown: its emphasis, link, HTML and heading characters are escaped."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def _web_url(url: str) -> str | None:
    """A link target only for http(s) URLs, with the characters that would end a Markdown link encoded."""
    if not url.lower().startswith(("http://", "https://")):
        return None
    for char, code in ((" ", "%20"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def format_markdown(dev: Development) -> tuple[str, str]:
    """The (title, Markdown body) of an alert for chat and e-mail services; feed text is escaped."""
    label = _KIND_LABEL.get(dev.kind, dev.kind)
    title = f"[Newsmon] {label}: {dev.storyline_title} — {dev.event_title}"
    when = dev.event_date.isoformat() if dev.event_date is not None else "date unknown"
    sources = {ref.id: ref for ref in dev.articles}
    lines = [f"**{md(dev.event_title)}** ({when})", "", md(dev.summary)]
    if dev.evidence:
        lines.append("")
        for ev in dev.evidence:
            ref = sources.get(ev.article_id)
            origin = (ref.source or ref.id) if ref is not None else ev.article_id
            lines.append(f"> {md(ev.quote)}\n> — {md(origin)}" + (f" ({md(ev.claim)})" if ev.claim else ""))
            lines.append("")
    if dev.articles:
        lines.append("Articles:")
        for ref in dev.articles:
            target = _web_url(ref.url)
            name = md(ref.title or ref.id)
            lines.append(f"- [{name}]({target})" if target else f"- {name}")
    lines += ["", f"_{md(dev.storyline_id)} · confidence {dev.confidence:.2f} · {md(dev.id)}_"]
    return title, "\n".join(lines)


class AppriseChannel:
    """Sends alerts to one Apprise URL (e.g. ``mailtos://...``, ``discord://...``, ``json://host/path``)."""

    def __init__(self, url: str, *, name: str | None = None, timeout: float = 30.0) -> None:
        self._apprise: Any = apprise.Apprise()
        if not self._apprise.add(url):
            raise DeliveryError(f"not a usable Apprise URL (scheme {url.split('://', 1)[0]!r})")
        scheme = url.split("://", 1)[0]
        self.name = name or f"apprise:{scheme}#{hashlib.sha256(url.encode('utf-8')).hexdigest()[:8]}"
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"AppriseChannel(name={self.name!r})"

    async def send(self, dev: Development) -> DeliveryResult:
        """Make one notification through Apprise."""
        title, body = format_markdown(dev)
        notify_type = apprise.NotifyType.WARNING if dev.kind == "conflict" else apprise.NotifyType.INFO
        result = await self._apprise.async_notify(
            body=body,
            title=title,
            notify_type=notify_type,
            body_format=apprise.NotifyFormat.MARKDOWN,
            timeout=self._timeout,
        )
        try:
            if result:
                return OK
            status = getattr(getattr(result, "status", None), "name", "FAILURE")
            if status == "TIMEOUT":
                return DeliveryResult(ok=False, retryable=True, reason="timeout")
            if status == "NOMATCH":
                return DeliveryResult(ok=False, retryable=False, reason="apprise_nomatch")
            return DeliveryResult(ok=False, retryable=True, reason="apprise_error")
        finally:
            close = getattr(result, "close", None)
            if callable(close):
                close()
