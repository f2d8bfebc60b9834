"""The embeddable Newsmon service: broker, ingester, Faust worker, HTTP server.

``NewsmonService(settings).start()`` brings up everything the settings ask
for and ``stop()`` takes it down in reverse order, so the CLI stays thin and
tests run the whole service in-process.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

import faust
import httpx
import structlog
from aiokafka.errors import MessageSizeTooLargeError
from prometheus_client import CollectorRegistry

from monitor.alerts.deadletter import dead_letter
from monitor.alerts.delivery import Deliverer, destinations_from_settings
from monitor.alerts.grouping import digest
from monitor.alerts.silences import SilenceSet
from monitor.api.faust_collector import FaustCollector
from monitor.api.server import HttpServer
from monitor.api.store import RecentStore
from monitor.broker.embedded import EmbeddedBroker
from monitor.detect.developments import detect
from monitor.detect.state import StateStore
from monitor.egress import guarded_client
from monitor.ingest.errors import FinalSinkError
from monitor.ingest.poller import FeedPoller
from monitor.ingest.push import ArticlePush
from monitor.ingest.state import FeedStateStore
from monitor.ingest.websub import SubscriptionStore, WebSubSubscriber
from monitor.metrics import Metrics
from monitor.models import Article, Development, EnrichedArticle, StorylineMatch
from monitor.nlp.pool import Enricher
from monitor.settings import Settings
from monitor.storylines.config import Storyline, load_storylines
from monitor.storylines.match import match_storylines
from streams.acks import keep_queued_events_on_resume, seek_uncommitted_to_beginning
from streams.app import build_app, declare_topics
from streams.producer import ArticleProducer
from streams.rejects import InvalidSink, count_dead_article
from streams.shutdown import Action, StopStep, stop_within
from streams.silences import KafkaSilences
from streams.stages import Delivered, Stages, StateDict
from streams.topics import STATE_TABLE, TopicNames, changelog, ensure_topic
from streams.view import ClusterView

log = structlog.get_logger("newsmon.service")

#: what the embedded broker's stop keeps of the grace period to kill it and reap it
BROKER_KILL_SECONDS = 1.0


async def _nothing() -> None:
    """A step's forced stop when abandoning it is all there is to do."""


class NewsmonService:
    """Everything ``newsmon run`` runs, as one object with start()/stop()."""

    def __init__(
        self,
        settings: Settings,
        *,
        registry: CollectorRegistry | None = None,
        ingest: bool = True,
        worker: bool = True,
    ) -> None:
        self.settings = settings
        self.registry = registry or CollectorRegistry()
        self.metrics = Metrics(self.registry)
        self.store = RecentStore()
        # muted storylines/events: kept in the silences topic, managed over the HTTP API of any
        # process, honoured by every deliverer
        self.silences = SilenceSet()
        self.shared_silences: KafkaSilences | None = None
        self.view: ClusterView | None = None
        self.registry.register(FaustCollector(lambda: self.app.monitor if self.app is not None else None))
        self.storylines: tuple[Storyline, ...] = load_storylines(settings.storylines)
        self.run_ingest = ingest
        self.run_worker = worker
        self.broker: EmbeddedBroker | None = None
        self.bootstrap: str | None = settings.kafka.bootstrap_servers
        self.enricher: Enricher | None = None
        self.app: faust.App | None = None
        self.producer: ArticleProducer | None = None
        self.poller: FeedPoller | None = None
        self.http: HttpServer | None = None
        self._client: httpx.AsyncClient | None = None
        self._poll_task: asyncio.Task[None] | None = None
        self.websub: WebSubSubscriber | None = None
        self._websub_task: asyncio.Task[None] | None = None
        self._deliverer: Deliverer | None = None
        self._starting: asyncio.Task[object] | None = None  # start() while it runs

    # -- lifecycle ---------------------------------------------------------
    async def start(self) -> None:
        """Start every component, in dependency order; a stop() meanwhile cancels the start."""
        self._starting = asyncio.current_task()
        try:
            await self._start()
        finally:
            self._starting = None

    async def _start(self) -> None:
        self.settings.state_dir.mkdir(parents=True, exist_ok=True)
        if self.bootstrap is None:
            self.broker = EmbeddedBroker(
                self.settings.state_dir,
                port=self.settings.broker.port,
                controller_port=self.settings.broker.controller_port,
                heap=self.settings.broker.heap,
            )
            self.bootstrap = await asyncio.to_thread(self.broker.start)
        self.metrics.up.labels(component="broker").set(1)
        await self._start_followers()
        self._client = guarded_client(self.settings.egress.policy(), timeout=10.0)
        self.http = HttpServer(
            self.settings.http,
            self.registry,
            self.health,
            self.store,
            silences=self.silences,
            storylines=self.storylines,
            silence_writer=self.shared_silences,
            metrics=self.metrics,
        )
        await self.http.start()
        if self.run_worker:
            await self._start_worker()
        if self.run_ingest:
            await self._start_ingest()
        log.info("service_started", bootstrap=self.bootstrap, http_port=self.http.port)

    async def stop(self) -> bool:
        """Stop every component started, in reverse order, within ``stop_grace_seconds``; safe to
        call twice. Returns False when a step overran and what was left was forced (see
        :mod:`streams.shutdown`): offsets not committed by then are delivered again by Kafka."""
        grace = self.settings.stop_grace_seconds
        log.info("service_stopping", grace=grace)
        steps = self._stop_steps(grace)
        starting = self._starting
        if starting is not None and starting is not asyncio.current_task() and not starting.done():
            # a start waiting for Kafka would never end: cancel it, and wait for it within the grace
            log.info("service_start_cancelled")
            starting.cancel()

            async def started() -> None:
                await asyncio.wait({starting})

            steps.insert(0, StopStep("start", started, _nothing))
        overran = await stop_within(steps, grace)
        for component in ("broker", "worker", "ingester"):
            self.metrics.up.labels(component=component).set(0)
        log.info("service_stopped", orderly=overran is None)
        return overran is None

    def _stop_steps(self, grace: float) -> list[StopStep]:
        """The components in reverse start order, each with an orderly and a forced stop."""
        loop = asyncio.get_running_loop()
        broker_deadline = loop.time() + grace  # the broker's own stop escalates to SIGKILL by then

        async def websub() -> None:
            if self.websub is not None:
                await self.websub.stop()
            if self._websub_task is not None:
                await asyncio.gather(self._websub_task, return_exceptions=True)
            self.websub, self._websub_task = None, None

        async def websub_force() -> None:
            if self._websub_task is not None:
                self._websub_task.cancel()
            await websub()

        async def poller() -> None:
            if self._poll_task is not None:
                if self.poller is not None:
                    await self.poller.stop()
                self._poll_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._poll_task
                self._poll_task = None

        async def poller_force() -> None:
            if self._poll_task is not None:
                self._poll_task.cancel()
            await poller()  # stop() cancels the feed tasks before it waits for them

        async def producer() -> None:
            if self.producer is not None:
                await self.producer.stop()  # flushes what the ingester sent
                self.producer = None

        async def worker() -> None:
            if self.app is not None:
                await self.app.stop()  # commits what the agents acknowledged
                self.app = None

        async def enricher() -> None:
            if self.enricher is not None:
                await asyncio.to_thread(self.enricher.stop)  # waits for a batch running
                self.enricher = None

        async def enricher_force() -> None:
            if self.enricher is not None:
                self.enricher.terminate()
                self.enricher = None

        async def http() -> None:
            if self.http is not None:
                await self.http.stop()
                self.http = None

        async def client() -> None:
            if self._client is not None:
                await self._client.aclose()
                self._client = None

        async def view() -> None:
            if self.view is not None:
                await self.view.stop()
                self.view = None

        async def silences() -> None:
            if self.shared_silences is not None:
                await self.shared_silences.stop()
                self.shared_silences = None

        def abandon(*names: str) -> Action:
            async def drop() -> None:  # Kafka clients left as they are: the process is ending
                for name in names:
                    setattr(self, name, None)

            return drop

        async def broker() -> None:
            if self.broker is not None:
                timeout = max(broker_deadline - loop.time() - BROKER_KILL_SECONDS, 0.0)
                await asyncio.to_thread(self.broker.stop, timeout=timeout)
                self.broker = None

        async def broker_force() -> None:
            if self.broker is not None:
                await asyncio.to_thread(self.broker.stop, timeout=0)  # SIGKILL at once
                self.broker = None

        return [
            StopStep("websub", websub, websub_force),
            StopStep("poller", poller, poller_force),
            StopStep("producer", producer, abandon("producer")),
            StopStep("worker", worker, abandon("app")),
            StopStep("enricher", enricher, enricher_force),
            StopStep("http", http, http),
            StopStep("client", client, client),
            StopStep("view", view, abandon("view")),
            StopStep("silences", silences, abandon("shared_silences")),
            StopStep("broker", broker, broker_force),
        ]

    def health(self) -> dict[str, bool]:
        """Which components run; ``/healthz`` answers 503 when one is down."""
        components: dict[str, bool] = {"http": self.http is not None}
        if self.broker is not None:
            components["broker"] = self.broker.status().answers
        if self.run_worker:
            components["worker"] = self.app is not None and not self.app.should_stop
        if self.run_ingest:
            components["ingester"] = self._poll_task is not None and not self._poll_task.done()
        return components

    # -- components --------------------------------------------------------
    async def _start_followers(self) -> None:
        """What every process reads whole from Kafka: the silences, and the cluster's output."""
        assert self.bootstrap is not None
        names, kafka = TopicNames(self.settings.kafka.topic_prefix), self.settings.kafka
        self.shared_silences = KafkaSilences(
            self.bootstrap,
            names.silences,
            self.silences,
            replication=kafka.replication_factor,
            invalid=self._invalid_sink(names),
        )
        await self.shared_silences.start()  # read whole before anything is delivered
        await self.shared_silences.import_file(self.settings.state_dir / "silences.json")
        self.view = ClusterView(
            self.bootstrap,
            names,
            changelog(self.settings.app_id, STATE_TABLE),
            self.store,
            partitions=self.settings.kafka.partitions,
            invalid=self._invalid_sink(names),
        )
        await self.view.start()  # the page shows every worker's output, read from the topics

    async def _start_worker(self) -> None:
        assert self.bootstrap is not None and self._client is not None
        self.enricher = Enricher(self.storylines, processes=self.settings.nlp.processes)
        await asyncio.to_thread(self.enricher.start)
        self.metrics.model_info.labels(
            name=self.enricher.model_name, version=self.enricher.model_version
        ).set(1)
        self._deliverer = self._build_deliverer(self._client)
        self.app = build_app(self.settings, self.bootstrap, self._stages(), self.metrics)
        self.app.finalize()
        seek_uncommitted_to_beginning(self.app)
        keep_queued_events_on_resume(self.app)
        await declare_topics(self.app)
        await self.app.start()
        self.metrics.up.labels(component="worker").set(1)

    async def _start_ingest(self) -> None:
        assert self.bootstrap is not None and self._client is not None
        names = TopicNames(self.settings.kafka.topic_prefix)
        if self.app is None:  # ingester alone: still make sure its topics exist
            kafka = self.settings.kafka
            for topic in (names.articles, names.articles_deadletter):
                await ensure_topic(self.bootstrap, topic, kafka.partitions, kafka.replication_factor)
        self.producer = ArticleProducer(self.bootstrap, names.articles, deadletter=names.articles_deadletter)
        await self.producer.start()
        state = FeedStateStore(self.settings.state_dir / "ingest")
        self.poller = FeedPoller(
            self.settings.feeds,
            state=state,
            sink=self._produce,
            metrics=self.metrics,
            client=self._client,
            max_text_bytes=self.settings.ingest.max_text_bytes,
        )
        assert self.http is not None
        self.http.push = ArticlePush(self.poller)
        callback_base = self.settings.ingest.websub_callback_base
        if callback_base:
            self.websub = WebSubSubscriber(
                callback_base,
                poller=self.poller,
                store=SubscriptionStore(state.path),
                client=self._client,
                lease_seconds=self.settings.ingest.websub_lease_seconds,
                allow_http_hubs=self.settings.ingest.websub_allow_http_hubs,
                metrics=self.metrics,
            )
            self.poller.on_fetched = self.websub.feed_fetched
            self.http.websub = self.websub
            self._websub_task = asyncio.create_task(self.websub.run(), name="newsmon-websub")
        self._poll_task = asyncio.create_task(self.poller.run(), name="newsmon-poller")
        self.metrics.up.labels(component="ingester").set(1)

    async def _produce(self, article: Article) -> None:
        assert self.producer is not None
        try:
            await self.producer.send(article)
        except MessageSizeTooLargeError as exc:  # final for this record: never a reason to stop the queue
            error = f"record too large for the broker: {exc}"
            # dead-lettered, cut to fit (a failure here is not final: the poller keeps the article)
            await self.producer.dead_letter(article, reason="too_large", error=error)
            count_dead_article(self.metrics, article, stage="ingest", reason="too_large", error=error)
            raise FinalSinkError("too_large", error) from None
        self.metrics.articles.labels(stage="ingest", outcome="produced").inc()

    def _invalid_sink(self, names: TopicNames) -> InvalidSink:
        """Where a follower sends the records it cannot read (its own producer, started on first use)."""
        assert self.bootstrap is not None
        kafka = self.settings.kafka
        return InvalidSink(
            self.bootstrap,
            names.invalid_records,
            self.metrics,
            partitions=kafka.partitions,
            replication=kafka.replication_factor,
        )

    def _build_deliverer(self, client: httpx.AsyncClient) -> Deliverer:
        destinations = destinations_from_settings(
            self.settings.webhooks,
            client,
            self.settings.alerts,
            console=sys.stdout if self.settings.console_alerts else None,
        )
        return Deliverer(
            destinations,
            metrics=self.metrics,
            silences=self.silences,
            # Faust suspends flow control to stop or rebalance: a retry series then yields its event
            interrupted=lambda: self.app is not None and not self.app.flow_control.is_active(),
        )

    def _stages(self) -> Stages:
        enricher, deliverer, settings = self.enricher, self._deliverer, self.settings
        assert enricher is not None and deliverer is not None
        storylines, metrics = self.storylines, self.metrics

        async def enrich(articles: Sequence[Article]) -> list[EnrichedArticle]:
            result = await enricher.enrich(articles)
            metrics.articles.labels(stage="enrich", outcome="ok").inc(len(result))
            return result

        by_id = {storyline.id: storyline for storyline in storylines}

        def match(item: EnrichedArticle) -> list[StorylineMatch]:
            found = match_storylines(item, storylines, min_score=settings.detect.min_match_score)
            metrics.articles.labels(stage="match", outcome="matched" if found else "unmatched").inc()
            for one in found:
                metrics.storyline_matches.labels(storyline=one.storyline_id).inc()
            return found

        states = StateStore()  # keeps the model of the value each storyline's last detection stored

        def detect_stage(raw: StateDict | None, found: StorylineMatch) -> tuple[StateDict, list[Development]]:
            state, problem = states.restore(found.storyline_id, raw)
            if problem is not None:
                metrics.invalid_records.labels(
                    topic=changelog(settings.app_id, STATE_TABLE), reason="bad_schema"
                ).inc()
                log.error("storyline_state_invalid", storyline_id=found.storyline_id, error=problem)
            new_state, developments = detect(
                state,
                found,
                now=datetime.now(UTC),
                horizon_days=settings.detect.event_horizon_days,
                storyline=by_id.get(found.storyline_id),
                owned=True,
            )
            ingested_at = found.enriched.article.ingested_at
            developments = [d.model_copy(update={"trigger_ingested_at": ingested_at}) for d in developments]
            for dev in developments:
                metrics.developments.labels(storyline=dev.storyline_id, kind=dev.kind).inc()
            return states.store(new_state), developments

        async def deliver(devs: Sequence[Development], destination: str) -> Delivered:
            dev = devs[0] if len(devs) == 1 else digest(devs)
            outcomes = await deliverer.deliver_batch(
                devs, only={destination}, ingested_at=dev.trigger_ingested_at
            )
            return Delivered(
                abandoned=any(o.status == "abandoned" for o in outcomes),
                dead_letters=[dead_letter(dev, o) for o in outcomes if o.status == "dead_letter"],
            )

        return Stages(
            enrich=enrich,
            match=match,
            detect=detect_stage,
            deliver=deliver,
            destinations=tuple(d.name for d in deliverer.destinations),
        )
