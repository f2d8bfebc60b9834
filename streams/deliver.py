"""The delivery agent of one destination, over its outbox topic.

Events are acknowledged only once their developments were delivered, dead-lettered or handed
back (see :mod:`streams.acks`): a development caught mid-retry when the worker stops or its
partitions move is re-published to the outbox, so stopping never waits out a backoff and never
loses an alert.

With ``alerts.group_wait`` > 0 the agent groups developments per storyline, like Alertmanager:
a new group waits ``group_wait``, then goes out as one digest; what arrives later for the same
storyline goes out at most every ``group_interval`` (:class:`monitor.alerts.grouping.Grouper`
decides when). The events of a held group stay unacknowledged, so Kafka keeps them until their
digest was sent; when the worker stops or rebalances, held groups are handed back to the outbox
and start over (waiting ``group_wait`` again) wherever their partition lands.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import faust
from faust.types import EventT

from monitor.alerts.grouping import Batch, Grouper
from monitor.metrics import Metrics
from monitor.models import Development
from monitor.settings import AlertSettings
from streams.acks import each, until_flowing
from streams.stages import Rejects, Stages, publish

#: how often a grouping agent with nothing due looks whether Faust suspended flow control
POLL_SECONDS = 0.25


@dataclass(frozen=True)
class DeliveryTopics:
    """Where a delivery agent writes: its own outbox (hand-back), delivered marks, dead letters."""

    outbox: faust.TopicT
    marks: faust.TopicT
    deadletter: faust.TopicT


class DeliveryAgent:
    """Delivers one destination's outbox; an instance is the Faust agent's function."""

    def __init__(
        self,
        app: faust.App,
        destination: str,
        stages: Stages,
        metrics: Metrics,
        *,
        rejects: Rejects,
        alerts: AlertSettings,
        delivered: Any,
        topics: DeliveryTopics,
    ) -> None:
        self.app, self.destination, self.stages, self.metrics = app, destination, stages, metrics
        self.alerts = alerts
        self.rejects = rejects  # where an unreadable outbox record goes
        self.delivered = delivered  # the table of "<destination>|<development id>" already sent
        self.topics = topics
        self.__name__ = f"deliver_{destination}"  # Faust names agents after their function

    async def __call__(self, stream: faust.StreamT[Any]) -> None:
        """The agent's loop: one development at a time, or grouped when ``group_wait`` > 0."""
        if self.alerts.group_wait > 0:
            await self._grouped(stream)
            return
        async for event in each(self.app, stream):
            dev = await self._fresh(event)
            if dev is not None and await self._send([dev]):
                await self._hand_back([dev])

    # -- grouped -----------------------------------------------------------
    async def _grouped(self, stream: faust.StreamT[Any]) -> None:
        grouper = Grouper(self.alerts.group_wait, self.alerts.group_interval, max_batch=self.alerts.group_max)
        held: dict[str, list[EventT[Any]]] = {}  # development id -> its unacknowledged events
        manual: Any = stream.noack()  # type: ignore[attr-defined]  # not declared on StreamT
        source = manual.events().__aiter__()
        clock = asyncio.get_running_loop().time
        # The next event is awaited in a task that outlives a timed-out wait, so an event is
        # never lost to a cancellation; the timeout lets held groups go out on time.
        pulling: asyncio.Future[EventT[Any]] | None = None
        try:
            while True:
                if not self.app.flow_control.is_active():  # stopping or rebalancing
                    await self._release(grouper.flush(), held, manual, hand_back=True)
                    await until_flowing(self.app)
                    continue
                if pulling is None:
                    pulling = asyncio.ensure_future(source.__anext__())
                due = grouper.next_due()
                wait = POLL_SECONDS if due is None else min(POLL_SECONDS, max(0.0, due - clock()))
                done, _ = await asyncio.wait({pulling}, timeout=wait)
                if pulling in done:
                    finished, pulling = pulling, None
                    try:
                        event = finished.result()
                    except StopAsyncIteration:
                        return  # the stream ended: the agent is stopping
                    dev = await self._fresh(event)
                    if dev is None:
                        await manual.ack(event)
                    else:
                        grouper.add(dev, clock())
                        held.setdefault(dev.id, []).append(event)
                for batch in grouper.due(clock()):
                    abandoned = await self._send(batch.developments)
                    await self._release([batch], held, manual, hand_back=abandoned)
        finally:
            if pulling is not None:
                pulling.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await pulling

    async def _release(
        self, batches: Sequence[Batch], held: dict[str, list[EventT[Any]]], manual: Any, *, hand_back: bool
    ) -> None:
        """Acknowledge the events of ``batches`` (re-publishing their developments first if asked)."""
        for batch in batches:
            if hand_back:
                await self._hand_back(batch.developments)
            for dev in batch.developments:
                for event in held.pop(dev.id, []):
                    await manual.ack(event)

    # -- one group -----------------------------------------------------------
    async def _fresh(self, event: EventT[Any]) -> Development | None:
        """The event's development, unless invalid (forwarded to the invalid records) or already delivered."""
        dev = await self.rejects.decode(Development, event, "deliver")
        if dev is None:
            return None
        if self.delivered.get(f"{self.destination}|{dev.id}") is not None:
            self.metrics.articles.labels(stage="deliver", outcome="already_delivered").inc()
            return None
        return dev

    async def _send(self, members: Sequence[Development]) -> bool:
        """Deliver one group; dead-letter and mark it. True when interrupted (to hand back)."""
        result = await self.stages.deliver(members, self.destination)
        if result.abandoned:
            return True
        for letter in result.dead_letters:
            await publish(self.topics.deadletter, letter.key, letter.model_dump(mode="json"))
        for dev in members:  # the table is written by mark_agent, inside its own stream
            mark = {"id": f"{self.destination}|{dev.id}", "at": datetime.now(UTC).isoformat()}
            await publish(self.topics.marks, dev.storyline_id, mark)
        return False

    async def _hand_back(self, devs: Sequence[Development]) -> None:
        """Re-publish ``devs`` to the outbox (awaited), so their events may be acknowledged."""
        for dev in devs:
            await publish(self.topics.outbox, dev.storyline_id, dev.model_dump(mode="json"))
