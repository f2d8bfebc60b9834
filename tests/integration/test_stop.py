"""Stopping a ``newsmon worker`` (a real subprocess) with SIGTERM, whatever state Kafka is in.

Each test runs a broker of its own, which it kills (SIGKILL) under the worker:

* an idle worker, or one still starting, exits within ``stop_grace_seconds`` and the forcing
  after it, with code 0;
* a worker with an alert in delivery (the receiver holds the request) cannot stop in order:
  its log names the step that overran (``service_stop_timeout``), it exits with code 0, and once
  the broker is back the alert, never committed, is delivered by the next worker, whose own stop
  (broker up, nothing in flight) is orderly;
* a second SIGTERM during the stop exits at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from monitor.broker.embedded import EmbeddedBroker
from streams.shutdown import FORCE_SECONDS
from tests.helpers.cluster import WorkerProcess, new_worker
from tests.helpers.driver import send_articles
from tests.helpers.oracle import all_articles
from tests.helpers.receiver import Received, WebhookReceiver

GRACE = 3.0
#: how long the test waits for a worker to exit after SIGTERM before it calls it a hang; well above
#: the default grace (10 s) and the forcing, so only a worker that does not stop fails it
EXIT_BOUND = 10.0 + FORCE_SECONDS + 20.0


@dataclass
class HoldingReceiver(WebhookReceiver):
    """A webhook receiver that records each request and, while ``holding``, never answers it."""

    holding: bool = True
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append(Received(dict(request.headers), await request.read()))
        self._arrived.set()
        if self.holding:
            await self._release.wait()  # the worker gives up first: it is stopped meanwhile
        return web.Response(status=self.status)


def _wait_for_log(worker: WorkerProcess, text: str, timeout: float = 120.0) -> None:
    """Wait until ``text`` is in the worker's log; fail on timeout or when the worker exited."""
    deadline = time.monotonic() + timeout
    while text not in worker.log_text():
        if worker.proc is not None and worker.proc.poll() is not None:
            raise AssertionError(f"worker exited with {worker.proc.returncode}:\n{worker.log_tail()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {text!r} in the worker's log after {timeout}s:\n{worker.log_tail()}")
        time.sleep(0.2)


def _sigterm_and_wait(worker: WorkerProcess) -> int:
    """SIGTERM the worker; its exit code (a worker still running after EXIT_BOUND fails the test)."""
    assert worker.proc is not None
    worker.proc.send_signal(signal.SIGTERM)
    try:
        return worker.proc.wait(timeout=EXIT_BOUND)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"worker still running {EXIT_BOUND}s after SIGTERM:\n{worker.log_tail(60)}"
        ) from None


def _kill(broker: EmbeddedBroker) -> None:
    pid = broker.status().pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)


def _lines(log: str, event: str) -> list[str]:
    """The log lines of one event."""
    return [line for line in log.splitlines() if f" {event} " in f"{line} "]


@contextlib.contextmanager
def _own_broker(tmp_path: Path) -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker(tmp_path / "broker", port=0)
    broker.start(timeout=120)
    try:
        yield broker
    finally:
        broker.stop()


def _worker(tmp_path: Path, name: str, bootstrap: str, run_id: str, **extra: Any) -> WorkerProcess:
    hook_url = "http://127.0.0.1:9/hook"
    if "webhooks" in extra:
        hook_url = extra["webhooks"][0]["url"]
    return new_worker(tmp_path, name, bootstrap=bootstrap, run_id=run_id, hook_url=hook_url, extra=extra)


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("state", ["idle", "starting"])
def test_worker_without_broker_stops_within_the_grace_period(state: str, tmp_path: Path) -> None:
    """The broker is killed under an idle worker (or one still starting), then the worker gets
    SIGTERM: it exits with code 0 within the grace period and the forcing after it, having logged
    the grace it was given; a start still waiting for Kafka is cancelled."""
    with _own_broker(tmp_path) as broker:
        worker = _worker(
            tmp_path, "w", broker.bootstrap, f"stop-{uuid.uuid4().hex[:8]}", stop_grace_seconds=GRACE
        )
        try:
            worker.start()
            if state == "idle":
                _wait_for_log(worker, "service_started")
                _kill(broker)
                # its clients found the broker gone: the Kafka client says so first; our follower
                # only when it happens to ask the cluster (an idle, caught-up follower just fetches)
                _wait_for_log(worker, "Unable connect to node", timeout=60)
            else:
                _wait_for_log(worker, "silences_loaded")  # the Faust worker is not started yet
                _kill(broker)
            code = _sigterm_and_wait(worker)
        finally:
            worker.kill()
    log = worker.log_text()
    assert code == 0, worker.log_tail(60)
    stopping = _lines(log, "service_stopping")
    assert len(stopping) == 1 and f"grace={GRACE}" in stopping[0], worker.log_tail(60)
    assert len(_lines(log, "service_stopped")) == 1, worker.log_tail(60)
    if state == "starting":
        assert _lines(log, "service_start_cancelled"), worker.log_tail(60)


@pytest.mark.integration
@pytest.mark.slow
def test_stop_without_broker_and_with_work_in_flight_is_forced_and_the_work_redelivered(
    tmp_path: Path,
) -> None:
    """An alert is in delivery (the receiver holds the request) when the broker is killed and the
    worker gets SIGTERM: Faust waits for the delivery, so the stop overruns its grace period; the
    log names the step (service_stop_timeout component=worker), the rest is forced and the worker
    exits with code 0. With the broker back, the next worker delivers that alert (it was never
    committed), and stops in order itself: no service_stop_timeout."""
    run_id = f"stopwork-{uuid.uuid4().hex[:8]}"
    seeds = sorted(all_articles().values(), key=lambda a: a.id)

    async def scenario(broker: EmbeddedBroker) -> tuple[list[int], list[str], set[str], list[Received]]:
        receiver = HoldingReceiver()
        await receiver.start()
        hooks = [{"url": receiver.url, "secret": "s", "timeout": 300, "max_attempts": 10}]
        first = _worker(tmp_path, "w1", broker.bootstrap, run_id, webhooks=hooks, stop_grace_seconds=GRACE)
        second = _worker(tmp_path, "w2", broker.bootstrap, run_id, webhooks=hooks)  # the default grace
        try:
            first.start()
            await asyncio.to_thread(_wait_for_log, first, "service_started")
            await send_articles(broker.bootstrap, f"{run_id}-articles", seeds)
            held = await receiver.wait_for(1, timeout=180)
            assert held, first.log_tail(60)
            held_ids = {r.payload["id"] for r in held}
            _kill(broker)
            codes = [await asyncio.to_thread(_sigterm_and_wait, first)]
            assert await asyncio.to_thread(broker.start, timeout=120) == broker.bootstrap
            receiver.holding = False
            before = len(receiver.requests)
            second.start()
            await receiver.wait_until(
                lambda got: held_ids <= {r.payload["id"] for r in got[before:]}, timeout=180
            )
            await asyncio.sleep(2.0)  # let the delivery be acknowledged
            codes.append(await asyncio.to_thread(_sigterm_and_wait, second))
            return codes, [first.log_text(), second.log_text()], held_ids, receiver.requests[before:]
        finally:
            first.kill()
            second.kill()
            receiver._release.set()
            await receiver.stop()

    with _own_broker(tmp_path) as broker:
        codes, (forced, orderly), held_ids, after = asyncio.run(scenario(broker))
    assert codes == [0, 0], (codes, forced[-4000:], orderly[-4000:])
    timeouts = _lines(forced, "service_stop_timeout")
    assert len(timeouts) == 1 and "component=worker" in timeouts[0], forced[-4000:]
    assert f"grace={GRACE}" in timeouts[0]
    assert "orderly=False" in _lines(forced, "service_stopped")[0], forced[-4000:]
    assert held_ids <= {r.payload["id"] for r in after}, "the alert in flight was not delivered again"
    assert "orderly=True" in _lines(orderly, "service_stopped")[0], orderly[-4000:]
    assert not _lines(orderly, "service_stop_timeout"), orderly[-4000:]


@pytest.mark.integration
@pytest.mark.slow
def test_second_sigterm_during_the_stop_exits_at_once(tmp_path: Path) -> None:
    """A second SIGTERM while the stop waits (grace 120 s, an alert held in delivery, the broker
    killed) ends the worker at once: exit code 128 + 15, and the log says so."""

    async def scenario(broker: EmbeddedBroker) -> tuple[int, str]:
        receiver = HoldingReceiver()
        await receiver.start()
        hooks = [{"url": receiver.url, "secret": "s", "timeout": 300, "max_attempts": 10}]
        run_id = f"stop2-{uuid.uuid4().hex[:8]}"
        worker = _worker(tmp_path, "w", broker.bootstrap, run_id, webhooks=hooks, stop_grace_seconds=120)
        try:
            worker.start()
            await asyncio.to_thread(_wait_for_log, worker, "service_started")
            await send_articles(broker.bootstrap, f"{run_id}-articles", list(all_articles().values()))
            assert await receiver.wait_for(1, timeout=180), worker.log_tail(60)
            _kill(broker)
            assert worker.proc is not None
            worker.proc.send_signal(signal.SIGTERM)
            await asyncio.to_thread(_wait_for_log, worker, "service_stopping", 30)
            # the stop would wait 120 s: only the second signal ends it within EXIT_BOUND
            return await asyncio.to_thread(_sigterm_and_wait, worker), worker.log_text()
        finally:
            worker.kill()
            receiver._release.set()
            await receiver.stop()

    with _own_broker(tmp_path) as broker:
        code, log = asyncio.run(scenario(broker))
    assert code == 128 + signal.SIGTERM, log[-4000:]
    interrupted = _lines(log, "service_stop_interrupted")
    assert len(interrupted) == 1 and "signal=SIGTERM" in interrupted[0], log[-4000:]
    assert not _lines(log, "service_stopped")
