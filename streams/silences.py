"""Silences shared by every monitor process, kept in a compacted Kafka topic.

``<p>-silences`` has one partition, is compacted and keyed by silence id; its
value is the silence's current state (JSON), or a tombstone when a silence that
had not started was expired. Every process reads the whole topic into its
:class:`~monitor.alerts.silences.SilenceSet` before it starts delivering, then
follows it, so a silence created through any process's API mutes every
worker's deliveries within moments, and survives restarts. A write is
acknowledged by the broker before the API answers; it is applied locally at
once, so the process that took it reads its own write.

Not a consumer group: each process reads every record (like Kafka Connect's
config topic), so adding workers needs nothing more. A record that is not a
silence is skipped and forwarded to the invalid records (``invalid``,
:mod:`streams.rejects`) by every process that reads it, under the same key.
"""

from __future__ import annotations

from pathlib import Path

import structlog
from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from monitor.alerts.silences import Silence, SilenceError, SilenceSet, load_silences
from streams.codec import Undecodable, loads, undecodable
from streams.follow import TopicFollower
from streams.rejects import InvalidRecord, InvalidSink, schema_error
from streams.topics import ensure_topic

log = structlog.get_logger("newsmon.silences")


class KafkaSilences:
    """A :class:`~monitor.alerts.silences.SilenceWriter` over the silences topic; ``start()`` loads it."""

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        silences: SilenceSet,
        *,
        replication: int = 1,
        invalid: InvalidSink | None = None,
    ) -> None:
        self.bootstrap = bootstrap
        self.invalid = invalid  # where records that are not silences go (stopped with this)
        self.topic = topic
        self.silences = silences  # the set the deliverer and the API read, updated in place
        self.replication = replication
        self._producer: AIOKafkaProducer | None = None
        self._follower = TopicFollower(bootstrap, {topic: 1}, self._apply)

    async def start(self, timeout: float = 60.0) -> None:
        """Create the topic if needed and read it to its end; it is followed in the background after."""
        await ensure_topic(self.bootstrap, self.topic, 1, self.replication, compact=True)
        self._producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all")
        await self._producer.start()
        await self._follower.start()
        try:
            await self._follower.caught_up(timeout)
        except TimeoutError:
            raise SilenceError(f"could not read {self.topic} within {timeout:.0f} s") from None
        log.info("silences_loaded", topic=self.topic, silences=len(self.silences))

    async def stop(self) -> None:
        """Stop following and close the producer; safe to call twice."""
        await self._follower.stop()
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
        if self.invalid is not None:
            await self.invalid.stop()

    async def write(self, silence_id: str, silence: Silence | None) -> None:
        """Publish a change (acknowledged by the broker), then apply it here."""
        if self._producer is None:
            raise SilenceError("silences are not started")
        value = None if silence is None else silence.model_dump_json().encode()
        try:
            await self._producer.send_and_wait(self.topic, key=silence_id.encode(), value=value)
        except KafkaError as exc:
            raise SilenceError(f"cannot publish to {self.topic}: {exc}") from None
        self.silences.apply(silence_id, silence)

    async def import_file(self, path: Path) -> int:
        """Publish the silences of a file kept by an older version that the topic lacks; the file
        is renamed ``*.imported`` afterwards. Returns how many were published."""
        if not path.exists():
            return 0
        known = {s.id for s in self.silences.list()}
        missing = [s for s in load_silences(path).list() if s.id not in known]
        for silence in missing:
            await self.write(silence.id, silence)
        path.rename(path.with_name(path.name + ".imported"))
        log.info("silences_imported", path=str(path), silences=len(missing))
        return len(missing)

    # -- internals ---------------------------------------------------------
    async def _apply(self, record: ConsumerRecord[bytes, bytes]) -> None:
        """Apply one record: a silence's state, or a tombstone; a bad record is logged and skipped."""
        if record.key is None:
            log.warning("silence_record_rejected", topic=self.topic, offset=record.offset, error="no key")
            return
        silence_id = record.key.decode("utf-8", errors="replace")
        if record.value is None:
            self.silences.apply(silence_id, None)
            return
        value = loads(record.value)
        bad = undecodable(value)
        if bad is None:
            try:
                silence = Silence.model_validate(value)
            except ValidationError as exc:
                bad = Undecodable("bad_schema", schema_error(exc), record.value, len(record.value))
            else:
                self.silences.apply(silence_id, silence)
                return
        if self.invalid is None:
            log.warning("silence_record_rejected", topic=self.topic, offset=record.offset, error=bad.error)
            return
        invalid = InvalidRecord.of(
            bad, topic=record.topic, partition=record.partition, offset=record.offset, key=record.key
        )
        await self.invalid.forward(invalid, stage="silences")
