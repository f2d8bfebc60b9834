"""Every file of feedparser's test corpus goes through the poller without an exception escaping."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prometheus_client import CollectorRegistry

from monitor.egress import EgressPolicy
from monitor.ingest import FeedPoller, FeedStateStore
from monitor.ingest.errors import REASONS
from monitor.metrics import Metrics
from monitor.models import Article
from monitor.settings import FeedSettings

# feedparser's own test corpus (BSD licence in its LICENSE), copied from shared/feeds/feedparser-tests
CORPUS = Path(__file__).resolve().parents[2] / "data" / "ingest" / "feedparser-corpus"


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")


def test_every_corpus_file_ingested_or_rejected(tmp_path: Path) -> None:
    """Each of the ~2,100 corpus files is either parsed (its items sent or rejected with a reason) or
    rejected as a whole with a fixed reason; nothing raises, and all articles are valid."""
    files = corpus_files()
    assert len(files) > 2000
    registry = CollectorRegistry()
    sent: list[Article] = []

    async def sink(article: Article) -> None:
        sent.append(article)

    async def scenario() -> int:
        poller = FeedPoller(
            [FeedSettings(url=str(f)) for f in files],
            egress=EgressPolicy.loopback_too(),
            state=FeedStateStore(tmp_path),
            sink=sink,
            metrics=Metrics(registry),
            full_text=False,
        )
        count = await poller.poll_once()
        await poller.stop()
        return count

    assert asyncio.run(scenario()) == len(sent)
    outcomes: dict[str, int] = {}
    for metric in registry.collect():
        if metric.name != "newsmon_feed_fetches":
            continue
        for sample in metric.samples:
            if sample.name.endswith("_total"):
                key = f"{sample.labels['outcome']}:{sample.labels['reason']}"
                outcomes[key] = outcomes.get(key, 0) + int(sample.value)
                assert sample.labels["reason"] in REASONS | {""}
    assert sum(outcomes.values()) == len(files)
    assert outcomes.get("ok:", 0) > 2000
    assert len(sent) > 50
    assert len({a.id for a in sent}) == len(sent)
    assert all(a.text and a.id for a in sent)
