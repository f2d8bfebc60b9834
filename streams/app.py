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

from collections.abc import Sequence
from typing import Any

import faust
from faust.types import EventT

from monitor.metrics import Metrics
from monitor.models import Article, Development, EnrichedArticle, StorylineMatch
from monitor.settings import Settings
from streams.acks import each, pipelined
from streams.codec import NAME as CODEC
from streams.deliver import DeliveryAgent, DeliveryTopics
from streams.stages import DeliveredMark, Rejects, Stages, publish
from streams.topics import DELIVERED_TABLE, STATE_TABLE, TopicNames


def build_app(settings: Settings, bootstrap: str, stages: Stages, metrics: Metrics) -> faust.App:
    """Create the Faust app with its topics, tables and agents."""
    names = TopicNames(settings.kafka.topic_prefix)
    partitions = settings.kafka.partitions
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{bootstrap}",
        store="memory://",  # table store: in memory, rebuilt from the changelog topics on start
        # Faust makes its data folder even for in-memory tables: under the state folder, not the cwd
        datadir=str(settings.state_dir / "faust"),
        web_enabled=False,
        topic_partitions=partitions,
        topic_replication_factor=settings.kafka.replication_factor,
        producer_acks=-1,
        value_serializer=CODEC,
        key_serializer="raw",
        consumer_auto_offset_reset="earliest",
        table_standby_replicas=0,
    )

    def topic(name: str) -> faust.TopicT:
        return app.topic(name, partitions=partitions, key_type=bytes, value_serializer=CODEC)

    articles, enriched, matches, developments, marks = (
        topic(n)
        for n in (names.articles, names.enriched, names.matches, names.developments, names.delivered_marks)
    )
    # compacted: the latest record per "<development id>|<destination>"; replay writes tombstones
    deadletter = app.topic(
        names.deadletter, partitions=partitions, key_type=bytes, value_serializer=CODEC, compacting=True
    )
    # what no stage can use: raw values of unreadable records (compacted by source coordinates, and
    # deleted after the retention), and articles Kafka refused as too large (streams/rejects.py)
    invalid = app.topic(
        names.invalid_records,
        partitions=partitions,
        key_type=bytes,
        value_serializer="raw",
        compacting=True,
        deleting=True,
    )
    dead_articles = topic(names.articles_deadletter)
    rejects = Rejects(metrics, invalid=invalid, dead_articles=dead_articles)
    states = app.Table(STATE_TABLE, default=None, partitions=partitions, key_type=str)
    delivered = app.Table(DELIVERED_TABLE, default=None, partitions=partitions, key_type=str)
    app.newsmon_topics = (  # type: ignore[attr-defined]
        (articles, enriched, matches, developments, marks, deadletter, invalid, dead_articles)
    )

    @app.agent(articles)
    async def enrich_agent(stream: faust.StreamT[Any]) -> None:
        async def start(batch: Sequence[EventT[Any]]) -> list[EnrichedArticle]:
            values = [await rejects.decode(Article, e, "enrich") for e in batch]
            items = [a for a in values if a is not None]
            return await stages.enrich(items) if items else []

        async def finish(results: list[EnrichedArticle]) -> None:
            # queued together, so the producer batches them; then each waits for the broker's ack
            records = [(i.article.id.encode(), i.model_dump(mode="json"), i.article) for i in results]
            await rejects.send_all(enriched, records, stage="enrich")

        # one batch per enrichment process in spaCy, and one more being published
        await pipelined(
            app,
            stream,
            settings.nlp.batch_size,
            settings.nlp.batch_wait,
            depth=settings.nlp.processes + 1,
            start=start,
            finish=finish,
        )

    @app.agent(enriched)
    async def match_agent(stream: faust.StreamT[Any]) -> None:
        async for event in each(app, stream):
            item = await rejects.decode(EnrichedArticle, event, "match")
            if item is None:
                continue
            records = [
                (m.storyline_id.encode(), m.model_dump(mode="json"), item.article) for m in stages.match(item)
            ]
            await rejects.send_all(matches, records, stage="match")

    @app.agent(matches)
    async def detect_agent(stream: faust.StreamT[Any]) -> None:
        async for event in each(app, stream):
            found = await rejects.decode(StorylineMatch, event, "detect")
            if found is None:
                continue
            state, found_developments = stages.detect(states.get(found.storyline_id), found)
            # Developments first, acknowledged by the broker, then the state: a crash in between
            # re-detects the same content-derived ids, which the delivered table filters.
            for dev in found_developments:
                # keyed by storyline: a storyline's alerts are delivered in the order detected
                await publish(developments, dev.storyline_id, dev.model_dump(mode="json"))
            states[found.storyline_id] = state

    outboxes = {dest: topic(names.outbox(dest)) for dest in stages.destinations}
    app.newsmon_topics += tuple(outboxes.values())  # type: ignore[attr-defined]

    @app.agent(developments)
    async def route_agent(stream: faust.StreamT[Any]) -> None:
        # one queue per destination: a failing receiver holds back its own outbox only
        async for event in each(app, stream):
            if await rejects.decode(Development, event, "route") is None:
                continue  # forwarded to the invalid records: no outbox gets it
            for outbox in outboxes.values():
                await outbox.send(key=event.key, value=event.value)

    for destination, outbox in outboxes.items():
        deliver = DeliveryAgent(
            app,
            destination,
            stages,
            metrics,
            rejects=rejects,
            alerts=settings.alerts,
            delivered=delivered,
            topics=DeliveryTopics(outbox=outbox, marks=marks, deadletter=deadletter),
        )
        app.agent(outbox, name=f"deliver-{names.outbox(destination)}")(deliver)

    @app.agent(marks)
    async def mark_agent(stream: faust.StreamT[Any]) -> None:
        async for event in each(app, stream):
            mark = await rejects.decode(DeliveredMark, event, "mark")
            if mark is not None:
                delivered[mark.id] = mark.at

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


async def declare_topics(app: faust.App) -> None:
    """Create Newsmon's topics (the broker does not auto-create them)."""
    for topic in app.newsmon_topics:  # type: ignore[attr-defined]
        await topic.maybe_declare()
