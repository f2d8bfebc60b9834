"""Faust's own sensor figures as Prometheus metrics with conventional names.

``faust.sensors.prometheus.FaustMetrics`` names do not pass ``promtool check
metrics`` (``*_events_runtime_ms``, ``*_total_events_total``, latencies in
milliseconds), so this collector reads the figures Faust's default
:class:`faust.sensors.Monitor` already keeps (every app has one) and exposes
the useful ones at scrape time, in base units:

* ``newsmon_faust_messages_received_total{topic}`` / ``newsmon_faust_messages_sent_total{topic}``
* ``newsmon_faust_messages_active`` / ``newsmon_faust_events_active``
* ``newsmon_faust_events_total``
* ``newsmon_faust_event_runtime_seconds`` (median of recent events)
* ``newsmon_faust_commit_latency_seconds`` / ``newsmon_faust_send_latency_seconds`` (median of recent)
* ``newsmon_faust_rebalances_total``
* ``newsmon_faust_table_keys_{retrieved,updated,deleted}_total{table}``
* ``newsmon_faust_partition_offset{topic,partition,offset}`` (``offset`` = read, committed, end)

The monitor object is duck-typed (``monitor/`` never imports Faust): the
service hands in a callable returning the running app's ``app.monitor`` or
``None`` when the worker is not running (then nothing is exposed).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

PREFIX = "newsmon_faust"


def _median(values: Any) -> float:
    items = list(values or ())
    return float(statistics.median(items)) if items else 0.0


def _by_label(items: Mapping[Any, Any] | None) -> Iterable[tuple[str, float]]:
    return (
        (str(key), float(value)) for key, value in sorted((items or {}).items(), key=lambda kv: str(kv[0]))
    )


class FaustCollector(Collector):
    """Reads a Faust ``Monitor`` at scrape time; exposes nothing while ``source()`` is None."""

    def __init__(self, source: Callable[[], Any | None]) -> None:
        self.source = source

    def describe(self) -> Iterable[Metric]:
        """Nothing: the families appear only while a worker runs, so no names are reserved."""
        return []

    def collect(self) -> Iterator[Metric]:
        monitor = self.source()
        if monitor is None:
            return
        received = CounterMetricFamily(
            f"{PREFIX}_messages_received", "Messages Faust consumed, by topic.", labels=["topic"]
        )
        for topic, count in _by_label(getattr(monitor, "messages_received_by_topic", None)):
            received.add_metric([topic], count)
        yield received
        sent = CounterMetricFamily(
            f"{PREFIX}_messages_sent", "Messages Faust produced, by topic.", labels=["topic"]
        )
        for topic, count in _by_label(getattr(monitor, "messages_sent_by_topic", None)):
            sent.add_metric([topic], count)
        yield sent
        yield GaugeMetricFamily(
            f"{PREFIX}_messages_active",
            "Messages being processed now.",
            value=getattr(monitor, "messages_active", 0),
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_events_active",
            "Stream events being processed now.",
            value=getattr(monitor, "events_active", 0),
        )
        yield CounterMetricFamily(
            f"{PREFIX}_events",
            "Stream events processed by agents.",
            value=getattr(monitor, "events_total", 0),
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_event_runtime_seconds",
            "Median processing time of recent stream events.",
            value=_median(getattr(monitor, "events_runtime", None)),
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_commit_latency_seconds",
            "Median latency of recent offset commits.",
            value=_median(getattr(monitor, "commit_latency", None)),
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_send_latency_seconds",
            "Median latency of recent producer sends.",
            value=_median(getattr(monitor, "send_latency", None)),
        )
        yield CounterMetricFamily(
            f"{PREFIX}_rebalances",
            "Consumer group rebalances started.",
            value=getattr(monitor, "rebalances", 0),
        )
        yield from self._tables(monitor)
        yield self._offsets(monitor)

    def _tables(self, monitor: Any) -> Iterator[Metric]:
        families = {
            op: CounterMetricFamily(f"{PREFIX}_table_keys_{op}", f"Table keys {op}.", labels=["table"])
            for op in ("retrieved", "updated", "deleted")
        }
        tables: Mapping[Any, Any] = getattr(monitor, "tables", None) or {}
        for name, state in sorted(tables.items(), key=lambda kv: str(kv[0])):
            for op, family in families.items():
                family.add_metric([str(name)], float(getattr(state, f"keys_{op}", 0)))
        yield from families.values()

    def _offsets(self, monitor: Any) -> Metric:
        family = GaugeMetricFamily(
            f"{PREFIX}_partition_offset",
            "Offsets per topic partition: read (consumed), committed and end (high-water mark).",
            labels=["topic", "partition", "offset"],
        )
        for which, attr in (
            ("read", "tp_read_offsets"),
            ("committed", "tp_committed_offsets"),
            ("end", "tp_end_offsets"),
        ):
            offsets: Mapping[Any, Any] = getattr(monitor, attr, None) or {}
            for tp, offset in sorted(
                offsets.items(),
                key=lambda kv: (str(getattr(kv[0], "topic", kv[0])), str(getattr(kv[0], "partition", ""))),
            ):
                family.add_metric(
                    [str(getattr(tp, "topic", tp)), str(getattr(tp, "partition", "")), which], float(offset)
                )
        return family
