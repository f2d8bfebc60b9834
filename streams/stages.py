"""What the agents call: the pipeline's plain functions, and record decoding.

The service builds :class:`Stages` from ``monitor/`` functions; the agents in
:mod:`streams.app` and :mod:`streams.deliver` only decode, call and send on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import faust
import structlog
from aiokafka.errors import MessageSizeTooLargeError
from faust.exceptions import ProducerSendError
from pydantic import BaseModel, ValidationError

from monitor.alerts.deadletter import DeadLetter
from monitor.metrics import Metrics
from monitor.models import Article, Development, EnrichedArticle, StorylineMatch
from streams.codec import UNDECODABLE

log = structlog.get_logger("newsmon.streams")

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


def decode(model: type[M], value: Any, stage: str, metrics: Metrics) -> M | None:
    """Validate one record; a bad one (not JSON, or not the model) is logged and counted, never raised."""
    if isinstance(value, dict) and UNDECODABLE in value:
        metrics.articles.labels(stage=stage, outcome="invalid_record").inc()
        log.warning("record_rejected", stage=stage, error=value[UNDECODABLE])
        return None
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        metrics.articles.labels(stage=stage, outcome="invalid_record").inc()
        log.warning("record_rejected", stage=stage, error=str(exc).splitlines()[0])
        return None


async def send_or_skip(topic: faust.TopicT, key: bytes, value: Any, stage: str, metrics: Metrics) -> None:
    """Send one record; a record too large for Kafka is counted (outcome=too_large) and skipped.

    The ingester cuts article text (``ingest.max_text_bytes``) so that this should not happen; if a stage
    still makes a record over the request limit, that record is lost with a log line and a metric rather
    than crashing the agent into a restart loop on the same input.
    """
    try:
        await topic.send(key=key, value=value)
    except (ProducerSendError, MessageSizeTooLargeError) as exc:
        cause = exc if isinstance(exc, MessageSizeTooLargeError) else exc.__cause__  # Faust wraps it
        if not isinstance(cause, MessageSizeTooLargeError):
            raise
        metrics.articles.labels(stage=stage, outcome="too_large").inc()
        log.error("record_too_large", stage=stage, key=key.decode("utf-8", "replace"), error=str(exc)[:200])


async def publish(topic: faust.TopicT, key: str, value: Any) -> None:
    """Send one record and wait until the broker acknowledged it."""
    sent = await topic.send(key=key.encode(), value=value)
    await sent
