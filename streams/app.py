"""The Faust app: topics, tables and short agents.

Each agent is a loop that decodes a record, calls a plain function from
``monitor/`` (handed in as :class:`Stages`) and sends the result on. All
knowledge of what enrichment, matching, detection and delivery *do* lives
there; this module only knows the topology::

    articles --enrich--> enriched --match--> matches --detect--> developments --route--> outbox-<dest>
                                              (state table)                                  |
                              webhooks <--deliver-<dest>-- (delivered table) <---------------'
                                            \\-> dead letters

with one outbox topic and one delivery agent per destination, so a failing receiver delays no other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import faust
import structlog
from pydantic import BaseModel, ValidationError

from monitor.alerts.deadletter import DeadLetter
from monitor.metrics import Metrics
from monitor.models import Article, Development, EnrichedArticle, StorylineMatch
from monitor.settings import Settings
from streams.acks import batches, each
from streams.topics import TopicNames

log = structlog.get_logger("newsmon.streams")

M = TypeVar("M", bound=BaseModel)

StateDict = dict[str, Any]


@dataclass(frozen=True)
class Stages:
    """The pipeline's plain functions, as the agents call them."""

    enrich: Callable[[Sequence[Article]], Awaitable[list[EnrichedArticle]]]
    match: Callable[[EnrichedArticle], list[StorylineMatch]]
    detect: Callable[[StateDict | None, StorylineMatch], tuple[StateDict, list[Development]]]
    deliver: Callable[[Sequence[Development], str], Awaitable[Delivered]]
    observe: Callable[[str, BaseModel], None]
    destinations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Delivered:
    """What delivering a group of developments to one destination came to."""

    abandoned: bool = False  # interrupted (worker stopping, partitions moving): hand back to Kafka
    dead_letters: Sequence[DeadLetter] = ()


def _decode(model: type[M], value: Any, stage: str, metrics: Metrics) -> M | None:
    """Validate one record; a bad one is logged and counted, never raised."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        metrics.articles.labels(stage=stage, outcome="invalid_record").inc()
        log.warning("record_rejected", stage=stage, error=str(exc).splitlines()[0])
        return None


def build_app(settings: Settings, bootstrap: str, stages: Stages, metrics: Metrics) -> faust.App:
    """Create the Faust app with its topics, tables and agents."""
    names = TopicNames(settings.kafka.topic_prefix)
    partitions = settings.kafka.partitions
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{bootstrap}",
        store="memory://",  # table store: in memory, rebuilt from the changelog topics on start
        web_enabled=False,
        topic_partitions=partitions,
        topic_replication_factor=settings.kafka.replication_factor,
        producer_acks=-1,
        value_serializer="json",
        key_serializer="raw",
        consumer_auto_offset_reset="earliest",
        table_standby_replicas=0,
    )

    def topic(name: str) -> faust.TopicT:
        return app.topic(name, partitions=partitions, key_type=bytes, value_serializer="json")

    articles, enriched, matches, developments, marks = (
        topic(n)
        for n in (names.articles, names.enriched, names.matches, names.developments, names.delivered_marks)
    )
    # compacted: the latest record per "<development id>|<destination>"; replay writes tombstones
    deadletter = app.topic(
        names.deadletter, partitions=partitions, key_type=bytes, value_serializer="json", compacting=True
    )
    states = app.Table("storyline-state", default=None, partitions=partitions, key_type=str)
    delivered = app.Table("delivered", default=None, partitions=partitions, key_type=str)
    app.newsmon_topics = (articles, enriched, matches, developments, marks, deadletter)  # type: ignore[attr-defined]

    @app.agent(articles)
    async def enrich_agent(stream: faust.StreamT[Any]) -> None:
        async for batch in batches(app, stream, settings.nlp.batch_size, settings.nlp.batch_wait):
            values = (_decode(Article, e.value, "enrich", metrics) for e in batch)
            items = [a for a in values if a is not None]
            if not items:
                continue
            for item in await stages.enrich(items):
                stages.observe("enriched", item)
                await enriched.send(key=item.article.id.encode(), value=item.model_dump(mode="json"))

    @app.agent(enriched)
    async def match_agent(stream: faust.StreamT[Any]) -> None:
        async for event in each(app, stream):
            item = _decode(EnrichedArticle, event.value, "match", metrics)
            if item is None:
                continue
            for found in stages.match(item):
                stages.observe("match", found)
                await matches.send(key=found.storyline_id.encode(), value=found.model_dump(mode="json"))

    @app.agent(matches)
    async def detect_agent(stream: faust.StreamT[Any]) -> None:
        async for event in each(app, stream):
            found = _decode(StorylineMatch, event.value, "detect", metrics)
            if found is None:
                continue
            state, found_developments = stages.detect(states.get(found.storyline_id), found)
            # Developments first, acknowledged by the broker, then the state: a crash in between
            # re-detects the same content-derived ids, which the delivered table filters.
            for dev in found_developments:
                stages.observe("development", dev)
                # keyed by storyline: a storyline's alerts are delivered in the order detected
                sent = await developments.send(
                    key=dev.storyline_id.encode(), value=dev.model_dump(mode="json")
                )
                await sent
            states[found.storyline_id] = state

    outboxes = {dest: topic(names.outbox(dest)) for dest in stages.destinations}
    app.newsmon_topics += tuple(outboxes.values())  # type: ignore[attr-defined]

    @app.agent(developments)
    async def route_agent(stream: faust.StreamT[Any]) -> None:
        # one queue per destination: a failing receiver holds back its own outbox only
        async for event in each(app, stream):
            for outbox in outboxes.values():
                await outbox.send(key=event.key, value=event.value)

    for destination, outbox in outboxes.items():
        app.agent(outbox, name=f"deliver-{names.outbox(destination)}")(
            _deliver_agent(app, settings, destination, stages, metrics, delivered, outbox, marks, deadletter)
        )

    @app.agent(marks)
    async def mark_agent(stream: faust.StreamT[Any]) -> None:
        async for event in each(app, stream):
            value = event.value
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                delivered[value["id"]] = value.get("at", "")

    @app.timer(interval=5.0)
    async def report_lag() -> None:
        consumer = app.consumer
        for tp in consumer.assignment():
            position = await consumer.position(tp)
            highwater = consumer.highwater(tp)
            if position is None or highwater is None:
                continue
            lag = max(0, highwater - position)
            metrics.consumer_lag.labels(topic=tp.topic, partition=str(tp.partition)).set(lag)

    return app


def _deliver_agent(
    app: faust.App,
    settings: Settings,
    destination: str,
    stages: Stages,
    metrics: Metrics,
    delivered: Any,
    outbox: faust.TopicT,
    marks: faust.TopicT,
    deadletter: faust.TopicT,
) -> Callable[[faust.StreamT[Any]], Awaitable[None]]:
    """The delivery agent of one destination, over its outbox topic.

    Events are acknowledged only once their developments were delivered, dead-lettered or handed
    back (see :mod:`streams.acks`): a development caught mid-retry when the worker stops or its
    partitions move is re-published to the outbox, so stopping never waits out a backoff and
    never loses an alert. ``alerts.group_wait`` > 0 groups a burst per storyline into one
    digest (like Alertmanager's group_wait).
    """
    group_wait = settings.alerts.group_wait

    async def hand_back(devs: Sequence[Development]) -> None:
        for dev in devs:
            sent = await outbox.send(key=dev.storyline_id.encode(), value=dev.model_dump(mode="json"))
            await sent

    async def deliver(stream: faust.StreamT[Any]) -> None:
        async for events in batches(
            app, stream, settings.alerts.group_max if group_wait else 1, group_wait or 1.0
        ):
            fresh: dict[str, Development] = {}
            for event in events:
                dev = _decode(Development, event.value, "deliver", metrics)
                if dev is None:
                    continue
                if delivered.get(f"{destination}|{dev.id}") is not None or dev.id in fresh:
                    metrics.articles.labels(stage="deliver", outcome="already_delivered").inc()
                    continue
                fresh[dev.id] = dev
            groups: dict[str, list[Development]] = {}
            for dev in fresh.values():
                groups.setdefault(dev.storyline_id if group_wait else dev.id, []).append(dev)
            abandoned = False
            for members in groups.values():
                if not abandoned:
                    result = await stages.deliver(members, destination)
                    abandoned = result.abandoned
                if abandoned:
                    await hand_back(members)
                    continue
                for letter in result.dead_letters:
                    value = letter.model_dump(mode="json")
                    sent = await deadletter.send(key=letter.key.encode(), value=value)
                    await sent
                for dev in members:  # the table is written by mark_agent, inside its own stream
                    mark = {"id": f"{destination}|{dev.id}", "at": datetime.now(UTC).isoformat()}
                    sent = await marks.send(key=dev.storyline_id.encode(), value=mark)
                    await sent

    deliver.__name__ = f"deliver_{destination}"
    return deliver


async def declare_topics(app: faust.App) -> None:
    """Create Newsmon's topics (the broker does not auto-create them)."""
    for topic in app.newsmon_topics:  # type: ignore[attr-defined]
        await topic.maybe_declare()
