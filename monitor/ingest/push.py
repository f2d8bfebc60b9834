"""Articles pushed over HTTP (``POST /api/articles``) instead of polled.

The body is validated into a :class:`PushRequest`, turned into an
:class:`~monitor.models.Article` with the same identity rules as feed items
(given id, else normalized URL, else content hash; see
:mod:`monitor.ingest.identity`) and handed to :meth:`FeedPoller.accept`, so
pushed articles share the poller's seen-state, near-duplicate detection,
durable pending queue and sink (the Kafka producer).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.ingest.identity import article_id
from monitor.ingest.poller import FeedPoller
from monitor.models import Article

PUSH_FEED = "push:api"
MAX_PUSH_BYTES = 2 * 1024 * 1024


class PushRequest(BaseModel):
    """Body of ``POST /api/articles``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: str = Field(min_length=1, max_length=1000)
    text: str = Field(min_length=1)
    url: str | None = Field(default=None, max_length=4000)
    source: str = Field(default="", max_length=1000)
    published: str | None = None
    summary: str = ""
    id: str | None = Field(default=None, min_length=1, max_length=2000)
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}$")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("published")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value is not None:
            parse_published(value)
        return value


def parse_published(value: str) -> datetime:
    """An ISO 8601 date-time (``Z`` allowed); naive values are UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip().upper())  # RFC 3339 allows "t" and "z"
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def validation_message(exc: ValidationError) -> str:
    """``field: problem`` for the first error (the field named, as the API promises)."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    return f"{where}: {first['msg']}"


def parse_push(raw: bytes) -> PushRequest:
    """Validate a request body; raises ``ValueError`` with the bad field named."""
    try:
        data: Any = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ValueError("body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    try:
        return PushRequest.model_validate(data)
    except ValidationError as exc:
        raise ValueError(validation_message(exc)) from None


def build_article(body: PushRequest, *, now: datetime, feed_url: str = PUSH_FEED) -> Article:
    """The Article a push describes, with the same stable id a feed item would get."""
    url = body.url or ""
    return Article(
        id=article_id(guid=body.id or "", link=url, title=body.title, text=body.text, feed_url=feed_url),
        url=url,
        title=body.title,
        text=body.text,
        summary=body.summary,
        source=body.source,
        feed_url=feed_url,
        published=parse_published(body.published) if body.published else None,
        ingested_at=now,
        language=body.language,
    )


async def read_limited(request: web.Request, limit: int) -> bytes:
    """The request body, refused with 413 past ``limit`` bytes (whatever the app-wide limit is)."""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=declared)
    data = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        data += chunk
        if len(data) > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(data))
    return bytes(data)


class ArticlePush:
    """Accepts pushed articles into the poller's ingest path."""

    def __init__(self, poller: FeedPoller, *, feed_url: str = PUSH_FEED) -> None:
        self.poller = poller
        self.feed_url = feed_url

    async def push(self, body: PushRequest) -> dict[str, str]:
        """Ingest one article; ``{"id", "status": new|duplicate|updated}``."""
        article = build_article(body, now=datetime.now(UTC), feed_url=self.feed_url)
        verdicts = await self.poller.accept([article], feed_url=self.feed_url)
        return {"id": article.id, "status": verdicts.get(article.id, "duplicate")}


async def handle_push(request: web.Request, push: ArticlePush | None) -> web.Response:
    """``POST /api/articles`` after authorization: 400/413 on bad bodies, 403 without an ingester."""
    raw = await read_limited(request, MAX_PUSH_BYTES)
    try:
        body = parse_push(raw)
    except ValueError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from None
    if push is None:
        raise web.HTTPForbidden(text="article push is disabled: this process runs no ingester")
    return web.json_response(await push.push(body), status=202)
