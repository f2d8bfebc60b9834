"""Logging: structlog with fixed event names and key=value context.

Events are short snake_case names (``feed_fetch_failed``, ``broker_started``)
with context as keys (``feed_url=...``, ``article_id=...``,
``storyline_id=...``). Secrets are ``SecretStr`` and render as ``**********``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

import structlog

#: a library's repeated message (same logger, level and template) is shown once per this many seconds
REPEAT_WINDOW_SECONDS = 60.0


def configure_logging(level: str = "info", *, json: bool = False) -> None:
    """Send structlog and stdlib logging to stderr at ``level``."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    logging.basicConfig(
        level=max(numeric, logging.WARNING), stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RepeatFilter) for f in handler.filters):
            handler.addFilter(RepeatFilter())
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        # resolve sys.stderr when a logger is made, not once: it may be replaced (tests, daemons)
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )


def _stderr_logger(*_: object) -> structlog.PrintLogger:
    return structlog.PrintLogger(sys.stderr)


class RepeatFilter(logging.Filter):
    """Lets a library's repeated message through once per window, then says how many were held back.

    While the broker is down the Kafka client logs several connection errors a second, for as long
    as the outage lasts; an operator needs the first one and a count, not thousands of lines. Records
    are alike when logger, level and message template (before its arguments) are; the first of a
    window passes, the rest are dropped and counted, and the first after the window passes with
    ``(N more like it in the last 60 s)`` appended.
    """

    def __init__(
        self, window: float = REPEAT_WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.window = window
        self.clock = clock
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, str(record.msg))
        now = self.clock()
        shown, held = self._seen.get(key, (float("-inf"), 0))
        if now - shown < self.window:
            self._seen[key] = (shown, held + 1)
            return False
        self._seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} ({held} more like it in the last {self.window:.0f} s)"
        return True
