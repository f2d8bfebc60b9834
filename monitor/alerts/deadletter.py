"""Dead letters: alerts a destination did not accept, and choosing which to replay.

The stream layer publishes :class:`DeadLetter` records (``model_dump(mode="json")``)
to the dead-letter topic, keyed by ``key`` so that a compacted topic keeps the
latest record per development and destination. :func:`replay` is pure: given
the records read back, it chooses which to resend now; the caller resends them
with ``Deliverer.deliver(letter.development, only={letter.destination})``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from pydantic import Field

from monitor.alerts.delivery import Outcome
from monitor.errors import DeliveryError
from monitor.models import Development, Model

DEAD_LETTER_VERSION = 1

_TRANSIENT = frozenset(
    {"timeout", "connect_error", "transport_error", "circuit_open", "rate_limited", "http_5xx"}
)
_TRANSIENT_HTTP = re.compile(r"^http_(5\d\d|408|425|429)$")


def is_transient(reason: str) -> bool:
    """Could a later attempt succeed without anyone changing anything? (5xx, 429, timeouts, ...)"""
    return reason in _TRANSIENT or bool(_TRANSIENT_HTTP.match(reason))


class DeadLetter(Model):
    """One development that one destination did not accept."""

    version: int = DEAD_LETTER_VERSION
    development: Development
    destination: str = Field(description="The destination (channel) name; never a URL.")
    reason: str = Field(description="The last failure reason token (http_503, timeout, circuit_open, ...).")
    attempts: int = Field(ge=0, description="Attempts made in the last series.")
    last_error_at: datetime
    http_status: int | None = None
    replays: int = Field(default=0, ge=0, description="How many times this letter was replayed already.")

    @property
    def key(self) -> str:
        """The Kafka message key: development id and destination."""
        return f"{self.development.id}|{self.destination}"


def dead_letter(dev: Development, outcome: Outcome, *, replays: int = 0) -> DeadLetter:
    """The record for a ``dead_letter`` outcome (``replays``: of the letter being replayed, plus one)."""
    if outcome.status != "dead_letter" or outcome.last_error_at is None:
        raise DeliveryError(f"outcome for {outcome.destination} is {outcome.status}, not a dead letter")
    return DeadLetter(
        development=dev,
        destination=outcome.destination,
        reason=outcome.reason,
        attempts=outcome.attempts,
        last_error_at=outcome.last_error_at,
        http_status=outcome.http_status,
        replays=replays,
    )


def replay(
    letters: Iterable[DeadLetter],
    *,
    now: datetime,
    destinations: Collection[str] | None = None,
    reasons: Collection[str] | None = None,
    min_age: timedelta = timedelta(minutes=5),
    max_age: timedelta | None = timedelta(days=2),
    max_replays: int | None = 10,
    delivered: Collection[str] = (),
) -> list[DeadLetter]:
    """Choose the dead letters to resend now, oldest development first.

    * only the latest record per (development, destination) counts;
    * keys in ``delivered`` (already delivered since) are skipped;
    * ``destinations``: only these (e.g. those still configured); None = all;
    * ``reasons``: only these reasons; None = the transient ones (:func:`is_transient`);
      pass e.g. ``{"http_4xx"}`` explicitly after fixing a destination's configuration;
    * ``min_age``: leave letters that failed less than this long ago alone (let the destination recover);
    * ``max_age``: give up on letters whose last failure is older than this (None = never);
    * ``max_replays``: give up after this many replays (None = never).
    """
    latest: dict[str, DeadLetter] = {}
    for letter in letters:
        kept = latest.get(letter.key)
        if kept is None or (letter.last_error_at, letter.replays) >= (kept.last_error_at, kept.replays):
            latest[letter.key] = letter
    chosen = []
    for letter in latest.values():
        if letter.key in delivered:
            continue
        if destinations is not None and letter.destination not in destinations:
            continue
        if not (letter.reason in reasons if reasons is not None else is_transient(letter.reason)):
            continue
        age = now - letter.last_error_at
        if age < min_age or (max_age is not None and age > max_age):
            continue
        if max_replays is not None and letter.replays >= max_replays:
            continue
        chosen.append(letter)
    chosen.sort(key=lambda item: (item.development.created_at, item.development.id, item.destination))
    return chosen
