"""`newsmon silences` talks to a running monitor's API: add, list, expire, and a refused write."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from prometheus_client import CollectorRegistry
from typer.testing import CliRunner

from monitor.alerts.silences import SilenceSet
from monitor.api.server import HttpServer
from monitor.api.store import RecentStore
from monitor.cli.main import app
from monitor.settings import HttpSettings

runner = CliRunner()
TOKEN = "cli-test-token"


@pytest.fixture
def api() -> Iterator[tuple[str, SilenceSet]]:
    """A real HttpServer on a free port in a background loop, and the silences it keeps."""
    silences = SilenceSet()
    loop = asyncio.new_event_loop()
    server = HttpServer(
        HttpSettings(port=0, api_token=TOKEN),  # type: ignore[arg-type]
        CollectorRegistry(),
        lambda: {"http": True},
        RecentStore(),
        silences=silences,
    )
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=10)
    yield f"http://127.0.0.1:{server.port}", silences
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)


def test_add_list_and_expire(api: tuple[str, SilenceSet]) -> None:
    """A silence added from the CLI is listed, held in the set the deliverer asks, and can be expired.
    (That silences survive a restart, through Kafka, is tests/integration/test_silences_shared.py.)"""
    url, silences = api
    added = runner.invoke(
        app,
        ["silences", "add", "--storyline", "us-alliance", "--hours", "2", "--comment", "quiet", "--url", url],
        env={"NEWSMON_API_TOKEN": TOKEN},
    )
    assert added.exit_code == 0, added.output
    (confirmation,) = [line for line in added.output.splitlines() if line.startswith("silenced:")]
    silence_id = confirmation.split()[1]
    listed = runner.invoke(app, ["silences", "list", "--url", url])
    assert "storyline_id=us-alliance" in listed.output and "quiet" in listed.output
    assert [s.id for s in silences.list()] == [silence_id]
    expired = runner.invoke(app, ["silences", "expire", silence_id, "--url", url, "--token", TOKEN])
    assert expired.exit_code == 0, expired.output
    assert "no silences" in runner.invoke(app, ["silences", "list", "--url", url]).output


def test_wrong_token_is_refused(api: tuple[str, SilenceSet]) -> None:
    """Without the right token the API refuses the write and the CLI exits 1 saying why."""
    url, _ = api
    result = runner.invoke(app, ["silences", "add", "--event", "e1", "--url", url, "--token", "nope"])
    assert result.exit_code == 1
    assert "403" in result.output
