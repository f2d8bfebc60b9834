"""What the agents call: the pipeline's plain functions, and record decoding.

The service builds :class:`Stages` from ``monitor/`` functions; the agents in
:mod:`streams.app` and :mod:`streams.deliver` only decode, call and send on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import faust
from aiokafka.errors import MessageSizeTooLargeError
from faust.exceptions import ProducerSendError
from faust.types import EventT
from pydantic import BaseModel, ValidationError

from monitor.alerts.deadletter import DeadLetter
from monitor.metrics import Metrics
from monitor.models import Article, Development, EnrichedArticle, StorylineMatch
from streams.codec import Undecodable, undecodable
from streams.rejects import (
    Headers,
    InvalidRecord,
    count_dead_article,
    count_invalid,
    dead_article,
    schema_error,
)

M = TypeVar("M", bound=BaseModel)

StateDict = dict[str, Any]


@dataclass(frozen=True)
class Delivered:
    """What delivering a group of developments to one destination came to."""

    abandoned: bool = False  # interrupted (worker stopping, partitions moving): hand back to Kafka
    dead_letters: Sequence[DeadLetter] = ()


@dataclass(frozen=True)
class Stages:
    """The pipeline's plain functions, as the agents call them."""

    enrich: Callable[[Sequence[Article]], Awaitable[list[EnrichedArticle]]]
    match: Callable[[EnrichedArticle], list[StorylineMatch]]
    detect: Callable[[StateDict | None, StorylineMatch], tuple[StateDict, list[Development]]]
    deliver: Callable[[Sequence[Development], str], Awaitable[Delivered]]
    destinations: tuple[str, ...] = ()


class DeliveredMark(BaseModel):
    """A ``<p>-delivered-marks`` record: ``<destination>|<development id>`` was delivered ``at``."""

    id: str
    at: str = ""


@dataclass(frozen=True)
class Rejects:
    """Where the agents put what they cannot use, so that nothing stops a stream and nothing vanishes.

    ``invalid`` is ``<p>-invalid-records`` (raw values), ``dead_articles`` ``<p>-articles-deadletter``;
    :mod:`streams.rejects` describes both records.
    """

    metrics: Metrics
    invalid: faust.TopicT
    dead_articles: faust.TopicT

    async def decode(self, model: type[M], event: EventT[Any], stage: str) -> M | None:
        """The event's value as ``model``; a bad one (not JSON, not the model) is forwarded, never raised."""
        value, message = event.value, event.message
        bad = undecodable(value)
        if bad is None:
            try:
                return model.model_validate(value)
            except ValidationError as exc:
                raw = message.value or b""
                bad = Undecodable("bad_schema", schema_error(exc), raw, len(raw))
        record = InvalidRecord.of(
            bad, topic=message.topic, partition=message.partition, offset=message.offset, key=message.key
        )
        self.metrics.articles.labels(stage=stage, outcome="invalid_record").inc()
        count_invalid(self.metrics, record, stage=stage)
        await publish_raw(self.invalid, record.record_key, record.value, record.headers())
        return None

    async def send(
        self, topic: faust.TopicT, key: bytes, value: Any, *, stage: str, article: Article
    ) -> None:
        """Send one record and wait for the broker; one too large for Kafka dead-letters ``article``.

        The ingester cuts article text (``ingest.max_text_bytes``) so that this should not happen; if
        a stage still makes a record over the producer's or the topic's limit, the article it was made
        from goes, cut, to the articles dead-letter topic (outcome ``too_large``), rather than crashing
        the agent into a restart loop on the same input or being lost without a trace.
        """
        await self.send_all(topic, [(key, value, article)], stage=stage)

    async def send_all(
        self, topic: faust.TopicT, records: Sequence[tuple[bytes, Any, Article]], *, stage: str
    ) -> None:
        """Send ``(key, value, article)`` records in order, then wait for the broker's acks of all.

        Queued together, they travel in one produce request rather than one round trip each, and
        records of one key keep their order. A record too large for Kafka is handled as in
        :meth:`send`, whether the producer refuses it when queued or the broker when written.
        """
        queued: list[tuple[Awaitable[Any], Article]] = []
        for key, value, article in records:
            try:
                queued.append((await topic.send(key=key, value=value), article))
            except (ProducerSendError, MessageSizeTooLargeError) as exc:
                await self._too_large(exc, stage, article)
        for sent, article in queued:
            try:
                await sent
            except (ProducerSendError, MessageSizeTooLargeError) as exc:
                await self._too_large(exc, stage, article)

    async def _too_large(self, exc: Exception, stage: str, article: Article) -> None:
        """Dead-letter ``article`` if ``exc`` is Kafka's size refusal; raise anything else."""
        cause = exc if isinstance(exc, MessageSizeTooLargeError) else exc.__cause__  # Faust wraps it
        if not isinstance(cause, MessageSizeTooLargeError):
            raise exc
        self.metrics.articles.labels(stage=stage, outcome="too_large").inc()
        error = f"record too large for Kafka: {cause}"
        count_dead_article(self.metrics, article, stage=stage, reason="too_large", error=error)
        letter = dead_article(article, stage=stage, reason="too_large", error=error)
        await publish_raw(self.dead_articles, *letter)


async def publish_raw(topic: faust.TopicT, key: bytes, value: bytes, headers: Headers) -> None:
    """Send one record of bytes, with headers, and wait until the broker acknowledged it."""
    sent = await topic.send(key=key, value=value, headers=headers, value_serializer="raw")
    await sent


async def publish(topic: faust.TopicT, key: str, value: Any) -> None:
    """Send one record and wait until the broker acknowledged it."""
    sent = await topic.send(key=key.encode(), value=value)
    await sent
