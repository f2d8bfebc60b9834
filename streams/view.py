"""The whole cluster's recent output, for every process's API and web page.

Each worker only processes its own partitions, so what its agents saw is part
of the picture. :class:`ClusterView` instead reads the pipeline's own topics
(enriched articles, storyline matches, developments) and the storyline-state
changelog, every partition, without a consumer group, and feeds what it reads
into the process's :class:`~monitor.api.store.RecentStore`. Any process, with
one worker or twenty, or an ingester alone, shows the same page.

At start it reads back at most ``lookback`` (and at most the store's limit per
partition) of each pipeline topic and the whole compacted state changelog;
then it follows them. Of the state changelog, which gets a storyline's whole
state per detected article, only each storyline's latest record is read, at most
every ``STATE_EVERY`` seconds: one superseded meanwhile is never decoded. A
record it cannot decode (not JSON, too deep, not the topic's model) is logged
and skipped; the agents that consume the pipeline topics forward those to the
invalid records, and the view forwards those of the state changelog, which no
agent reads (``invalid``, :mod:`streams.rejects`).
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.structs import TopicPartition
from pydantic import BaseModel, ValidationError

from monitor.api.store import RecentStore
from monitor.detect.state import StorylineState
from monitor.models import Development, EnrichedArticle, StorylineMatch
from streams.codec import Undecodable, loads, undecodable
from streams.follow import TopicFollower, from_beginning
from streams.rejects import InvalidRecord, InvalidSink, schema_error
from streams.topics import TopicNames

log = structlog.get_logger("newsmon.view")

#: The state changelog gets a storyline's whole state for every article detected; the page needs only
#: the latest. Each storyline's latest record is read (decoded and checked) at most this often, seconds.
STATE_EVERY = 0.5


class ClusterView:
    """Follows the pipeline topics into a RecentStore; ``start()`` returns at once, ``stop()`` ends it."""

    def __init__(
        self,
        bootstrap: str,
        names: TopicNames,
        state_changelog: str,
        store: RecentStore,
        *,
        partitions: int,
        per_partition: int = 1000,
        lookback: timedelta = timedelta(days=7),
        invalid: InvalidSink | None = None,
    ) -> None:
        self.store = store
        self.invalid = invalid  # where unreadable records of the state changelog go (stopped with the view)
        self.per_partition = per_partition
        self.lookback = lookback
        self.kinds: dict[str, tuple[str, type[BaseModel]]] = {
            names.enriched: ("enriched", EnrichedArticle),
            names.matches: ("match", StorylineMatch),
            names.developments: ("development", Development),
            state_changelog: ("state", StorylineState),
        }
        self.state_changelog = state_changelog
        # every followed topic has the app's partition count
        topics = dict.fromkeys(self.kinds, partitions)
        self._follower = TopicFollower(bootstrap, topics, self._apply, seek=self._seek_start)
        self._states: dict[tuple[int, bytes | None], ConsumerRecord[bytes, bytes]] = {}
        self._states_reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start following in the background (the API answers meanwhile, with what has been read)."""
        await self._follower.start()

    async def stop(self) -> None:
        """Stop following; safe to call twice."""
        await self._follower.stop()
        if self._states_reader is not None:
            self._states_reader.cancel()
        if self.invalid is not None:
            await self.invalid.stop()

    # -- internals ---------------------------------------------------------
    async def _seek_start(self, consumer: AIOKafkaConsumer, partitions: set[TopicPartition]) -> None:
        """The changelog from its beginning; the others from ``lookback`` ago, at most the limit back."""
        recent = [tp for tp in partitions if tp.topic != self.state_changelog]
        await from_beginning(consumer, partitions - set(recent))
        if not recent:
            return
        since = int((time.time() - self.lookback.total_seconds()) * 1000)
        by_time = await consumer.offsets_for_times(dict.fromkeys(recent, since))
        ends = await consumer.end_offsets(recent)
        for tp in recent:
            found = by_time.get(tp)
            start = found.offset if found is not None else ends[tp]
            consumer.seek(tp, max(start, ends[tp] - self.per_partition, 0))

    async def _apply(self, record: ConsumerRecord[bytes, bytes]) -> None:
        if record.topic != self.state_changelog:
            await self._read(record)
            return
        self._states[(record.partition, record.key)] = record  # a newer one replaces an unread one
        if self._states_reader is None or self._states_reader.done():
            self._states_reader = asyncio.create_task(self._read_states())

    async def _read_states(self) -> None:
        """Read the latest state record of each storyline, every ``STATE_EVERY`` while more arrive."""
        while self._states:
            await asyncio.sleep(STATE_EVERY)
            latest, self._states = self._states, {}
            for record in latest.values():
                await self._read(record)

    async def _read(self, record: ConsumerRecord[bytes, bytes]) -> None:
        what, model = self.kinds[record.topic]
        if record.value is None:
            return  # a tombstone: nothing to show
        value = loads(record.value)
        bad = undecodable(value)
        if bad is None:
            try:
                item = model.model_validate(value)
            except ValidationError as exc:
                bad = Undecodable("bad_schema", schema_error(exc), record.value, len(record.value))
            else:
                self.store.observe(what, item)
                return
        if record.topic != self.state_changelog or self.invalid is None:
            log.warning(
                "view_record_skipped",
                topic=record.topic,
                offset=record.offset,
                reason=bad.reason,
                error=bad.error,
            )
            return
        invalid = InvalidRecord.of(
            bad, topic=record.topic, partition=record.partition, offset=record.offset, key=record.key
        )
        await self.invalid.forward(invalid, stage="view")
