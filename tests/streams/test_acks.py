"""Flow control: events a stream already received survive a resume while flow is active."""

from __future__ import annotations

import asyncio

import faust
from mode.utils.queues import FlowControlQueue

from streams.acks import keep_queued_events_on_resume


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
