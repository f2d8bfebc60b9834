"""The whole cluster's recent output, for every process's API and web page.

Each worker only processes its own partitions, so what its agents saw is part
of the picture. :class:`ClusterView` instead reads the pipeline's own topics
(enriched articles, storyline matches, developments) and the storyline-state
changelog, every partition, without a consumer group, and feeds what it reads
into the process's :class:`~monitor.api.store.RecentStore`. Any process, with
one worker or twenty, or an ingester alone, shows the same page.

At start it reads back at most ``lookback`` (and at most the store's limit per
partition) of each pipeline topic and the whole compacted state changelog;
then it follows them. A record it cannot decode is logged and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from datetime import timedelta

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.errors import KafkaError
from aiokafka.structs import TopicPartition
from pydantic import BaseModel, ValidationError

from monitor.api.store import RecentStore
from monitor.detect.state import StorylineState
from monitor.models import Development, EnrichedArticle, StorylineMatch
from streams.topics import TopicNames

log = structlog.get_logger("newsmon.view")

#: how often the view looks for topics that do not exist yet (an ingester started before any worker)
TOPIC_RETRY_SECONDS = 2.0


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
    ) -> None:
        self.bootstrap = bootstrap
        self.store = store
        self.partitions = partitions  # every followed topic has the app's partition count
        self.per_partition = per_partition
        self.lookback = lookback
        self.kinds: dict[str, tuple[str, type[BaseModel]]] = {
            names.enriched: ("enriched", EnrichedArticle),
            names.matches: ("match", StorylineMatch),
            names.developments: ("development", Development),
            state_changelog: ("state", StorylineState),
        }
        self.state_changelog = state_changelog
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start following in the background (the API answers meanwhile, with what has been read)."""
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap, enable_auto_commit=False, max_partition_fetch_bytes=4 << 20
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name="newsmon-cluster-view")

    async def stop(self) -> None:
        """Stop following; safe to call twice."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None

    # -- internals ---------------------------------------------------------
    async def _run(self) -> None:
        assert self._consumer is not None
        consumer = self._consumer
        assigned: set[TopicPartition] = set()
        while True:
            try:
                fresh = await self._new_partitions(consumer, assigned)
                if fresh:
                    assigned |= fresh
                    consumer.assign(sorted(assigned))
                    await self._seek_start(consumer, fresh)
                    log.info("view_following", partitions=len(assigned))
                if not assigned:
                    await asyncio.sleep(TOPIC_RETRY_SECONDS)
                    continue
                batches = await consumer.getmany(timeout_ms=int(TOPIC_RETRY_SECONDS * 1000))
                for records in batches.values():
                    for record in records:
                        self._apply(record)
            except KafkaError as exc:  # the client reconnects by itself; keep following
                log.warning("view_follow_failed", error=str(exc))
                await asyncio.sleep(TOPIC_RETRY_SECONDS)

    async def _new_partitions(
        self, consumer: AIOKafkaConsumer, assigned: set[TopicPartition]
    ) -> set[TopicPartition]:
        """Partitions of the followed topics that exist now and are not followed yet."""
        if len({tp.topic for tp in assigned}) == len(self.kinds):
            return set()
        existing = await consumer.topics()  # asks the cluster
        found = {
            TopicPartition(topic, partition)
            for topic in self.kinds
            if topic in existing
            for partition in range(self.partitions)
        }
        return found - assigned

    async def _seek_start(self, consumer: AIOKafkaConsumer, partitions: set[TopicPartition]) -> None:
        """The changelog from its beginning; the others from ``lookback`` ago, at most the limit back."""
        recent = [tp for tp in partitions if tp.topic != self.state_changelog]
        for tp in partitions - set(recent):
            consumer.seek(tp, 0)
        if not recent:
            return
        since = int((time.time() - self.lookback.total_seconds()) * 1000)
        by_time = await consumer.offsets_for_times(dict.fromkeys(recent, since))
        ends = await consumer.end_offsets(recent)
        for tp in recent:
            found = by_time.get(tp)
            start = found.offset if found is not None else ends[tp]
            consumer.seek(tp, max(start, ends[tp] - self.per_partition, 0))

    def _apply(self, record: ConsumerRecord[bytes, bytes]) -> None:
        what, model = self.kinds[record.topic]
        if record.value is None:
            return  # a tombstone: nothing to show
        try:
            item = model.model_validate(json.loads(record.value))
        except (ValueError, ValidationError) as exc:
            error = str(exc).splitlines()[0]
            log.warning("view_record_skipped", topic=record.topic, offset=record.offset, error=error)
            return
        self.store.observe(what, item)
