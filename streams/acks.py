"""Iterating a Faust stream with acknowledgements Newsmon controls.

Faust acknowledges an event when the agent asks for the next one, and also,
unprocessed, any event a stream pulls while flow control is suspended (during a
stop or a rebalance; see faust-streaming issue 527). An acknowledged offset is
committed, so such an event would never be processed. These iterators

* acknowledge an event only after the agent's loop body finished with it
  (a body that raises leaves it unacknowledged, to be processed again), and
* pull nothing while flow control is suspended: after each event or batch
  they wait until Faust resumes (a stop cancels the agent in that wait).

Table writes still work: the events are pulled in the agent's own task.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

import faust
from faust.types import EventT

R = TypeVar("R")

#: how often a waiting agent looks whether flow control resumed
POLL_SECONDS = 0.1


async def until_flowing(app: faust.App) -> None:
    """Return once Faust's flow control is active (at once when it is)."""
    while not app.flow_control.is_active():
        await asyncio.sleep(POLL_SECONDS)


async def each(app: faust.App, stream: faust.StreamT[Any]) -> AsyncIterator[EventT[Any]]:
    """The stream's events one at a time, each acknowledged once the loop body is done with it."""
    manual: Any = stream.noack()  # type: ignore[attr-defined]  # not declared on StreamT
    async for event in manual.events():
        yield event
        await manual.ack(event)
        await until_flowing(app)


async def pipelined(
    app: faust.App,
    stream: faust.StreamT[Any],
    max_: int,
    within: float,
    *,
    depth: int,
    start: Callable[[Sequence[EventT[Any]]], Coroutine[Any, Any, R]],
    finish: Callable[[R], Awaitable[None]],
) -> None:
    """Batches as :func:`batches`, with ``start`` running up to ``depth`` batches ahead of ``finish``.

    ``start(batch)`` (enrichment in another process) begins as soon as a batch is taken and a slot
    is free; ``finish(result)`` (publishing it) runs in the order the batches were taken, and a
    batch is acknowledged after its ``finish``. So the next batch is already in the spaCy process
    while the previous one's results travel to Kafka, and nothing is acknowledged before it was
    published. An exception in either stops the loop and is raised as itself.
    """
    slots = asyncio.Semaphore(depth)
    taken: asyncio.Queue[tuple[Sequence[EventT[Any]], asyncio.Task[R]]] = asyncio.Queue()

    async def finisher() -> None:
        while True:
            events, task = await taken.get()
            await finish(await task)
            for event in events:
                await stream.ack(event)
            slots.release()

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(finisher())
            async for events in stream.noack_take(max_, within=within):  # type: ignore[attr-defined]
                await slots.acquire()
                taken.put_nowait((events, group.create_task(start(events))))
                await until_flowing(app)
    except ExceptionGroup as failed:  # one task failed and the group cancelled the rest: raise it
        raise failed.exceptions[0] from None


def seek_uncommitted_to_beginning(app: faust.App) -> None:
    """Make Faust's "seek to committed" also rewind partitions that have no committed offset yet.

    After (re)assignment and table recovery Faust seeks every partition to its
    committed offset and clears the records already queued for its streams.
    aiokafka's ``seek_to_committed`` skips partitions whose committed offset is
    missing or 0, so such a partition keeps its fetch position: the records that
    were fetched and cleared are never processed (found by
    ``tests/integration/test_delivery_queues.py``, which lost alerts of a
    never-committed outbox partition after a restart). Those partitions are
    sought to their beginning instead, as ``auto_offset_reset="earliest"`` means.
    Changelog partitions are left to Faust's table recovery.
    """
    consumer: Any = app.consumer
    original = consumer.seek_to_committed

    async def seek_to_committed() -> Any:
        committed = await original()
        changelogs = set(app.tables.changelog_topics)
        fresh = [tp for tp, offset in committed.items() if not offset and tp.topic not in changelogs]
        if fresh:
            await consumer._thread.seek_to_beginning(*fresh)
        return committed

    consumer.seek_to_committed = seek_to_committed


def keep_queued_events_on_resume(app: faust.App) -> None:
    """Make Faust's flow-control ``resume()`` clear the streams' queues only when flow was suspended.

    ``FlowControlEvent.resume()`` clears every stream queue, even when flow is already
    active. Faust's recovery resumes flow to read the changelogs, resumes the stream
    partitions, seeks them to their committed offsets and then resumes flow *again*: the
    events the streams received in between are cleared, unprocessed. Their records are
    fetched again after the seek only if the fetcher's read offset was not already past
    them; when the fetcher raced the seek it was, and they were skipped until the next
    rebalance (found by ``tests/integration/test_delivery_queues.py``, which lost the
    alerts of an outbox partition after a restart in 1 run of 4). Keeping those events
    processes them; one fetched again as well is processed twice, which at-least-once
    delivery and the ``delivered`` table absorb. Clearing on suspension is unchanged.
    """
    flow_control: Any = app.flow_control
    original = flow_control.resume

    def resume() -> None:
        if not flow_control.is_active():
            original()

    flow_control.resume = resume
