"""Enrichment off the event loop: a process pool, each worker loading spaCy once.

spaCy is CPU-bound, so it must not run on the asyncio (Faust) event loop.
``Enricher.enrich`` hands a batch to a worker process through
``loop.run_in_executor`` and awaits the result. Workers are started with the
"spawn" method (no fork of a process with a running event loop and threads);
each one loads the pipeline in its initializer. Articles and results travel
as pydantic models (pickled), storylines once per worker.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess

from monitor.errors import NewsmonError
from monitor.models import Article, EnrichedArticle
from monitor.nlp import worker
from monitor.nlp.model import installed_model
from monitor.storylines.config import Storyline


class EnricherError(NewsmonError):
    """The enrichment pool is not running or a worker died."""


class Enricher:
    """Runs ``enrich_batch`` in worker processes; ``await enrich(articles)`` from async code.

    If a worker dies, ``enrich`` raises EnricherError and the Enricher is
    stopped; call ``start()`` again to bring up new workers.
    """

    def __init__(self, storylines: Sequence[Storyline], processes: int = 1) -> None:
        if processes < 1:
            raise EnricherError("processes must be at least 1")
        self._storylines = tuple(storylines)
        self._processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._workers: tuple[BaseProcess, ...] = ()
        self._info: tuple[str, str] = installed_model()

    @property
    def model_name(self) -> str:
        """The spaCy model the workers run."""
        return self._info[0]

    @property
    def model_version(self) -> str:
        """Its version."""
        return self._info[1]

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._executor is not None

    def start(self) -> None:
        """Start the workers and wait until each has loaded the pipeline."""
        if self._executor is not None:
            return
        executor = ProcessPoolExecutor(
            max_workers=self._processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=worker.init,
            initargs=(self._storylines,),
        )
        try:
            futures = [executor.submit(worker.info) for _ in range(self._processes)]
            self._info = futures[0].result()
            for future in futures[1:]:
                future.result()
        except BrokenProcessPool as exc:
            executor.shutdown(cancel_futures=True)
            raise EnricherError(f"enrichment workers failed to start: {exc}") from None
        # each submit above spawned a worker while none was idle, so these are all of them (the pool
        # replaces none: a dead worker breaks it); kept for terminate(), which Python 3.11's
        # ProcessPoolExecutor has no public API for (3.14 adds terminate_workers())
        self._workers = tuple((executor._processes or {}).values())
        self._executor = executor

    def stop(self) -> None:
        """Stop the workers (pending batches are cancelled, a running one is finished)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def terminate(self) -> None:
        """Stop at once, also while :meth:`stop` waits for a batch in another thread: the worker
        processes are terminated and the batch they run is lost."""
        workers, self._workers = self._workers, ()
        for process in workers:
            if process.is_alive():
                process.terminate()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    async def enrich(self, articles: Sequence[Article]) -> list[EnrichedArticle]:
        """Enrich a batch in a worker process without blocking the event loop."""
        if self._executor is None:
            raise EnricherError("Enricher is not started")
        if not articles:
            return []
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, worker.enrich, list(articles))
        except BrokenProcessPool as exc:
            # the pool is unusable now: drop it, so that start() can bring up a fresh one
            self.stop()
            raise EnricherError(f"enrichment worker died: {exc}") from None

    def __enter__(self) -> Enricher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
