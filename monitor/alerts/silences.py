"""Silences: mute a storyline, or one event, for a while (like Alertmanager silences).

Pure and clock-injected: every time-dependent method takes ``now``. A
:class:`SilenceSet` is plain data (``dump``/``load`` to JSON-ready lists); the
stream layer keeps it in a Kafka topic (:mod:`streams.silences`) through a
:class:`SilenceWriter`. ``load_silences`` reads the file older versions kept.
"""

from __future__ import annotations

import builtins
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from pydantic import Field, model_validator

from monitor.errors import NewsmonError
from monitor.models import Development, Model


class SilenceError(NewsmonError):
    """A silence is invalid or unknown."""


class SilenceMatcher(Model):
    """What a silence mutes: a storyline, an event, or an event within a storyline (all given must match)."""

    storyline_id: str | None = None
    event_id: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> SilenceMatcher:
        if self.storyline_id is None and self.event_id is None:
            raise ValueError("a silence must match a storyline_id or an event_id")
        return self

    def matches(self, dev: Development) -> bool:
        """Does ``dev`` fall under this matcher?"""
        if self.storyline_id is not None and dev.storyline_id != self.storyline_id:
            return False
        return self.event_id is None or dev.event_id == self.event_id


class Silence(Model):
    """One silence: active from ``starts_at`` (inclusive) until ``ends_at`` (exclusive)."""

    id: str = Field(min_length=1)
    matcher: SilenceMatcher
    starts_at: datetime
    ends_at: datetime
    created_by: str = ""
    comment: str = ""

    @model_validator(mode="after")
    def _sane_times(self) -> Silence:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("starts_at and ends_at must be timezone-aware")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self

    def active(self, now: datetime) -> bool:
        """Is the silence in force at ``now``?"""
        return self.starts_at <= now < self.ends_at

    def expired(self, now: datetime) -> bool:
        """Has the silence ended by ``now``?"""
        return now >= self.ends_at


def mute(
    *,
    now: datetime,
    duration: timedelta,
    storyline_id: str | None = None,
    event_id: str | None = None,
    created_by: str = "",
    comment: str = "",
    silence_id: str | None = None,
) -> Silence:
    """A silence starting ``now`` for ``duration`` (a fresh random id unless given)."""
    try:
        return Silence(
            id=silence_id or uuid.uuid4().hex,
            matcher=SilenceMatcher(storyline_id=storyline_id, event_id=event_id),
            starts_at=now,
            ends_at=now + duration,
            created_by=created_by,
            comment=comment,
        )
    except ValueError as exc:
        raise SilenceError(f"invalid silence: {exc}") from None


class SilenceSet:
    """The silences in force or scheduled; ``is_silenced`` is what the deliverer asks."""

    def __init__(self, silences: builtins.list[Silence] | tuple[Silence, ...] = ()) -> None:
        self._by_id: dict[str, Silence] = {}
        for silence in silences:
            self.add(silence)

    def __len__(self) -> int:
        return len(self._by_id)

    def add(self, silence: Silence) -> Silence:
        """Add a silence, replacing any with the same id."""
        self._by_id[silence.id] = silence
        return silence

    def get(self, silence_id: str) -> Silence:
        """The silence with this id; :class:`SilenceError` when unknown."""
        try:
            return self._by_id[silence_id]
        except KeyError:
            raise SilenceError(f"no silence with id {silence_id!r}") from None

    def ending(self, silence_id: str, now: datetime) -> Silence | None:
        """What expiring a silence at ``now`` leaves (the set is unchanged): the silence ended at
        ``now``, the silence itself when already over, or None when it had not started (removed)."""
        silence = self.get(silence_id)
        if silence.expired(now):
            return silence
        if now <= silence.starts_at:
            return None
        return silence.model_copy(update={"ends_at": now})

    def apply(self, silence_id: str, silence: Silence | None) -> None:
        """Record a change: store ``silence`` under its id, or remove ``silence_id`` when None."""
        if silence is None:
            self._by_id.pop(silence_id, None)
        else:
            self._by_id[silence.id] = silence

    def expire(self, silence_id: str, now: datetime) -> Silence:
        """End a silence at ``now`` (kept, as expired, until pruned); a future one is removed."""
        before = self.get(silence_id)
        after = self.ending(silence_id, now)
        self.apply(silence_id, after)
        return after or before

    def list(self, now: datetime | None = None, *, include_expired: bool = False) -> builtins.list[Silence]:
        """Silences by start time; with ``now``, expired ones are left out unless asked for."""
        items = sorted(self._by_id.values(), key=lambda s: (s.starts_at, s.id))
        if now is None or include_expired:
            return items
        return [s for s in items if not s.expired(now)]

    def silenced_by(self, dev: Development, now: datetime) -> Silence | None:
        """The first active silence that mutes ``dev``, if any."""
        for silence in self.list():
            if silence.active(now) and silence.matcher.matches(dev):
                return silence
        return None

    def is_silenced(self, dev: Development, now: datetime) -> bool:
        """Is ``dev`` muted at ``now``?"""
        return self.silenced_by(dev, now) is not None

    def prune(self, now: datetime, *, keep: timedelta = timedelta(0)) -> builtins.list[Silence]:
        """Drop silences that ended more than ``keep`` before ``now``; returns the dropped ones."""
        dropped = [s for s in self._by_id.values() if s.ends_at + keep <= now]
        for silence in dropped:
            del self._by_id[silence.id]
        return dropped

    def dump(self) -> builtins.list[dict[str, Any]]:
        """JSON-ready list of every silence."""
        return [s.model_dump(mode="json") for s in self.list()]

    @classmethod
    def load(cls, data: builtins.list[dict[str, Any]]) -> SilenceSet:
        """Rebuild a set from :meth:`dump` output; :class:`SilenceError` when an entry is invalid."""
        try:
            return cls([Silence.model_validate(item) for item in data])
        except ValueError as exc:
            raise SilenceError(f"invalid silences: {exc}") from None


def load_silences(path: Path) -> SilenceSet:
    """The silences an older version saved at ``path`` (an empty set when there is no file)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return SilenceSet()
    except (OSError, ValueError) as exc:
        raise SilenceError(f"cannot read silences from {path}: {exc}") from None
    if not isinstance(raw, list):
        raise SilenceError(f"silences file {path} must hold a JSON list")
    return SilenceSet.load(raw)


class SilenceWriter(Protocol):
    """How a change to the silences is recorded (the API's writes go through it)."""

    async def write(self, silence_id: str, silence: Silence | None) -> None:
        """Store ``silence`` (None: remove ``silence_id``); raises :class:`SilenceError` on failure."""
        ...
