"""What the HTTP API shows: a bounded, in-memory view of recent pipeline output.

Fed by the stream agents through ``observe``; Kafka remains the record of
truth, this is only the window a person looks through.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TypeVar

from pydantic import BaseModel

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

    def observe(self, what: str, item: BaseModel) -> None:
        """Record one item an agent produced."""
        if isinstance(item, EnrichedArticle):
            self._articles.put(item.article.id, item)
        elif isinstance(item, StorylineMatch):
            self._matches.put((item.storyline_id, item.enriched.article.id), item)
        elif isinstance(item, Development):
            self._developments.put(item.id, item)

    def articles(self) -> list[EnrichedArticle]:
        return list(self._articles.values())

    def matches(self) -> list[StorylineMatch]:
        return list(self._matches.values())

    def developments(self) -> list[Development]:
        return list(self._developments.values())
