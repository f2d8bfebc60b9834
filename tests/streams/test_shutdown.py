"""Stopping within a deadline: the first step to overrun is named and forced, so is every step after it."""

from __future__ import annotations

import asyncio
import contextlib

from structlog.testing import capture_logs

from streams.shutdown import StopStep, stop_within

#: a bound on each scenario, far above its grace: a stop that hangs fails the test instead
HANG_BOUND = 30.0


class Trace:
    """Records which orderly and forced stops ran, in order."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.released = False  # lets a stubborn stop end once the scenario is over

    def step(self, component: str, orderly: str = "quick", force: str = "quick") -> StopStep:
        async def run() -> None:
            self.calls.append(f"{component}:orderly")
            if orderly == "hang":
                await asyncio.Event().wait()
            elif orderly == "stubborn":  # swallows cancellation, as mode's child stops do
                while not self.released:
                    with contextlib.suppress(asyncio.CancelledError):
                        await asyncio.sleep(0.05)
            elif orderly == "fail":
                raise RuntimeError("connection refused")
            elif orderly == "cancelled":  # a client whose stop re-raises its own task's cancellation
                raise asyncio.CancelledError

        async def forced() -> None:
            self.calls.append(f"{component}:force")
            if force == "hang":
                await asyncio.Event().wait()

        return StopStep(component, run, forced)


def _stop(trace: Trace, steps: list[StopStep], grace: float) -> tuple[str | None, list[dict[str, object]]]:
    async def scenario() -> str | None:
        try:
            return await asyncio.wait_for(stop_within(steps, grace, force_seconds=1.0), HANG_BOUND)
        finally:
            trace.released = True

    with capture_logs() as logs:
        overran = asyncio.run(scenario())
    return overran, logs


def test_orderly_stops_run_in_order_and_nothing_is_forced() -> None:
    """Steps that finish in time run in order; none is forced, nothing is logged, None is returned."""
    trace = Trace()
    overran, logs = _stop(
        trace, [trace.step("producer"), trace.step("worker"), trace.step("broker")], grace=5
    )
    assert overran is None
    assert trace.calls == ["producer:orderly", "worker:orderly", "broker:orderly"]
    assert logs == []


def test_a_hung_step_is_named_and_it_and_the_rest_are_forced() -> None:
    """A step that never ends is abandoned at the deadline and logged as service_stop_timeout with
    its name and the grace; it is forced, and the later steps are forced without an orderly attempt."""
    trace = Trace()
    steps = [
        trace.step("producer"),
        trace.step("worker", "hang"),
        trace.step("enricher"),
        trace.step("broker"),
    ]
    overran, logs = _stop(trace, steps, grace=0.3)
    assert overran == "worker"
    assert trace.calls == [
        "producer:orderly",
        "worker:orderly",
        "worker:force",
        "enricher:force",
        "broker:force",
    ]
    assert {
        "event": "service_stop_timeout",
        "component": "worker",
        "grace": 0.3,
        "log_level": "warning",
    } in logs


def test_a_step_that_swallows_cancellation_cannot_hold_the_stop() -> None:
    """A stop that catches the cancellation and goes on waiting is abandoned all the same."""
    trace = Trace()
    overran, logs = _stop(trace, [trace.step("worker", "stubborn"), trace.step("http")], grace=0.3)
    assert overran == "worker"
    assert trace.calls == ["worker:orderly", "worker:force", "http:force"]
    assert [e["component"] for e in logs if e["event"] == "service_stop_timeout"] == ["worker"]


def test_a_failed_step_is_forced_and_the_next_still_stop_in_order() -> None:
    """An orderly stop that raises (or ends cancelled on its own) is logged as service_stop_failed and
    forced; the steps after it still get their orderly stop, and the stop does not count as overrun."""
    trace = Trace()
    steps = [trace.step("producer", "fail"), trace.step("view", "cancelled"), trace.step("broker")]
    overran, logs = _stop(trace, steps, grace=5)
    assert overran is None
    assert trace.calls == [
        "producer:orderly",
        "producer:force",
        "view:orderly",
        "view:force",
        "broker:orderly",
    ]
    failed = [(e["component"], e["error"]) for e in logs if e["event"] == "service_stop_failed"]
    assert failed == [
        ("producer", "RuntimeError: connection refused"),
        ("view", "StepCancelled: its stop ended in CancelledError"),
    ]


def test_forcing_is_bounded_too() -> None:
    """A forced stop that hangs is abandoned when the forcing time is up (service_force_timeout);
    the steps after it are still forced."""
    trace = Trace()
    steps = [trace.step("worker", "hang", force="hang"), trace.step("enricher"), trace.step("broker")]
    overran, logs = _stop(trace, steps, grace=0.2)
    assert overran == "worker"
    assert trace.calls == ["worker:orderly", "worker:force", "enricher:force", "broker:force"]
    assert [e["component"] for e in logs if e["event"] == "service_force_timeout"] == ["worker"]
