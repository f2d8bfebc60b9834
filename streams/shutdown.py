"""Stopping within a deadline, whatever Kafka does.

A service stops as a sequence of :class:`StopStep`: each has an orderly stop
and a forced one. The orderly stops share one deadline, ``grace`` seconds
from the start, and each runs as a task of its own that is abandoned (and
cancelled) when it overruns: a stop that swallows the cancellation, as mode's
services do while they stop their children, cannot hold the rest. The first
step to overrun is logged as ``service_stop_timeout`` (``component``,
``grace``) and forced, and so is every step after it, without an orderly
attempt. Forcing waits for nothing outside the process (it cancels tasks,
terminates processes, kills a broker it owns); all of it together gets at most
``force_seconds``. A step whose orderly stop fails (``service_stop_failed``)
is forced and the next steps still stop in order.

What an abandoned stop would have committed is not committed: Kafka delivers
those records again (at least once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import structlog

log = structlog.get_logger("newsmon.service")

#: how long forcing the remaining steps may take, in all
FORCE_SECONDS = 2.0

Action = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class StopStep:
    """One component's way down: ``orderly`` within the deadline, else ``force``."""

    component: str
    orderly: Action
    force: Action


class StepCancelled(Exception):
    """A step's task ended cancelled by something other than this module."""


async def stop_within(
    steps: Sequence[StopStep], grace: float, *, force_seconds: float = FORCE_SECONDS
) -> str | None:
    """Run ``steps`` in order within ``grace`` seconds (plus ``force_seconds`` to force what is
    left); return the component that overran, or None when every orderly stop finished in time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + grace
    force_deadline = deadline + force_seconds
    overran: str | None = None
    for step in steps:
        if overran is None:
            try:
                if await _within(step.orderly(), deadline - loop.time()):
                    continue
                overran = step.component
                force_deadline = loop.time() + force_seconds
                log.warning("service_stop_timeout", component=step.component, grace=grace)
            except Exception as exc:
                log.warning("service_stop_failed", component=step.component, error=_describe(exc))
        try:
            if not await _within(step.force(), force_deadline - loop.time()):
                log.warning("service_force_timeout", component=step.component)
        except Exception as exc:
            log.warning("service_force_failed", component=step.component, error=_describe(exc))
    return overran


async def _within(action: Awaitable[None], seconds: float) -> bool:
    """Run ``action`` as a task for at most ``seconds``: True when it finished, False when it was
    abandoned (cancelled, not waited for). Its exception, if it failed, is raised here."""
    task = asyncio.ensure_future(action)
    task.add_done_callback(_retrieve)  # an abandoned task's late failure is not "never retrieved"
    done, _ = await asyncio.wait({task}, timeout=max(seconds, 0.0))
    if not done:
        task.cancel()
        return False
    if task.cancelled():
        raise StepCancelled("its stop ended in CancelledError")
    task.result()
    return True


def _retrieve(task: asyncio.Future[None]) -> None:
    if not task.cancelled():
        task.exception()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]
