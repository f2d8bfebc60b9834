"""Delivering one development to every destination: routing, retries, circuit breaking, metrics.

:meth:`Deliverer.deliver` returns one :class:`Outcome` per destination:

* ``delivered`` (reason ``ok``),
* ``filtered`` (reason ``kind``, ``storyline``, ``confidence`` or ``silenced``),
* ``dead_letter`` (reason: the last attempt's reason, ``circuit_open`` when the
  breaker refused every attempt, or ``rate_limited``). The caller publishes
  dead letters (see :mod:`monitor.alerts.deadletter`) to the dead-letter topic.
* ``abandoned`` (reason ``interrupted``): the ``interrupted`` callable turned
  true while the series waited for a retry or a rate-limit token, e.g. because
  the worker is stopping or its partitions are being reassigned. The alert was
  not delivered; the caller hands it back to Kafka so that it is delivered later.

Retries use exponential backoff with jitter; a ``Retry-After`` longer than the
backoff is honoured, and one longer than ``RetryPolicy.max_retry_after`` ends the
series at once (a dead letter, to be replayed later) rather than hammering. A
series also ends when the next wait would pass ``RetryPolicy.deadline``.

Metrics (``newsmon_alerts_total``): ``delivered``/ok, ``retried``/<reason> per
failed attempt that is retried, ``dead_lettered``/<reason>, ``filtered``/<reason>,
``abandoned``/interrupted;
``newsmon_alert_delivery_duration_seconds`` per attempt; the end-to-end
histograms once per development on its first successful delivery.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol, TextIO

import httpx
import structlog

from monitor.alerts.base import Channel, DeliveryResult
from monitor.alerts.breaker import CircuitBreaker
from monitor.alerts.console import ConsoleChannel
from monitor.alerts.grouping import Batch, digest
from monitor.alerts.ratelimit import TokenBucket
from monitor.alerts.slack import SlackChannel
from monitor.alerts.webhook import WebhookChannel
from monitor.metrics import Metrics
from monitor.models import Development
from monitor.settings import AlertSettings, WebhookSettings

log = structlog.get_logger(__name__)

OutcomeStatus = Literal["delivered", "filtered", "dead_letter", "abandoned"]


@dataclass(frozen=True)
class Outcome:
    """The final result of delivering one development to one destination."""

    destination: str
    status: OutcomeStatus
    reason: str
    attempts: int = 0
    http_status: int | None = None
    last_error_at: datetime | None = None

    @property
    def delivered(self) -> bool:
        """True when the destination accepted the alert."""
        return self.status == "delivered"


@dataclass(frozen=True)
class Route:
    """Which developments a destination wants. Empty collections mean "all"."""

    kinds: frozenset[str] = frozenset()
    storylines: frozenset[str] = frozenset()
    min_confidence: float = 0.0

    def rejects(self, dev: Development) -> str | None:
        """The filter reason (``kind``, ``storyline``, ``confidence``) or None when the route accepts."""
        if self.kinds and dev.kind not in self.kinds:
            return "kind"
        if self.storylines and dev.storyline_id not in self.storylines:
            return "storyline"
        if dev.confidence < self.min_confidence:
            return "confidence"
        return None


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts and backoff for one destination.

    The n-th retry waits ``min(max_delay, base_delay * 2**(n-1))`` scaled by a
    random factor in ``[1 - jitter, 1]``, or the ``Retry-After`` if longer.
    A series never sleeps past ``deadline`` seconds after its first attempt
    started (None: no deadline), so a caller's agent is not held indefinitely.
    """

    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_retry_after: float = 300.0
    jitter: float = 0.5
    deadline: float | None = 300.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_retry_after < 0:
            raise ValueError("delays must be >= 0")
        if self.deadline is not None and self.deadline <= 0:
            raise ValueError("deadline must be > 0")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError("jitter must be within [0, 1]")

    def backoff(self, retry: int, rng: random.Random) -> float:
        """The delay before retry number ``retry`` (1-based)."""
        delay: float = min(self.max_delay, self.base_delay * (2.0 ** (retry - 1)))
        return delay * (1.0 - self.jitter * rng.random())


@dataclass
class Destination:
    """A channel plus its routing, retry policy, breaker and optional rate limit."""

    channel: Channel
    route: Route = Route()
    retry: RetryPolicy = RetryPolicy()
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
    limiter: TokenBucket | None = None

    @property
    def name(self) -> str:
        """The channel name: the destination's identity in outcomes, logs and metrics."""
        return self.channel.name


class SilenceCheck(Protocol):
    """Tells whether a development is muted (see :class:`~monitor.alerts.silences.SilenceSet`)."""

    def is_silenced(self, dev: Development, now: datetime) -> bool: ...


def webhook_destination(
    settings: WebhookSettings,
    client: httpx.AsyncClient,
    *,
    storylines: Collection[str] = (),
    min_confidence: float = 0.0,
    base_delay: float = 1.0,
    max_delay: float = 60.0,
    breaker: CircuitBreaker | None = None,
    limiter: TokenBucket | None = None,
    name: str | None = None,
    fmt: Literal["newsmon", "slack"] = "newsmon",
) -> Destination:
    """A :class:`Destination` for a configured webhook (kinds and max_attempts from the settings).

    ``fmt="slack"`` posts Slack Block Kit messages to a Slack incoming webhook
    instead of the signed payload v1.
    """
    channel: Channel = (
        SlackChannel(settings.url, client, timeout=settings.timeout, name=name)
        if fmt == "slack"
        else WebhookChannel(settings, client, name=name)
    )
    return Destination(
        channel=channel,
        route=Route(frozenset(settings.kinds), frozenset(storylines), min_confidence),
        retry=RetryPolicy(max_attempts=settings.max_attempts, base_delay=base_delay, max_delay=max_delay),
        breaker=breaker or CircuitBreaker(),
        limiter=limiter,
    )


def destinations_from_settings(
    webhooks: Sequence[WebhookSettings],
    client: httpx.AsyncClient,
    alerts: AlertSettings,
    *,
    console: TextIO | None = None,
    monotonic: Callable[[], float] = time.monotonic,
) -> list[Destination]:
    """Destinations for ``Settings.webhooks`` with their per-webhook routes (plus the console when given)."""
    destinations = [
        webhook_destination(
            hook,
            client,
            storylines=hook.storylines,
            min_confidence=hook.min_confidence,
            base_delay=alerts.retry_base_delay,
            max_delay=alerts.retry_max_delay,
            breaker=CircuitBreaker(alerts.breaker_failures, alerts.breaker_cooldown, clock=monotonic),
            limiter=(
                TokenBucket(alerts.rate_per_second, alerts.rate_burst, now=monotonic())
                if alerts.rate_per_second
                else None
            ),
            name=hook.name,
            fmt=hook.format,
        )
        for hook in webhooks
    ]
    if alerts.apprise_urls:  # email, Teams, Discord, Telegram, ... through Apprise
        from monitor.alerts.apprise_channel import AppriseChannel

        destinations.extend(
            Destination(
                AppriseChannel(url.get_secret_value()),
                retry=RetryPolicy(base_delay=alerts.retry_base_delay, max_delay=alerts.retry_max_delay),
                breaker=CircuitBreaker(alerts.breaker_failures, alerts.breaker_cooldown, clock=monotonic),
            )
            for url in alerts.apprise_urls
        )
    if console is not None:
        destinations.insert(0, Destination(ConsoleChannel(console), retry=RetryPolicy(max_attempts=1)))
    return destinations


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Deliverer:
    """Delivers developments to a fixed set of destinations; safe to call from an asyncio agent."""

    def __init__(
        self,
        destinations: Sequence[Destination],
        metrics: Metrics,
        *,
        silences: SilenceCheck | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        now: Callable[[], datetime] = _utcnow,
        monotonic: Callable[[], float] = time.monotonic,
        max_rate_wait: float = 30.0,
        interrupted: Callable[[], bool] | None = None,
        poll_interval: float = 0.25,
    ) -> None:
        names = [d.name for d in destinations]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"destination names must be unique: {', '.join(duplicates)}")
        self.destinations = tuple(destinations)
        self._metrics = metrics
        self._silences = silences
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._now = now
        self._monotonic = monotonic
        self._max_rate_wait = max_rate_wait
        self._interrupted = interrupted
        self._poll_interval = poll_interval

    async def deliver(
        self,
        dev: Development,
        *,
        only: Collection[str] | None = None,
        ingested_at: datetime | None = None,
    ) -> list[Outcome]:
        """Deliver ``dev`` to every destination (or those named in ``only``), concurrently.

        ``ingested_at`` (the triggering article's ingestion time), when given,
        feeds ``newsmon_ingest_to_alert_seconds``.
        """
        return await self.deliver_batch((dev,), only=only, ingested_at=ingested_at)

    async def deliver_batch(
        self,
        devs: Sequence[Development] | Batch,
        *,
        only: Collection[str] | None = None,
        ingested_at: datetime | None = None,
    ) -> list[Outcome]:
        """Deliver a group of developments (see :mod:`monitor.alerts.grouping`) as one alert per destination.

        Filters and silences apply to each development; each destination gets
        the :func:`~monitor.alerts.grouping.digest` of those it accepts (the
        development itself when only one), or a ``filtered`` outcome when none.
        """
        members = tuple(devs.developments if isinstance(devs, Batch) else devs)
        if not members:
            return []
        now = self._now()
        silenced = {
            d.id for d in members if self._silences is not None and self._silences.is_silenced(d, now)
        }
        targets = [d for d in self.destinations if only is None or d.name in only]
        outcomes = list(await asyncio.gather(*(self._route(d, members, silenced) for d in targets)))
        if any(o.delivered for o in outcomes):
            for dev in members:
                self._observe_latency(dev, ingested_at)
        return outcomes

    async def _route(self, dest: Destination, members: Sequence[Development], silenced: set[str]) -> Outcome:
        rejections = ["silenced" if d.id in silenced else dest.route.rejects(d) for d in members]
        accepted = [d for d, why in zip(members, rejections, strict=True) if why is None]
        if not accepted:
            reason = rejections[0] or "filtered"
            for dev in members:
                self._count(dest.name, dev, "filtered", reason)
            return Outcome(dest.name, "filtered", reason)
        return await self._series(dest, digest(accepted))

    def _count(self, dest: str, dev: Development, outcome: str, reason: str) -> None:
        self._metrics.alerts.labels(
            channel=dest, storyline=dev.storyline_id, kind=dev.kind, outcome=outcome, reason=reason
        ).inc()

    def _observe_latency(self, dev: Development, ingested_at: datetime | None) -> None:
        now = self._now()
        if ingested_at is not None and (age := (now - ingested_at).total_seconds()) >= 0:
            self._metrics.ingest_to_alert_seconds.labels(kind=dev.kind).observe(age)
        published = [ref.published for ref in dev.articles if ref.published is not None]
        if published and (age := (now - max(published)).total_seconds()) >= 0:
            self._metrics.publish_to_alert_seconds.labels(kind=dev.kind).observe(age)

    async def _attempt(self, dest: Destination, dev: Development) -> DeliveryResult:
        started = time.perf_counter()
        try:
            result = await dest.channel.send(dev)
        except Exception as exc:  # a channel bug must not kill the agent
            log.warning("alert.channel_error", destination=dest.name, dev_id=dev.id, error=type(exc).__name__)
            result = DeliveryResult(ok=False, retryable=False, reason="channel_error")
        self._metrics.delivery_seconds.labels(channel=dest.name).observe(time.perf_counter() - started)
        return result

    async def _pause(self, delay: float) -> bool:
        """Sleep ``delay`` seconds in short slices; False as soon as ``interrupted()`` turns true."""
        interrupted = self._interrupted
        if interrupted is None:
            await self._sleep(delay)
            return True
        remaining = delay
        while remaining > 0:
            if interrupted():
                return False
            step = min(remaining, self._poll_interval)
            await self._sleep(step)
            remaining -= step
        return not interrupted()

    async def _take_token(self, dest: Destination) -> Literal["ok", "rate_limited", "interrupted"]:
        if dest.limiter is None:
            return "ok"
        waited = 0.0
        while not dest.limiter.try_acquire(self._monotonic()):
            wait = dest.limiter.wait_time(self._monotonic())
            if waited + wait > self._max_rate_wait:
                return "rate_limited"
            if not await self._pause(wait):
                return "interrupted"
            waited += wait
        return "ok"

    def _abandon(self, dest: Destination, dev: Development, attempts: int) -> Outcome:
        self._count(dest.name, dev, "abandoned", "interrupted")
        log.info("alert.abandoned", destination=dest.name, dev_id=dev.id, attempts=attempts)
        return Outcome(dest.name, "abandoned", "interrupted", attempts)

    def _dead(
        self,
        dest: Destination,
        dev: Development,
        reason: str,
        attempts: int,
        last: DeliveryResult | None,
        at: datetime | None,
    ) -> Outcome:
        self._count(dest.name, dev, "dead_lettered", reason)
        log.warning(
            "alert.dead_letter", destination=dest.name, dev_id=dev.id, reason=reason, attempts=attempts
        )
        return Outcome(
            dest.name, "dead_letter", reason, attempts, last.status if last else None, at or self._now()
        )

    async def _series(self, dest: Destination, dev: Development) -> Outcome:
        policy = dest.retry
        last: DeliveryResult | None = None
        last_error_at: datetime | None = None
        attempts = 0
        started = self._monotonic()
        while attempts < policy.max_attempts:
            token = await self._take_token(dest)
            if token == "interrupted":
                return self._abandon(dest, dev, attempts)
            if token == "rate_limited":
                return self._dead(dest, dev, "rate_limited", attempts, last, last_error_at)
            if not dest.breaker.allow():
                reason = last.reason if last else "circuit_open"
                return self._dead(dest, dev, reason, attempts, last, last_error_at)
            result = await self._attempt(dest, dev)
            attempts += 1
            if result.ok:
                dest.breaker.record_success()
                self._count(dest.name, dev, "delivered", "ok")
                log.info("alert.delivered", destination=dest.name, dev_id=dev.id, attempts=attempts)
                return Outcome(dest.name, "delivered", "ok", attempts, result.status)
            last, last_error_at = result, self._now()
            if result.status is not None and not result.retryable:
                dest.breaker.record_success()  # the receiver is up; it refused this alert
            else:
                dest.breaker.record_failure()
            if not result.retryable or attempts >= policy.max_attempts:
                break
            delay = policy.backoff(attempts, self._rng)
            if result.retry_after is not None:
                if result.retry_after > policy.max_retry_after:
                    break
                delay = max(delay, result.retry_after)
            if policy.deadline is not None and self._monotonic() - started + delay > policy.deadline:
                break
            self._count(dest.name, dev, "retried", result.reason)
            log.info(
                "alert.retry",
                destination=dest.name,
                dev_id=dev.id,
                reason=result.reason,
                attempt=attempts,
                delay=round(delay, 3),
            )
            if not await self._pause(delay):
                return self._abandon(dest, dev, attempts)
        assert last is not None
        return self._dead(dest, dev, last.reason, attempts, last, last_error_at)
