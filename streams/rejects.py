"""What no stage can use, kept where it can be looked at: invalid records and dead articles.

**Invalid records.** A record that is not JSON (``not_json``), JSON nested too deeply to parse
(``too_deep``), or JSON that is not what its topic carries (``bad_schema``) is skipped by whoever
reads it, counted in ``newsmon_invalid_records_total{topic, reason}``, logged (``record_invalid``)
and forwarded to ``<p>-invalid-records``:

* key ``<source topic>/<partition>/<offset>``: the topic is compacted as well as cleaned up after
  its retention, so a record forwarded twice (re-processed after a crash, or re-read by every
  process's silences follower at each start) is kept once;
* value: the raw value as it was, cut at 64 KiB (empty for a null value);
* headers: ``newsmon-topic``, ``newsmon-partition``, ``newsmon-offset``, ``newsmon-key`` (the
  original key), ``newsmon-reason``, ``newsmon-error`` (the parser's or validator's message, cut)
  ``newsmon-size`` (of the whole value) and ``newsmon-truncated`` (``1`` when the value was cut).

``kcat -C -t newsmon-invalid-records -f '%k %h\\n%s\\n'`` shows each with its cause.

**Dead articles.** An article whose record Kafka refuses for its size (the ingester's, or a
stage's enriched article or match made from it) goes to ``<p>-articles-deadletter``, keyed by
article id: the :class:`~monitor.models.Article` as JSON with its text and summary cut to
:data:`DEAD_TEXT_BYTES` so that the dead letter itself fits, and headers ``newsmon-reason``
(``too_large``), ``newsmon-stage``, ``newsmon-error`` and ``newsmon-text-bytes`` (the text's
size before the cut). Counted in ``newsmon_article_dead_letters_total{stage, reason}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import structlog
from aiokafka import AIOKafkaProducer
from pydantic import ValidationError

from monitor.metrics import Metrics
from monitor.models import Article
from streams.codec import MAX_RAW_BYTES, Undecodable
from streams.topics import ensure_topic

log = structlog.get_logger("newsmon.streams")

#: the reasons a record is invalid (the metric's and the header's values)
REASONS = ("not_json", "too_deep", "bad_schema")
#: an error message is cut here in headers and logs
MAX_ERROR_CHARS = 300
#: a dead article's text and summary are cut here (UTF-8 bytes), its title at a tenth of it
DEAD_TEXT_BYTES = 16 * 1024

Headers = list[tuple[str, bytes]]


def schema_error(exc: ValidationError) -> str:
    """A validation error in one line: the first failing field and why."""
    lines = [line.strip() for line in str(exc).splitlines()[:3] if "errors.pydantic.dev" not in line]
    return " ".join(lines)[:MAX_ERROR_CHARS]


@dataclass(frozen=True)
class InvalidRecord:
    """One record that could not be read, with where it was and why."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    raw: bytes | None
    reason: str  # one of REASONS
    error: str
    size: int | None = None  # of the whole value, when ``raw`` was cut already (the codec's marker)

    @classmethod
    def of(cls, bad: Undecodable, *, topic: str, partition: int, offset: int, key: object) -> InvalidRecord:
        """The invalid record for what could not be read at ``topic/partition/offset``."""
        return cls(
            topic=topic,
            partition=partition,
            offset=offset,
            key=key if isinstance(key, bytes) else None,
            raw=bad.raw,
            reason=bad.reason,
            error=bad.error,
            size=bad.size,
        )

    @property
    def record_key(self) -> bytes:
        """The key in the invalid-records topic: the source coordinates."""
        return f"{self.topic}/{self.partition}/{self.offset}".encode()

    @property
    def value(self) -> bytes:
        """The raw value, cut at ``MAX_RAW_BYTES`` (empty for a null value: never a tombstone)."""
        return (self.raw or b"")[:MAX_RAW_BYTES]

    @property
    def full_size(self) -> int:
        """The size of the whole value, before any cut."""
        return self.size if self.size is not None else len(self.raw or b"")

    def headers(self) -> Headers:
        """The record's metadata as Kafka headers."""
        return [
            ("newsmon-topic", self.topic.encode()),
            ("newsmon-partition", str(self.partition).encode()),
            ("newsmon-offset", str(self.offset).encode()),
            ("newsmon-key", self.key or b""),
            ("newsmon-reason", self.reason.encode()),
            ("newsmon-error", self.error[:MAX_ERROR_CHARS].encode()),
            ("newsmon-size", str(self.full_size).encode()),
            ("newsmon-truncated", b"1" if self.full_size > MAX_RAW_BYTES else b"0"),
        ]


def count_invalid(metrics: Metrics, record: InvalidRecord, *, stage: str) -> None:
    """Count and log one invalid record (the caller forwards it)."""
    reason = record.reason if record.reason in REASONS else "bad_schema"
    metrics.invalid_records.labels(topic=record.topic, reason=reason).inc()
    log.warning(
        "record_invalid",
        stage=stage,
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        reason=reason,
        error=record.error[:MAX_ERROR_CHARS],
    )


def _cut(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", errors="ignore")


def dead_article(article: Article, *, stage: str, reason: str, error: str) -> tuple[bytes, bytes, Headers]:
    """The dead-letter record (key, value, headers) of an article Kafka refused: cut so that it fits."""
    cut = article.model_copy(
        update={
            "text": _cut(article.text, DEAD_TEXT_BYTES),
            "summary": _cut(article.summary, DEAD_TEXT_BYTES),
            "title": _cut(article.title, DEAD_TEXT_BYTES // 10),
        }
    )
    value = json.dumps(cut.model_dump(mode="json"), ensure_ascii=False).encode()
    headers = [
        ("newsmon-reason", reason.encode()),
        ("newsmon-stage", stage.encode()),
        ("newsmon-error", error[:MAX_ERROR_CHARS].encode()),
        ("newsmon-text-bytes", str(len(article.text.encode("utf-8"))).encode()),
    ]
    return article.id.encode(), value, headers


def count_dead_article(metrics: Metrics, article: Article, *, stage: str, reason: str, error: str) -> None:
    """Count and log one dead-lettered article."""
    metrics.article_dead_letters.labels(stage=stage, reason=reason).inc()
    log.error(
        "article_dead_lettered",
        stage=stage,
        id=article.id,
        feed_url=article.feed_url,
        reason=reason,
        error=error[:MAX_ERROR_CHARS],
    )


class InvalidSink:
    """Forwards the invalid records that the topic followers (outside Faust) read.

    Its producer is started, and the topic created if missing, on the first record, so a
    process that never reads a bad record never opens a connection for it. ``stop()`` closes it.
    """

    def __init__(
        self, bootstrap: str, topic: str, metrics: Metrics, *, partitions: int, replication: int
    ) -> None:
        self.bootstrap, self.topic, self.metrics = bootstrap, topic, metrics
        self.partitions, self.replication = partitions, replication
        self._producer: AIOKafkaProducer | None = None

    async def forward(self, record: InvalidRecord, *, stage: str) -> None:
        """Count the record and send it to the invalid-records topic (broker-acknowledged)."""
        count_invalid(self.metrics, record, stage=stage)
        if self._producer is None:
            await ensure_topic(
                self.bootstrap, self.topic, self.partitions, self.replication, compact=True, delete=True
            )
            producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all")
            await producer.start()
            self._producer = producer
        await self._producer.send_and_wait(
            self.topic, key=record.record_key, value=record.value, headers=record.headers()
        )

    async def stop(self) -> None:
        """Close the producer, if it was started; safe to call twice."""
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
