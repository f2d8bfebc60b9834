"""The ingester's way into Kafka: keyed, idempotent, ``acks=all`` production.

:meth:`ArticleProducer.send` returns only once the broker has the record; while
the broker is unreachable it raises, and the poller keeps the item to retry
(an item is marked seen only after ``send`` returned). An article whose record
Kafka refuses for its size is sent, cut, to the articles dead-letter topic
with :meth:`ArticleProducer.dead_letter` (:mod:`streams.rejects`).
"""

from __future__ import annotations

import json

import structlog
from aiokafka import AIOKafkaProducer

from monitor.models import Article
from streams.rejects import dead_article

log = structlog.get_logger("newsmon.ingest")


class ArticleProducer:
    """Produce :class:`Article` records to the articles topic, keyed by article id."""

    def __init__(self, bootstrap: str, topic: str, *, deadletter: str, request_timeout: float = 30.0) -> None:
        self.topic = topic
        self.deadletter = deadletter
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap,
            acks="all",
            enable_idempotence=True,
            linger_ms=5,
            request_timeout_ms=int(request_timeout * 1000),
            client_id="newsmon-ingester",
        )

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send(self, article: Article) -> None:
        """Send one article and wait for the broker's acknowledgement."""
        body = json.dumps(article.model_dump(mode="json"), ensure_ascii=False).encode()
        await self._producer.send_and_wait(self.topic, value=body, key=article.id.encode())
        log.debug("article_produced", article_id=article.id, feed_url=article.feed_url)

    async def dead_letter(self, article: Article, *, stage: str = "ingest", reason: str, error: str) -> None:
        """Send ``article``, cut to fit, to the dead-letter topic with why; wait for the acknowledgement."""
        key, value, headers = dead_article(article, stage=stage, reason=reason, error=error)
        await self._producer.send_and_wait(self.deadletter, value=value, key=key, headers=headers)
