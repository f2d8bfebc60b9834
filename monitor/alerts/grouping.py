"""Grouping bursts of developments per storyline, Alertmanager style.

* The first development of a new group waits ``group_wait`` seconds, so that a
  burst (several articles on the same news) goes out as one batch.
* Afterwards the group flushes at most every ``group_interval`` seconds,
  carrying whatever arrived in between.
* A group with nothing new for a whole interval is forgotten; the next
  development starts a new group (and waits ``group_wait`` again).

:class:`Grouper` is pure: every method takes ``now`` (seconds on a monotonic
clock). The caller adds developments, asks :meth:`Grouper.due` on a timer (the
next wake-up is :meth:`Grouper.next_due`) and delivers each :class:`Batch`
(``Deliverer.deliver_batch``). :func:`digest` folds a batch into one
development for channels that send a single message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from monitor.models import ArticleRef, Development, EvidenceRef


@dataclass(frozen=True)
class Batch:
    """Developments of one group to be sent together, in arrival order."""

    key: str
    developments: tuple[Development, ...]


@dataclass
class _Group:
    pending: list[Development] = field(default_factory=list)
    next_flush: float = 0.0


def storyline_key(dev: Development) -> str:
    """The default group key: the storyline."""
    return dev.storyline_id


class Grouper:
    """Buffers developments per group key and releases them as batches when due."""

    def __init__(
        self,
        group_wait: float = 30.0,
        group_interval: float = 300.0,
        *,
        key: Callable[[Development], str] = storyline_key,
        max_batch: int = 50,
    ) -> None:
        if group_wait < 0 or group_interval <= 0:
            raise ValueError("group_wait must be >= 0 and group_interval > 0")
        if max_batch < 1:
            raise ValueError("max_batch must be >= 1")
        self.group_wait = group_wait
        self.group_interval = group_interval
        self.max_batch = max_batch
        self._key = key
        self._groups: dict[str, _Group] = {}

    def __len__(self) -> int:
        """Developments waiting to be sent."""
        return sum(len(group.pending) for group in self._groups.values())

    def add(self, dev: Development, now: float) -> None:
        """Queue ``dev``; a development with an id already queued replaces the queued one."""
        key = self._key(dev)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group(next_flush=now + self.group_wait)
        for index, queued in enumerate(group.pending):
            if queued.id == dev.id:
                group.pending[index] = dev
                return
        group.pending.append(dev)

    def due(self, now: float) -> list[Batch]:
        """The batches to send now (groups whose flush time has come), oldest flush first."""
        batches: list[Batch] = []
        ready = sorted((g.next_flush, key) for key, g in self._groups.items() if g.next_flush <= now)
        for _, key in ready:
            group = self._groups[key]
            if not group.pending:
                del self._groups[key]  # idle for a whole interval
                continue
            batches.extend(self._split(key, group.pending))
            group.pending = []
            following = group.next_flush + self.group_interval
            group.next_flush = following if following > now else now + self.group_interval
        return batches

    def next_due(self) -> float | None:
        """When :meth:`due` next has something to do (None when no group exists)."""
        return min((g.next_flush for g in self._groups.values()), default=None)

    def flush(self) -> list[Batch]:
        """Everything pending, regardless of timing (for shutdown); forgets every group."""
        batches = [b for key, g in self._groups.items() if g.pending for b in self._split(key, g.pending)]
        self._groups.clear()
        return batches

    def _split(self, key: str, devs: Sequence[Development]) -> list[Batch]:
        return [
            Batch(key, tuple(devs[start : start + self.max_batch]))
            for start in range(0, len(devs), self.max_batch)
        ]


_KIND_RANK = {"conflict": 0, "new_event": 1, "new_development": 2}


def digest(devs: Sequence[Development]) -> Development:
    """One development standing for several of the same group.

    A single development is returned unchanged. Otherwise: the id hashes the
    member ids (stable, so idempotency holds); the kind is the most important
    one (conflict > new_event > new_development); the event is the latest
    member's; the summary lists every member's summary; articles and evidence
    are the union (first occurrence kept); confidence is the maximum and
    ``created_at`` the latest.
    """
    if not devs:
        raise ValueError("digest of no developments")
    if len(devs) == 1:
        return devs[0]
    latest = max(devs, key=lambda d: d.created_at)
    ids = "\x1f".join(sorted(d.id for d in devs))
    articles: dict[str, ArticleRef] = {}
    evidence: dict[tuple[str, str, str], EvidenceRef] = {}
    for dev in devs:
        for ref in dev.articles:
            articles.setdefault(ref.id, ref)
        for ev in dev.evidence:
            evidence.setdefault((ev.article_id, ev.quote, ev.claim), ev)
    lines = [f"{len(devs)} updates in {latest.storyline_title}:"]
    lines += [f"• {d.event_title}: {d.summary}" for d in devs]
    return Development(
        id="digest-" + hashlib.sha256(ids.encode("utf-8")).hexdigest()[:24],
        kind=min((d.kind for d in devs), key=_KIND_RANK.__getitem__),
        storyline_id=latest.storyline_id,
        storyline_title=latest.storyline_title,
        event_id=latest.event_id,
        event_title=latest.event_title,
        event_date=latest.event_date,
        summary="\n".join(lines),
        articles=tuple(articles.values()),
        evidence=tuple(evidence.values()),
        confidence=max(d.confidence for d in devs),
        created_at=latest.created_at,
    )
