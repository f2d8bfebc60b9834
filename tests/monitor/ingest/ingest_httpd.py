"""A real local HTTP server for ingestion tests (aiohttp on 127.0.0.1, free port).

Routes map a path to a handler; every request is recorded with its headers so
tests can check conditional GETs, User-Agent and how often a feed was hit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Seen:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    at: float


@dataclass
class FeedServer:
    """Start with ``async with FeedServer() as server``; add routes any time.

    ``host`` may be another loopback address (``127.0.0.2``) to play an
    internal service the egress policy must keep requests away from.
    """

    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    base: str = ""
    host: str = "127.0.0.1"
    _runner: web.AppRunner | None = None

    async def __aenter__(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server: Any = site._server
        port = server.sockets[0].getsockname()[1]
        self.base = f"http://{self.host}:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return self.base + path

    def hits(self, path: str) -> list[Seen]:
        """Requests received for a path."""
        return [r for r in self.requests if r.path == path]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        import time

        self.requests.append(Seen(request.path, dict(request.headers), time.monotonic()))
        handler = self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="not found")
        return await handler(request)


def static(
    body: str | bytes,
    *,
    content_type: str = "application/rss+xml",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Handler:
    """A handler always answering the same thing."""
    data = body.encode() if isinstance(body, str) else body

    async def handle(request: web.Request) -> web.StreamResponse:
        return web.Response(body=data, status=status, content_type=content_type, headers=headers)

    return handle


def rss(items: list[dict[str, str]], *, title: str = "Test feed") -> str:
    """An RSS 2.0 document with the given items (keys: guid, link, title, description, pubDate)."""
    parts = [
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{title}</title>'
        "<link>http://example.invalid/</link><description>test</description>"
    ]
    for item in items:
        parts.append("<item>")
        for key in ("guid", "link", "title", "description", "pubDate"):
            if key in item:
                parts.append(f"<{key}>{item[key]}</{key}>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts)


def http_date(when: datetime | None = None) -> str:
    """An HTTP date header value."""
    return format_datetime(when or datetime.now(UTC), usegmt=True)
