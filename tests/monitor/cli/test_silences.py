"""`newsmon silences` talks to a running monitor's API; silences survive a restart."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from typer.testing import CliRunner

from monitor.alerts.silences import FileSilences, load_silences
from monitor.api.server import HttpServer
from monitor.api.store import RecentStore
from monitor.cli.main import app
from monitor.settings import HttpSettings

runner = CliRunner()
TOKEN = "cli-test-token"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HttpServer on a free port in a background loop, persisting silences to a file."""
    path = tmp_path / "silences.json"
    silences = load_silences(path)
    loop = asyncio.new_event_loop()
    server = HttpServer(
        HttpSettings(port=0, api_token=TOKEN),  # type: ignore[arg-type]
        CollectorRegistry(),
        lambda: {"http": True},
        RecentStore(),
        silences=silences,
        silence_writer=FileSilences(silences, path),
    )
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=10)
    yield f"http://127.0.0.1:{server.port}", path
    asyncio.run_coroutine_threadsafe(server.stop(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)


def test_add_list_expire_and_persist(api: tuple[str, Path]) -> None:
    """A silence added from the CLI is listed, saved to disk, and can be expired."""
    url, path = api
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
    assert [s.id for s in load_silences(path).list()] == [silence_id]
    expired = runner.invoke(app, ["silences", "expire", silence_id, "--url", url, "--token", TOKEN])
    assert expired.exit_code == 0, expired.output
    assert "no silences" in runner.invoke(app, ["silences", "list", "--url", url]).output


def test_wrong_token_is_refused(api: tuple[str, Path]) -> None:
    """Without the right token the API refuses the write and the CLI exits 1 saying why."""
    url, _ = api
    result = runner.invoke(app, ["silences", "add", "--event", "e1", "--url", url, "--token", "nope"])
    assert result.exit_code == 1
    assert "403" in result.output
