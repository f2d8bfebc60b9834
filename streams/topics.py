"""Topic names and how each topic is keyed.

| topic                       | key            | value           | why this key                              |
|-----------------------------|----------------|-----------------|-------------------------------------------|
| ``<p>-articles``            | article id     | Article         | idempotent re-sends land on one partition |
| ``<p>-enriched``            | article id     | EnrichedArticle | same                                      |
| ``<p>-matches``             | storyline id   | StorylineMatch  | co-partitioned with the storyline state   |
| ``<p>-developments``        | storyline id   | Development     | a storyline's alerts stay in order        |
| ``<p>-outbox-<dest>``       | storyline id   | Development     | one delivery queue per destination        |
| ``<p>-delivered-marks``     | storyline id   | {"id", "at"}    | co-partitioned with the delivered table   |
| ``<p>-alerts-deadletter``   | dev id|dest    | DeadLetter      | compacted; ``newsmon alerts replay``      |
| ``<p>-silences``            | silence id     | Silence or null | compacted, 1 partition, read by all       |
| ``<p>-invalid-records``     | topic/part/off | the raw value   | compacted and deleted: kept once, a while |
| ``<p>-articles-deadletter`` | article id     | Article, cut    | articles Kafka refused as too large       |

``<p>`` is ``kafka.topic_prefix`` (default ``newsmon``). Faust adds its own
changelog topics for the tables (``<app_id>-<table>-changelog``). The last two
are described in :mod:`streams.rejects`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

_UNSAFE = re.compile(r"[^a-zA-Z0-9._-]+")

#: the Faust tables (streams/app.py); Faust names their changelogs ``<app_id>-<table>-changelog``
STATE_TABLE = "storyline-state"
DELIVERED_TABLE = "delivered"


def changelog(app_id: str, table: str) -> str:
    """The changelog topic Faust keeps for ``table`` of app ``app_id``."""
    return f"{app_id}-{table}-changelog"


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

    @property
    def silences(self) -> str:
        return f"{self.prefix}-silences"

    @property
    def invalid_records(self) -> str:
        return f"{self.prefix}-invalid-records"

    @property
    def articles_deadletter(self) -> str:
        return f"{self.prefix}-articles-deadletter"

    def outbox(self, destination: str) -> str:
        """The delivery queue of one destination (a name such as ``webhook:host#1a2b3c4d``).

        Characters Kafka does not allow in topic names become ``_``; a name that
        had any, or was longer than 80 characters, gets a short hash, so two
        destinations never share a queue.
        """
        safe = _UNSAFE.sub("_", destination).strip("_") or "destination"
        if safe != destination or len(safe) > 80:
            safe = f"{safe[:80]}-{hashlib.sha256(destination.encode()).hexdigest()[:8]}"
        return f"{self.prefix}-outbox-{safe}"

    def all(self) -> tuple[str, ...]:
        return (
            self.articles,
            self.enriched,
            self.matches,
            self.developments,
            self.delivered_marks,
            self.deadletter,
            self.silences,
            self.invalid_records,
            self.articles_deadletter,
        )


async def ensure_topic(
    bootstrap: str,
    name: str,
    partitions: int,
    replication: int,
    *,
    compact: bool = False,
    delete: bool = False,
) -> None:
    """Create ``name`` unless it exists (topics the Faust app does not declare itself).

    ``compact`` (and ``delete`` as well: compacted, and cleaned up after the retention) set
    ``cleanup.policy``; neither leaves the broker's default (delete).
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        policy = ",".join(p for p, on in (("compact", compact), ("delete", delete)) if on)
        config = {"cleanup.policy": policy} if policy else {}
        await admin.create_topics([NewTopic(name, partitions, replication, topic_configs=config)])
    except TopicAlreadyExistsError:
        pass
    finally:
        await admin.close()
