"""A real local HTTP webhook receiver for tests: records every request it gets."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Received:
    """One request as the receiver saw it."""

    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)  # arrival, on the monotonic clock

    @property
    def payload(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """aiohttp server on 127.0.0.1:<free port>; ``status`` sets what it answers."""

    status: int = 200
    requests: list[Received] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    port: int = 0
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append(Received(dict(request.headers), await request.read()))
        self._arrived.set()
        return web.Response(status=self.status)

    async def wait_for(self, count: int, timeout: float) -> list[Received]:
        """Wait until ``count`` requests arrived (or ``timeout`` passed); return them."""
        return await self.wait_until(lambda got: len(got) >= count, timeout)

    async def wait_until(self, done: Callable[[list[Received]], bool], timeout: float) -> list[Received]:
        """Wait until ``done(requests)`` holds (or ``timeout`` passed); return the requests."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not done(list(self.requests)) and loop.time() < deadline:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout=max(0.1, deadline - loop.time()))
            except TimeoutError:
                break
        return list(self.requests)
