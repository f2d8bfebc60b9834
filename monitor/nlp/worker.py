"""What runs inside an enrichment process (:mod:`monitor.nlp.pool` starts them).

This module is imported by the service's main process too, to name these
functions to the process pool, so it imports nothing heavy at module level:
spaCy, its model and the enrichment code are loaded by :func:`init` in the
child only. The main process then never holds spaCy (about 100 MB resident).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import TYPE_CHECKING

from monitor.errors import NewsmonError

if TYPE_CHECKING:
    from spacy.language import Language

    from monitor.models import Article, EnrichedArticle
    from monitor.nlp.catalog import Catalog
    from monitor.storylines.config import Storyline

#: numerical libraries' thread pools: one thread each, since the parallelism is the processes
#: (a BLAS pool per process would compete for the same cores and hold a buffer per thread)
ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


#: how often an enrichment process looks whether the process that started it is still there
PARENT_CHECK_SECONDS = 1.0


class WorkerNotReady(NewsmonError):
    """A batch reached an enrichment process whose initializer did not run."""


_state: tuple[Language, tuple[Storyline, ...], Catalog] | None = None


def _exit_with(parent: int) -> None:
    """End this process once ``parent`` is gone (re-parented: the worker was killed or exited at once)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def init(storylines: tuple[Storyline, ...]) -> None:
    """Process initializer: load the pipeline once for this process.

    An enrichment process never outlives its worker: if the worker dies without stopping the pool
    (SIGKILL, or a second signal that exits at once) the process would otherwise stay, blocked
    writing a result nobody reads, holding its memory. A daemon thread ends it instead.

    Ctrl-C in a terminal interrupts the whole process group; the worker stops its pool itself, so
    SIGINT is ignored here (an interrupted enrichment process printed a KeyboardInterrupt traceback
    on every ``make run`` stopped with Ctrl-C, and dropped the batch it was parsing).
    """
    global _state
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(os.getppid(),), name="exit-with-parent", daemon=True).start()
    for name in ONE_THREAD:
        os.environ.setdefault(name, "1")
    from monitor.nlp.catalog import build_catalog
    from monitor.nlp.pipeline import load_pipeline

    _state = (load_pipeline(storylines), storylines, build_catalog(storylines))


def info() -> tuple[str, str]:
    """The loaded model's (name, version)."""
    from monitor.nlp.pipeline import model_info

    if _state is None:
        raise WorkerNotReady("enrichment worker not initialized")
    return model_info(_state[0])


def enrich(articles: list[Article]) -> list[EnrichedArticle]:
    """Enrich one batch with the loaded pipeline."""
    from monitor.nlp.enrich import enrich_batch

    if _state is None:
        raise WorkerNotReady("enrichment worker not initialized")
    nlp, storylines, catalog = _state
    return enrich_batch(nlp, articles, storylines, catalog=catalog)
