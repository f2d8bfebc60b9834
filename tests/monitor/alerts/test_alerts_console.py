"""ConsoleChannel output for a person."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

from monitor.alerts.console import ConsoleChannel
from monitor.models import Development


def test_console_alert_is_readable(sample_dev: Development) -> None:
    """The console alert names kind, storyline, event title and date, summary, quotes with sources."""
    stream = io.StringIO()
    result = asyncio.run(ConsoleChannel(stream).send(sample_dev))
    text = stream.getvalue()
    assert result.ok and result.reason == "ok"
    assert "NEW DEVELOPMENT" in text
    assert "Japan–South Korea summits" in text
    assert "Ishiba–Lee summit in Tokyo" in text and "2026-12-14" in text
    assert "The summit moved from Seoul to Tokyo" in text
    assert '"The two leaders will meet in Tokyo on December 14, officials said." — Example News' in text
    assert "<sic> & more" in text  # user text printed verbatim, not interpreted as markup
    assert "https://news.example.org/2026/11/22/summit-tokyo" in text
    assert "\x1b[" not in text  # no colour codes when not a terminal
    assert len(text.splitlines()) > 5


def test_console_handles_missing_date_and_markup_like_text(make_dev: Callable[..., Development]) -> None:
    """Unknown dates are stated; square brackets in titles are not eaten as rich markup."""
    stream = io.StringIO()
    dev = make_dev(kind="conflict", event_date=None, storyline_title="[bold]Odd[/bold] title", evidence=())
    asyncio.run(ConsoleChannel(stream).send(dev))
    text = stream.getvalue()
    assert "CONFLICT" in text and "date unknown" in text and "[bold]Odd[/bold] title" in text


def test_closed_stream_is_io_error(sample_dev: Development) -> None:
    """Writing to a closed stream is a non-retryable io_error, not an exception."""
    stream = io.StringIO()
    stream.close()
    result = asyncio.run(ConsoleChannel(stream).send(sample_dev))
    assert (result.ok, result.retryable, result.reason) == (False, False, "io_error")
