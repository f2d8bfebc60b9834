"""Stream iteration with Newsmon's acknowledgements: events a stream already received survive a resume
while flow is active; pipelined batches start ahead, finish in order and are acknowledged after."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import faust
import pytest
from faust.types import EventT
from mode.utils.queues import FlowControlQueue

from streams.acks import keep_queued_events_on_resume, pipelined


def _app_and_queue() -> tuple[faust.App, FlowControlQueue[str]]:
    """A Faust app (never started; no broker needed) and a stream-like queue under its flow control,
    cleared on resume as Faust's stream queues are."""
    app = faust.App("acks-test", broker="kafka://127.0.0.1:1", web_enabled=False)
    queue: FlowControlQueue[str] = FlowControlQueue(flow_control=app.flow_control, clear_on_resume=True)
    return app, queue


def test_resume_while_active_keeps_queued_events() -> None:
    """Recovery's second resume() (flow already active) no longer clears what the streams received;
    without the patch mode clears it, which is how the restart lost alerts."""

    async def main() -> tuple[int, int]:
        unpatched, lost = _app_and_queue()
        unpatched.flow_control.resume()
        await lost.put("event")
        unpatched.flow_control.resume()  # already active: mode clears the queue anyway
        patched, kept = _app_and_queue()
        keep_queued_events_on_resume(patched)
        patched.flow_control.resume()
        await kept.put("event")
        patched.flow_control.resume()
        return lost.qsize(), kept.qsize()

    lost, kept = asyncio.run(main())
    assert (lost, kept) == (0, 1)


def test_resume_after_suspension_still_clears() -> None:
    """A real resume (after a stop or rebalance suspended flow) clears the queues as before: their
    records are fetched again from the committed offsets."""

    async def main() -> int:
        app, queue = _app_and_queue()
        keep_queued_events_on_resume(app)
        app.flow_control.resume()
        await queue.put("event")
        app.flow_control.suspend()
        app.flow_control.resume()
        return queue.qsize()

    assert asyncio.run(main()) == 0


async def _run_pipelined(
    values: list[int], *, depth: int, slow: set[int], fail: int | None = None
) -> tuple[list[tuple[str, list[int]]], int, list[bool], list[bool]]:
    """Feed ``values`` through :func:`pipelined` over a real Faust channel, two per batch.

    Returns the order of starts and finishes, the most batches ever started and not finished, whether
    any event was acknowledged when its batch's finish began, and whether each was after the run."""
    app = faust.App("pipelined-test", broker="kafka://127.0.0.1:1", web_enabled=False)
    app.flow_control.resume()
    channel = app.channel()
    stream = app.stream(channel)
    order: list[tuple[str, list[int]]] = []
    in_flight, most = 0, 0
    acked_at_finish: list[bool] = []
    seen: list[Any] = []

    async def start(batch: Sequence[EventT[Any]]) -> Sequence[EventT[Any]]:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        numbers = [e.value for e in batch]
        if fail in numbers:
            raise ValueError(f"cannot start {numbers}")
        await asyncio.sleep(0.2 if slow & set(numbers) else 0.0)
        order.append(("start", numbers))
        return batch

    async def finish(batch: Sequence[EventT[Any]]) -> None:
        nonlocal in_flight
        acked_at_finish.extend(e.message.acked for e in batch)
        seen.extend(batch)
        order.append(("finish", [e.value for e in batch]))
        in_flight -= 1

    task = asyncio.create_task(pipelined(app, stream, 2, 0.05, depth=depth, start=start, finish=finish))
    for value in values:
        await channel.send(value=value)
    deadline = asyncio.get_running_loop().time() + 10
    while len(seen) < len(values) and not task.done() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
    if task.done():
        task.result()  # raises what the loop raised
    task.cancel()
    return order, most, acked_at_finish, [e.message.acked for e in seen]


def test_pipelined_starts_ahead_and_finishes_in_order() -> None:
    """The next batch starts while an earlier (slow) one is still in start; finishes come in the order
    the batches were taken, each batch acknowledged only after its finish."""
    order, most, acked_at_finish, acked_after = asyncio.run(_run_pipelined(list(range(6)), depth=2, slow={0}))
    finishes = [values for kind, values in order if kind == "finish"]
    assert finishes == [[0, 1], [2, 3], [4, 5]]
    assert order.index(("start", [2, 3])) < order.index(("finish", [0, 1]))
    assert most == 2
    assert not any(acked_at_finish)
    assert all(acked_after)


def test_pipelined_keeps_at_most_depth_batches_in_flight() -> None:
    """With depth 1 a batch starts only after the previous one finished."""
    order, most, _, _ = asyncio.run(_run_pipelined(list(range(6)), depth=1, slow={0, 2}))
    assert most == 1
    assert order == [(kind, [i, i + 1]) for i in (0, 2, 4) for kind in ("start", "finish")]


def test_pipelined_raises_a_failure_as_itself() -> None:
    """An exception in start stops the loop and is raised unwrapped (not as an ExceptionGroup)."""
    with pytest.raises(ValueError, match="cannot start"):
        asyncio.run(_run_pipelined(list(range(4)), depth=2, slow=set(), fail=2))
