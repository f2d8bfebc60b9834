"""Following whole topics without a consumer group.

Some state must be complete in *every* process, not split between workers:
the silences (:mod:`streams.silences`) and the cluster's recent output shown
by the API (:mod:`streams.view`). A :class:`TopicFollower` reads every
partition of its topics itself (like Kafka Connect reads its config topic),
from a start position its owner chooses, and awaits a callback for each record.
Topics that do not exist yet are looked for again every couple of seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.errors import KafkaError
from aiokafka.structs import TopicPartition

log = structlog.get_logger("newsmon.follow")

#: how long one fetch waits, and how often missing topics are looked for
RETRY_SECONDS = 2.0

Apply = Callable[[ConsumerRecord[bytes, bytes]], Awaitable[None]]
Seek = Callable[[AIOKafkaConsumer, set[TopicPartition]], Awaitable[None]]


async def from_beginning(consumer: AIOKafkaConsumer, partitions: set[TopicPartition]) -> None:
    """The default start position: each partition's first record.

    An explicit ``seek`` to the beginning offset: ``seek_to_beginning`` only requests a reset,
    which the reset started by ``assign()`` can overtake.
    """
    for tp, offset in (await consumer.beginning_offsets(list(partitions))).items():
        consumer.seek(tp, offset)


class TopicFollower:
    """Reads every partition of ``partitions`` (topic -> count) and awaits ``apply`` per record."""

    def __init__(
        self, bootstrap: str, partitions: Mapping[str, int], apply: Apply, *, seek: Seek = from_beginning
    ) -> None:
        self.bootstrap = bootstrap
        self.partitions = dict(partitions)
        self.apply = apply
        self.seek = seek
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._ends: dict[TopicPartition, int] = {}  # end offsets when each partition was assigned
        self._caught_up = asyncio.Event()

    async def start(self) -> None:
        """Start following in the background."""
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            enable_auto_commit=False,
            auto_offset_reset="earliest",  # an offset gone by retention: read more rather than skip
            max_partition_fetch_bytes=4 << 20,
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._run(), name=f"newsmon-follow-{min(self.partitions)}")

    async def caught_up(self, timeout: float = 60.0) -> None:
        """Wait until every topic exists and was read up to where it ended when it was assigned."""
        await asyncio.wait_for(self._caught_up.wait(), timeout)

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

    async def _run(self) -> None:
        assert self._consumer is not None
        consumer = self._consumer
        while True:
            try:
                await self._assign_new(consumer)
                if not self._ends:
                    await asyncio.sleep(RETRY_SECONDS)
                    continue
                batches = await consumer.getmany(timeout_ms=int(RETRY_SECONDS * 1000))
                for records in batches.values():
                    for record in records:
                        await self._apply_one(record)
                await self._check_caught_up(consumer)
            except KafkaError as exc:  # the client reconnects by itself; keep following
                log.warning("follow_failed", topics=sorted(self.partitions), error=str(exc))
                await asyncio.sleep(RETRY_SECONDS)

    async def _apply_one(self, record: ConsumerRecord[bytes, bytes]) -> None:
        """Apply one record; whatever it makes ``apply`` raise is logged, and following goes on."""
        try:
            await self.apply(record)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one record must never end the follower (the page, the silences)
            log.error(
                "follow_record_failed",
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                error=f"{type(exc).__name__}: {str(exc)[:200]}",
            )

    async def _assign_new(self, consumer: AIOKafkaConsumer) -> None:
        """Assign the partitions of topics that exist now and are not followed yet."""
        if len({tp.topic for tp in self._ends}) == len(self.partitions):
            return
        existing = await consumer.topics()  # asks the cluster
        fresh = {
            TopicPartition(topic, partition)
            for topic, count in self.partitions.items()
            if topic in existing
            for partition in range(count)
        } - set(self._ends)
        if not fresh:
            return
        kept = {tp: await consumer.position(tp) for tp in self._ends}  # assign() forgets positions
        consumer.assign(sorted(set(kept) | fresh))
        for tp, position in kept.items():
            consumer.seek(tp, position)
        self._ends.update(await consumer.end_offsets(list(fresh)))
        await self.seek(consumer, fresh)
        log.info(
            "follow_assigned", topics=sorted({tp.topic for tp in self._ends}), partitions=len(self._ends)
        )

    async def _check_caught_up(self, consumer: AIOKafkaConsumer) -> None:
        if self._caught_up.is_set() or len({tp.topic for tp in self._ends}) < len(self.partitions):
            return
        for tp, end in self._ends.items():
            if await consumer.position(tp) < end:
                return
        self._caught_up.set()
