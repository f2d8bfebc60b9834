"""The monitor's own HTTP server: health, Prometheus metrics, the JSON API and the web page.

It holds no pipeline logic: health comes from a callable the service hands
in, metrics from the injected registry, API data from a :class:`RecentStore`,
silences from the service's :class:`SilenceSet` (the one its deliverer asks).
The API is described by ``docs/openapi.yaml`` (served at ``/api/openapi.json``
and ``/api/openapi.yaml``). Reads are open; writes (silences) need
``Authorization: Bearer <http.api_token>`` and are refused when no token is
configured. Every error is a JSON body ``{"error": {"status", "message"}}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import structlog
import yaml
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from monitor.alerts.silences import Silence, SilenceError, SilenceSet, SilenceWriter, mute
from monitor.api import views
from monitor.api.store import RecentStore
from monitor.ingest.push import ArticlePush, handle_push
from monitor.ingest.websub import WebSubSubscriber
from monitor.metrics import Metrics
from monitor.models import DevelopmentKind
from monitor.settings import HttpSettings
from monitor.storylines.config import Storyline

log = structlog.get_logger("newsmon.http")

HealthCheck = Callable[[], dict[str, bool]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STATIC = Path(__file__).resolve().parent / "static"
KINDS: tuple[str, ...] = get_args(DevelopmentKind)
MAX_LIMIT = 1000
MAX_SILENCE = timedelta(days=366)
KEEPALIVE_SECONDS = 15.0
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class SilenceRequest(BaseModel):
    """Body of ``POST /api/silences``."""

    model_config = ConfigDict(extra="forbid")

    storyline_id: str | None = Field(default=None, min_length=1, max_length=200)
    event_id: str | None = Field(default=None, min_length=1, max_length=200)
    duration_seconds: int = Field(default=3600, ge=1, le=int(MAX_SILENCE.total_seconds()))
    created_by: str = Field(default="", max_length=200)
    comment: str = Field(default="", max_length=2000)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        {"error": {"status": status, "message": message}}, status=status, headers=headers
    )


@web.middleware
async def _json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every HTTP error (and any unexpected exception) into a JSON body; add safety headers."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        kept = ("Allow", "WWW-Authenticate", "Retry-After")
        headers = {k: v for k, v in exc.headers.items() if k in kept}
        default = f"{exc.status}: {exc.reason}"
        response = _error(exc.status, exc.text if exc.text and exc.text != default else exc.reason, headers)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("http_handler_failed", path=request.path)
        response = _error(500, "internal error")
    if not response.prepared:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def _bad_request(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=message)


def _limit(request: web.Request, default: int = 100) -> int:
    raw = request.query.get("limit")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad_request(f"limit must be an integer between 1 and {MAX_LIMIT}") from None
    if not 1 <= value <= MAX_LIMIT:
        raise _bad_request(f"limit must be an integer between 1 and {MAX_LIMIT}")
    return value


def _load_spec() -> dict[str, Any]:
    spec = yaml.safe_load((STATIC / "openapi.yaml").read_text(encoding="utf-8"))
    assert isinstance(spec, dict)
    return spec


class HttpServer:
    """aiohttp server: ``/healthz``, ``/metrics``, ``/api/*`` and the web page at ``/``."""

    def __init__(
        self,
        settings: HttpSettings,
        registry: CollectorRegistry,
        health: HealthCheck,
        store: RecentStore,
        *,
        silences: SilenceSet | None = None,
        storylines: Sequence[Storyline] = (),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        silence_writer: SilenceWriter | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.metrics = metrics if metrics is not None else Metrics(registry)
        self.health = health
        self.store = store
        self.silences = silences if silences is not None else SilenceSet()
        self._silence_writer = silence_writer  # None: changes stay in this process's set
        self.storylines = tuple(storylines)
        self.now = now
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._streams = 0  # open /api/stream connections
        self._spec = _load_spec()
        self.port: int | None = None
        self.push: ArticlePush | None = None  # set by the service when it runs an ingester
        self.websub: WebSubSubscriber | None = None  # set when ingest.websub_callback_base is configured

    def build(self) -> web.Application:
        """The aiohttp application (also used directly by tests)."""
        app = web.Application(middlewares=[self._count, _json_errors], client_max_size=64 * 1024)
        get = app.router.add_get
        get("/", self._index)
        get("/healthz", self._healthz)
        get("/metrics", self._metrics)
        get("/api/openapi.json", self._openapi_json)
        get("/api/openapi.yaml", self._openapi_yaml)
        get("/api/storylines", self._storylines)
        get("/api/storylines/{storyline_id}", self._storyline)
        get("/api/storylines/{storyline_id}/events", self._events)
        get("/api/storylines/{storyline_id}/events/{event_id}", self._event)
        get("/api/articles", self._articles)
        get("/api/articles/{article_id}", self._article)
        get("/api/alerts", self._alerts)
        get("/api/silences", self._list_silences)
        app.router.add_post("/api/silences", self._create_silence)
        app.router.add_delete("/api/silences/{silence_id}", self._expire_silence)
        app.router.add_post("/api/articles", self._push_article)
        get("/websub/{token}", self._websub)
        app.router.add_post("/websub/{token}", self._websub, expect_handler=self._websub_expect)
        get("/api/stream", self._stream)
        app.router.add_static("/static", STATIC, append_version=False)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def start(self) -> None:
        self._closing = asyncio.Event()
        self._runner = web.AppRunner(self.build(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self.settings.port
        log.info("http_started", host=self.settings.host, port=self.port)

    async def stop(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _on_shutdown(self, _: web.Application) -> None:
        self._closing.set()

    @web.middleware
    async def _count(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Count every answer by route pattern (bounded: unknown paths are ``unmatched``) and code."""
        info = request.match_info.route.resource
        route = info.canonical if info is not None else "unmatched"
        code = 500
        try:
            response = await handler(request)
            code = response.status
            return response
        except web.HTTPException as exc:
            code = exc.status
            raise
        finally:
            self.metrics.http_requests.labels(route=route, code=str(code)).inc()

    # -- health, metrics, spec, page ------------------------------------------
    async def _healthz(self, _: web.Request) -> web.Response:
        components = self.health()
        ok = all(components.values())
        body: dict[str, Any] = {"status": "ok" if ok else "degraded", "components": components}
        return web.json_response(body, status=200 if ok else 503)

    async def _metrics(self, _: web.Request) -> web.Response:
        data = generate_latest(self.registry)
        return web.Response(body=data, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _openapi_json(self, _: web.Request) -> web.Response:
        return web.json_response(self._spec, dumps=lambda v: json.dumps(v, default=str))

    async def _openapi_yaml(self, _: web.Request) -> web.Response:
        text = (STATIC / "openapi.yaml").read_text(encoding="utf-8")
        return web.Response(text=text, content_type="application/yaml")

    async def _index(self, _: web.Request) -> web.Response:
        html = (STATIC / "index.html").read_text(encoding="utf-8")
        return web.Response(
            text=html,
            content_type="text/html",
            headers={"Content-Security-Policy": CSP, "Cache-Control": "no-cache"},
        )

    # -- reads -----------------------------------------------------------------
    def _known_storyline(self, storyline_id: str) -> dict[str, Any]:
        found = views.storyline_summary(self.store, self.storylines, storyline_id)
        if found is None:
            raise web.HTTPNotFound(text=f"no storyline {storyline_id!r}")
        return found

    async def _storylines(self, _: web.Request) -> web.Response:
        return web.json_response(views.storyline_summaries(self.store, self.storylines))

    async def _storyline(self, request: web.Request) -> web.Response:
        return web.json_response(self._known_storyline(request.match_info["storyline_id"]))

    async def _events(self, request: web.Request) -> web.Response:
        storyline_id = request.match_info["storyline_id"]
        self._known_storyline(storyline_id)
        state = self.store.states().get(storyline_id)
        return web.json_response(views.timeline(self.store, state) if state else [])

    async def _event(self, request: web.Request) -> web.Response:
        storyline_id, event_id = request.match_info["storyline_id"], request.match_info["event_id"]
        self._known_storyline(storyline_id)
        found = views.event_detail(self.store, storyline_id, event_id)
        if found is None:
            raise web.HTTPNotFound(text=f"no event {event_id!r} in storyline {storyline_id!r}")
        return web.json_response(found)

    async def _articles(self, request: web.Request) -> web.Response:
        storyline = request.query.get("storyline") or None
        limit = _limit(request)
        return web.json_response(views.article_summaries(self.store, storyline=storyline, limit=limit))

    async def _article(self, request: web.Request) -> web.Response:
        article_id = request.match_info["article_id"]
        found = views.article_detail(self.store, article_id)
        if found is None:
            raise web.HTTPNotFound(text=f"no article {article_id!r}")
        return web.json_response(found)

    async def _alerts(self, request: web.Request) -> web.Response:
        kind = request.query.get("kind")
        if kind is not None and kind not in KINDS:
            raise _bad_request(f"kind must be one of {', '.join(KINDS)}")
        storyline = request.query.get("storyline") or None
        limit = _limit(request, default=MAX_LIMIT)
        return web.json_response(views.alerts(self.store, storyline=storyline, kind=kind, limit=limit))

    async def _list_silences(self, request: web.Request) -> web.Response:
        raw = request.query.get("include_expired", "false").lower()
        if raw not in ("true", "false"):
            raise _bad_request("include_expired must be true or false")
        items = self.silences.list(self.now(), include_expired=raw == "true")
        return web.json_response([s.model_dump(mode="json") for s in items])

    # -- writes ----------------------------------------------------------------
    def _authorize(self, request: web.Request) -> None:
        token = self.settings.api_token
        if token is None:
            raise web.HTTPForbidden(text="writes are disabled: no http.api_token is configured")
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise web.HTTPUnauthorized(
                text="missing bearer token (Authorization: Bearer <token>)",
                headers={"WWW-Authenticate": 'Bearer realm="newsmon"'},
            )
        # header bytes that are not UTF-8 arrive as surrogate escapes: compare the bytes as sent
        sent = given.strip().encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(sent, token.get_secret_value().encode()):
            raise web.HTTPForbidden(text="invalid token")

    async def _create_silence(self, request: web.Request) -> web.Response:
        self._authorize(request)
        try:
            raw = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise _bad_request("body must be a JSON object") from None
        if not isinstance(raw, dict):
            raise _bad_request("body must be a JSON object")
        try:
            body = SilenceRequest.model_validate(raw)
            silence = mute(
                now=self.now(),
                duration=timedelta(seconds=body.duration_seconds),
                storyline_id=body.storyline_id,
                event_id=body.event_id,
                created_by=body.created_by,
                comment=body.comment,
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise _bad_request(f"{where}: {first['msg']}") from None
        except SilenceError as exc:
            raise _bad_request(str(exc)) from None
        await self._write_silence(silence.id, silence)
        log.info("silence_created", silence_id=silence.id, matcher=silence.matcher.model_dump())
        return web.json_response(silence.model_dump(mode="json"), status=201)

    async def _push_article(self, request: web.Request) -> web.Response:
        self._authorize(request)
        return await handle_push(request, self.push)

    async def _websub(self, request: web.Request) -> web.StreamResponse:
        if self.websub is None:
            raise web.HTTPNotFound(text="WebSub is not enabled (ingest.websub_callback_base)")
        return await self.websub.handle(request)

    async def _websub_expect(self, request: web.Request) -> None:
        """``Expect: 100-continue`` on a WebSub push: the subscriber decides before the body is sent."""
        if self.websub is None:
            raise web.HTTPNotFound(text="WebSub is not enabled (ingest.websub_callback_base)")
        await self.websub.expect(request)

    async def _write_silence(self, silence_id: str, silence: Silence | None) -> None:
        """Record a change through the writer (503 when it cannot), or in this process's set."""
        if self._silence_writer is None:
            self.silences.apply(silence_id, silence)
            return
        try:
            await self._silence_writer.write(silence_id, silence)
        except SilenceError as exc:
            log.warning("silence_write_failed", silence_id=silence_id, error=str(exc))
            raise web.HTTPServiceUnavailable(text=f"the silence was not stored: {exc}") from None

    async def _expire_silence(self, request: web.Request) -> web.Response:
        self._authorize(request)
        silence_id = request.match_info["silence_id"]
        try:
            before = self.silences.get(silence_id)
            ended = self.silences.ending(silence_id, self.now())
        except SilenceError:
            raise web.HTTPNotFound(text=f"no silence {silence_id!r}") from None
        await self._write_silence(silence_id, ended)
        log.info("silence_expired", silence_id=silence_id)
        return web.json_response((ended or before).model_dump(mode="json"))

    # -- live updates ------------------------------------------------------------
    async def _stream(self, request: web.Request) -> web.StreamResponse:
        """Server-Sent Events: ``update`` whenever the store changes (debounced), keep-alives between.

        At most ``http.max_stream_clients`` at once: a further client gets a 503 with Retry-After.
        """
        if self._streams >= self.settings.max_stream_clients:
            raise web.HTTPServiceUnavailable(
                text="too many live-update connections; retry later", headers={"Retry-After": "30"}
            )
        self._streams += 1
        try:
            return await self._serve_stream(request)
        finally:
            self._streams -= 1

    async def _serve_stream(self, request: web.Request) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        changed = asyncio.Event()

        def listener(_: str) -> None:
            loop.call_soon_threadsafe(changed.set)

        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        unsubscribe = self.store.subscribe(listener)
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await response.write(f"retry: 3000\nevent: hello\ndata: {self.store.version}\n\n".encode())
            quiet = 0.0
            while not self._closing.is_set():
                waiter = asyncio.ensure_future(changed.wait())
                done, _ = await asyncio.wait({waiter, closing}, timeout=1.0, return_when="FIRST_COMPLETED")
                if waiter not in done:
                    waiter.cancel()
                    if request.transport is None or request.transport.is_closing():
                        break  # the client left: free its slot now, not at the next keep-alive
                    quiet += 1.0
                    if closing not in done and quiet >= KEEPALIVE_SECONDS:
                        quiet = 0.0
                        await response.write(b": keep-alive\n\n")
                    continue
                await asyncio.sleep(0.25)  # coalesce a burst of observations into one update
                changed.clear()
                await response.write(f"event: update\ndata: {self.store.version}\n\n".encode())
        except ConnectionResetError:
            pass
        finally:
            unsubscribe()
            closing.cancel()
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response
