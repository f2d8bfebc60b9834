"""Topic names and how each topic is keyed.

| topic                    | key            | value             | why this key                               |
|--------------------------|----------------|-------------------|--------------------------------------------|
| ``<p>-articles``         | article id     | Article           | idempotent re-sends land on one partition  |
| ``<p>-enriched``         | article id     | EnrichedArticle   | same                                       |
| ``<p>-matches``          | storyline id   | StorylineMatch    | co-partitioned with the storyline state    |
| ``<p>-developments``     | storyline id   | Development       | a storyline's alerts stay in order         |
| ``<p>-delivered-marks``  | storyline id   | {"id", "at"}      | feeds the delivered table (co-partitioned) |
| ``<p>-alerts-deadletter``| dev id|dest    | DeadLetter record | compacted; ``newsmon alerts replay``       |

``<p>`` is ``kafka.topic_prefix`` (default ``newsmon``). Faust adds its own
changelog topics for the tables (``<app_id>-<table>-changelog``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicNames:
    """The names of Newsmon's topics for one prefix."""

    prefix: str = "newsmon"

    @property
    def articles(self) -> str:
        return f"{self.prefix}-articles"

    @property
    def enriched(self) -> str:
        return f"{self.prefix}-enriched"

    @property
    def matches(self) -> str:
        return f"{self.prefix}-matches"

    @property
    def developments(self) -> str:
        return f"{self.prefix}-developments"

    @property
    def delivered_marks(self) -> str:
        return f"{self.prefix}-delivered-marks"

    @property
    def deadletter(self) -> str:
        return f"{self.prefix}-alerts-deadletter"

    def all(self) -> tuple[str, ...]:
        return (
            self.articles,
            self.enriched,
            self.matches,
            self.developments,
            self.delivered_marks,
            self.deadletter,
        )
