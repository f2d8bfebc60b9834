"""Prometheus metrics, built on an injected registry.

Every metric is named ``newsmon_*`` and created by :class:`Metrics` on the
registry it is given; tests pass a fresh ``CollectorRegistry``. Label values
are small fixed sets (stage, outcome, reason, kind, storyline id, feed URL).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
_E2E_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600, 21600, 86400, 604800)


def feed_label(url: str) -> str:
    """A feed URL as a metric label: without user, password, query or fragment, which may hold tokens.

    ``https://user:pw@example.org/rss?token=abc`` -> ``https://example.org/rss?…``.
    """
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url  # a local path
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    tail = "?…" if parts.query else ""
    return urlunsplit((parts.scheme, host, parts.path, "", "")) + tail


class Metrics:
    """All of Newsmon's metrics on one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        # ingestion
        self.feed_fetches = Counter(
            "newsmon_feed_fetches_total",
            "Feed fetches by outcome (ok, not_modified, error) and error reason.",
            ["feed_url", "outcome", "reason"],
            registry=registry,
        )
        self.feed_items = Counter(
            "newsmon_feed_items_total",
            "Feed items seen, by result (new, duplicate, updated, rejected).",
            ["feed_url", "result"],
            registry=registry,
        )
        self.feed_fetch_seconds = Histogram(
            "newsmon_feed_fetch_duration_seconds",
            "Time to fetch and parse one feed.",
            ["feed_url"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.feed_last_new_item = Gauge(
            "newsmon_feed_last_new_item_timestamp_seconds",
            "Unix time of the last new item seen on a feed.",
            ["feed_url"],
            registry=registry,
        )
        self.feed_up = Gauge(
            "newsmon_feed_up",
            "1 when the last fetch of the feed succeeded, else 0.",
            ["feed_url"],
            registry=registry,
        )
        self.websub_refused = Counter(
            "newsmon_websub_refused_total",
            "WebSub requests refused, by kind (verification, content, hub) and a fixed reason "
            "(unknown_callback, not_pending, missing_signature, too_large, http_hub, refused, ...).",
            ["kind", "reason"],
            registry=registry,
        )
        # processing
        self.articles = Counter(
            "newsmon_articles_total",
            "Articles by pipeline stage and outcome.",
            ["stage", "outcome"],
            registry=registry,
        )
        self.invalid_records = Counter(
            "newsmon_invalid_records_total",
            "Records that could not be read (not_json, too_deep, bad_schema), by source topic; "
            "each went to <prefix>-invalid-records.",
            ["topic", "reason"],
            registry=registry,
        )
        self.article_dead_letters = Counter(
            "newsmon_article_dead_letters_total",
            "Articles Kafka refused (too_large), by stage; each went, cut, to <prefix>-articles-deadletter.",
            ["stage", "reason"],
            registry=registry,
        )
        self.stage_seconds = Histogram(
            "newsmon_stage_duration_seconds",
            "Processing time per article and stage.",
            ["stage"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.consumer_lag = Gauge(
            "newsmon_consumer_lag",
            "Records not yet consumed per topic partition (high-water mark minus position).",
            ["topic", "partition"],
            registry=registry,
        )
        self.storyline_matches = Counter(
            "newsmon_storyline_matches_total",
            "Articles matched to a storyline.",
            ["storyline"],
            registry=registry,
        )
        self.events = Gauge(
            "newsmon_events",
            "Events currently held per storyline.",
            ["storyline"],
            registry=registry,
        )
        # alerts
        self.developments = Counter(
            "newsmon_developments_total",
            "Developments detected, by storyline and kind.",
            ["storyline", "kind"],
            registry=registry,
        )
        self.alerts = Counter(
            "newsmon_alerts_total",
            "Alert deliveries by channel, storyline, kind and outcome "
            "(delivered, retried, failed, dead_lettered, filtered).",
            ["channel", "storyline", "kind", "outcome", "reason"],
            registry=registry,
        )
        self.delivery_seconds = Histogram(
            "newsmon_alert_delivery_duration_seconds",
            "Time of one delivery attempt.",
            ["channel"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.ingest_to_alert_seconds = Histogram(
            "newsmon_ingest_to_alert_seconds",
            "From an article's ingestion to its alert being delivered.",
            ["kind"],
            buckets=_E2E_BUCKETS,
            registry=registry,
        )
        self.publish_to_alert_seconds = Histogram(
            "newsmon_publish_to_alert_seconds",
            "From an article's publication time to its alert being delivered.",
            ["kind"],
            buckets=_E2E_BUCKETS,
            registry=registry,
        )
        # model / process: process_* (CPU, memory, fds), python_info, python_gc_* on this registry
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
        self.model_info = Gauge(
            "newsmon_nlp_model_info",
            "The spaCy pipeline in use (value 1).",
            ["name", "version"],
            registry=registry,
        )
        self.http_requests = Counter(
            "newsmon_http_requests_total",
            "Requests to the monitor's HTTP server by route (its pattern) and status code; "
            "4xx answers are the API's rejections (bad push bodies, missing tokens, spoofed callbacks).",
            ["route", "code"],
            registry=registry,
        )
        self.up = Gauge(
            "newsmon_component_up",
            "1 when a service component is running.",
            ["component"],
            registry=registry,
        )
