"""Logging: a library's repeated message is shown once per window, with a count of those held back."""

from __future__ import annotations

import logging

from monitor.logs import RepeatFilter


def _record(msg: str, *args: object, name: str = "aiokafka", level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_repeats_within_the_window_are_held_back_and_counted() -> None:
    """The first connection error passes; repeats with other arguments within the window do not; the
    first after the window passes and says how many were held back."""
    now = [0.0]
    repeat = RepeatFilter(window=60.0, clock=lambda: now[0])
    template = "Unable connect to node with id %s: %s"
    assert repeat.filter(_record(template, 1, "refused"))
    now[0] = 0.5
    assert not repeat.filter(_record(template, 1, "refused again"))
    now[0] = 30.0
    assert not repeat.filter(_record(template, 2, "refused"))
    now[0] = 61.0
    later = _record(template, 1, "refused")
    assert repeat.filter(later)
    assert later.getMessage() == "Unable connect to node with id 1: refused (2 more like it in the last 60 s)"


def test_other_messages_loggers_and_levels_are_not_held_back() -> None:
    """Records differing in template, logger or level are counted apart: each first one passes."""
    repeat = RepeatFilter(window=60.0, clock=lambda: 0.0)
    assert repeat.filter(_record("Unable to update metadata from %s", 1))
    assert repeat.filter(_record("Failed fetch messages from %s: %s", 1, "x"))
    assert repeat.filter(_record("Unable to update metadata from %s", 1, name="aiokafka.consumer"))
    assert repeat.filter(_record("Unable to update metadata from %s", 1, level=logging.WARNING))
    assert not repeat.filter(_record("Unable to update metadata from %s", 2))
