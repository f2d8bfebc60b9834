"""The monitor's own HTTP server: health, Prometheus metrics and the read API.

It holds no pipeline logic: health comes from a callable the service hands
in, metrics from the injected registry, API data from a :class:`RecentStore`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from monitor.api.store import RecentStore
from monitor.settings import HttpSettings

log = structlog.get_logger("newsmon.http")

HealthCheck = Callable[[], dict[str, bool]]


class HttpServer:
    """aiohttp server with ``/healthz``, ``/metrics`` and ``/api/*``."""

    def __init__(
        self, settings: HttpSettings, registry: CollectorRegistry, health: HealthCheck, store: RecentStore
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.health = health
        self.store = store
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def build(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/api/alerts", self._alerts)
        app.router.add_get("/api/articles", self._articles)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.build(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self.settings.port
        log.info("http_started", host=self.settings.host, port=self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, _: web.Request) -> web.Response:
        components = self.health()
        ok = all(components.values())
        body: dict[str, Any] = {"status": "ok" if ok else "degraded", "components": components}
        return web.json_response(body, status=200 if ok else 503)

    async def _metrics(self, _: web.Request) -> web.Response:
        data = generate_latest(self.registry)
        return web.Response(body=data, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _alerts(self, _: web.Request) -> web.Response:
        return web.json_response([d.model_dump(mode="json") for d in self.store.developments()])

    async def _articles(self, _: web.Request) -> web.Response:
        return web.json_response([a.model_dump(mode="json") for a in self.store.articles()])
