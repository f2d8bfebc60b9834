"""Console channel: a readable, multi-line alert for a person at a terminal or in a log file."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markup import escape

from monitor.alerts.base import OK, DeliveryResult
from monitor.models import Development

_KIND_LABEL = {
    "new_event": ("NEW EVENT", "bold green"),
    "new_development": ("NEW DEVELOPMENT", "bold cyan"),
    "conflict": ("CONFLICT", "bold red"),
}


def render_lines(dev: Development) -> list[str]:
    """The alert as rich-markup lines (escaped user text)."""
    label, style = _KIND_LABEL.get(dev.kind, (dev.kind.upper(), "bold"))
    when = dev.event_date.isoformat() if dev.event_date is not None else "date unknown"
    lines = [
        f"[{style}]{label}[/] [bold]{escape(dev.storyline_title)}[/] [dim]({escape(dev.storyline_id)})[/]",
        f"  Event: {escape(dev.event_title)} [dim]({when})[/]",
        f"  {escape(dev.summary)}",
    ]
    sources = {ref.id: ref for ref in dev.articles}
    if dev.evidence:
        lines.append("  Evidence:")
        for ev in dev.evidence:
            ref = sources.get(ev.article_id)
            origin = (ref.source or ref.url or ref.id) if ref is not None else ev.article_id
            claim = f" [dim]→ {escape(ev.claim)}[/]" if ev.claim else ""
            lines.append(f'    "{escape(ev.quote)}" [dim]— {escape(origin)}[/]{claim}')
    if dev.articles:
        lines.append("  Articles:")
        for ref in dev.articles:
            published = f" ({ref.published:%Y-%m-%d %H:%M})" if ref.published is not None else ""
            lines.append(f"    - {escape(ref.title or ref.id)} [dim][{escape(ref.source)}]{published}[/]")
            if ref.url:
                lines.append(f"      {escape(ref.url)}")
    lines.append(f"  [dim]confidence {dev.confidence:.2f} · id {escape(dev.id)}[/]")
    return lines


class ConsoleChannel:
    """Prints each alert to ``stream`` (colour only when the stream is a terminal)."""

    def __init__(self, stream: TextIO, *, name: str = "console", width: int = 100) -> None:
        self.name = name
        self._console = Console(file=stream, width=width, highlight=False, soft_wrap=True)

    async def send(self, dev: Development) -> DeliveryResult:
        """Write the alert; a failing stream is a non-retryable ``io_error``."""
        try:
            for line in render_lines(dev):
                self._console.print(line)
            self._console.print()
            self._console.file.flush()
        except (OSError, ValueError):
            return DeliveryResult(ok=False, retryable=False, reason="io_error")
        return OK
