"""Shared fixtures for alert tests: developments, metrics, and a real local HTTP receiver."""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry

from monitor.alerts.signing import verify
from monitor.metrics import Metrics
from monitor.models import Development
from tests.helpers.tls import self_signed_cert

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "alerts"
SCHEMA = json.loads((ROOT / "docs" / "alert-payload.schema.json").read_text(encoding="utf-8"))


def _schema_errors(payload: Any) -> list[str]:
    """Every JSON-schema violation of ``payload`` against docs/alert-payload.schema.json."""
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{list(err.path)}: {err.message}" for err in validator.iter_errors(payload)]


@pytest.fixture
def payload_schema() -> dict[str, Any]:
    """docs/alert-payload.schema.json."""
    return dict(SCHEMA)


@pytest.fixture
def schema_errors() -> Callable[[Any], list[str]]:
    """``schema_errors(payload)``: every violation of the payload schema (empty when valid)."""
    return _schema_errors


@pytest.fixture
def sample_dev() -> Development:
    """The development in tests/data/alerts/development.json."""
    return Development.model_validate_json((DATA / "development.json").read_text(encoding="utf-8"))


@pytest.fixture
def make_dev(sample_dev: Development) -> Callable[..., Development]:
    """A factory: the sample development with fields overridden."""

    def make(**changes: Any) -> Development:
        return Development.model_validate({**sample_dev.model_dump(), **changes})

    return make


@pytest.fixture
def registry() -> CollectorRegistry:
    """A fresh Prometheus registry."""
    return CollectorRegistry()


@pytest.fixture
def metrics(registry: CollectorRegistry) -> Metrics:
    """Metrics on the fresh registry."""
    return Metrics(registry)


@dataclass
class Reply:
    """What the receiver answers to one request."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: str = "ok"


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    signature_valid: bool | None
    schema_errors: list[str]

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """A real aiohttp server on 127.0.0.1 (free port) answering POSTs from a script.

    Replies are taken in order from ``script``; once exhausted, ``default`` is used.
    With ``secret`` set it verifies every signature; with ``schema`` it validates every
    body against the payload schema and fails the test on exit if one did not validate.
    """

    Reply = Reply

    def __init__(
        self,
        script: list[Reply] | None = None,
        *,
        default: Reply | None = None,
        secret: str | None = None,
        schema: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.script = list(script or [])
        self.default = default or Reply()
        self.secret = secret
        self.schema = schema
        self.ssl_context = ssl_context
        self.received: list[Received] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://127.0.0.1:{self.port}/hook"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = dict(request.headers)
        valid: bool | None = None
        if self.secret is not None:
            valid = verify(
                self.secret,
                headers.get("X-Newsmon-Timestamp", ""),
                body,
                headers.get("X-Newsmon-Signature", ""),
            )
        errors = _schema_errors(json.loads(body)) if self.schema else []
        self.received.append(Received(request.path, headers, body, time.monotonic(), valid, errors))
        reply = self.script.pop(0) if self.script else self.default
        if reply.delay:
            await asyncio.sleep(reply.delay)
        return web.Response(status=reply.status, headers=reply.headers, text=reply.body)

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_route("POST", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self.ssl_context)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, exc_type: object, *_: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()
        if exc_type is None:
            bad = [r.schema_errors for r in self.received if r.schema_errors]
            assert not bad, f"payloads failed the schema: {bad}"


@pytest.fixture
def receiver() -> Iterator[type[Receiver]]:
    """The :class:`Receiver` class (start it inside the test's event loop: ``async with receiver(...)``)."""
    yield Receiver


def alerts_count(registry: CollectorRegistry, **labels: str) -> float:
    """Sum of newsmon_alerts_total samples matching ``labels``."""
    total = 0.0
    for metric in registry.collect():
        for sample in metric.samples:
            if sample.name == "newsmon_alerts_total" and all(
                sample.labels.get(k) == v for k, v in labels.items()
            ):
                total += sample.value
    return total


@pytest.fixture
def count_alerts(registry: CollectorRegistry) -> Callable[..., float]:
    """``count_alerts(outcome="delivered", ...)``: sum of newsmon_alerts_total for those labels."""
    return lambda **labels: alerts_count(registry, **labels)


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A throw-away self-signed certificate for 127.0.0.1: (cert.pem, key.pem). Needs the openssl CLI."""
    return self_signed_cert(tmp_path)
