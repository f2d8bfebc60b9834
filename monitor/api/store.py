"""What the HTTP API shows: a bounded, in-memory view of recent pipeline output.

Fed through ``observe`` by :class:`streams.view.ClusterView`, which reads the
pipeline's topics (every partition), so every process shows the whole
cluster; Kafka remains the record of truth, this is only the window a person
looks through.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

from monitor.detect.state import StorylineState
from monitor.models import Development, EnrichedArticle, StorylineMatch

K = TypeVar("K")
V = TypeVar("V")


class _Bounded(OrderedDict[K, V]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: K, value: V) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


class RecentStore:
    """The last ``limit`` articles, matches and developments."""

    def __init__(self, limit: int = 1000) -> None:
        self._articles: _Bounded[str, EnrichedArticle] = _Bounded(limit)
        self._matches: _Bounded[tuple[str, str], StorylineMatch] = _Bounded(limit)
        self._developments: _Bounded[str, Development] = _Bounded(limit)
        self._states: dict[str, StorylineState] = {}
        self._listeners: list[Callable[[str], None]] = []
        self.version = 0

    def subscribe(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Call ``listener(what)`` after each observed item; returns the unsubscribe function."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def observe(self, what: str, item: BaseModel) -> None:
        """Record one item an agent produced, then tell the listeners (the live page)."""
        self._record(item)
        self.version += 1
        for listener in list(self._listeners):
            listener(what)

    def _record(self, item: BaseModel) -> None:
        if isinstance(item, EnrichedArticle):
            self._articles.put(item.article.id, item)
        elif isinstance(item, StorylineMatch):
            # a match carries its whole enriched article; one already kept is shared, not held twice
            known = self._articles.get(item.enriched.article.id)
            if known is not None and known is not item.enriched and known == item.enriched:
                item = item.model_copy(update={"enriched": known})
            self._matches.put((item.storyline_id, item.enriched.article.id), item)
        elif isinstance(item, Development):
            self._developments.put(item.id, item)
        elif isinstance(item, StorylineState):
            self._states[item.storyline_id] = item

    def articles(self) -> list[EnrichedArticle]:
        return list(self._articles.values())

    def matches(self) -> list[StorylineMatch]:
        return list(self._matches.values())

    def developments(self) -> list[Development]:
        return list(self._developments.values())

    def states(self) -> dict[str, StorylineState]:
        """The latest detection state per storyline (its events), from the state changelog."""
        return dict(self._states)
