"""What the pipeline should produce, computed without Kafka (real spaCy, the plain functions).

The multi-worker and fault tests feed articles in *waves*: every article of a
wave belongs to a different event (or to none), so the order in which the
workers happen to process one wave does not change the developments, and a
wave starts only after the previous one went all the way through. The oracle
folds the same waves through ``match_storylines`` and ``detect`` in one
process, trying several orders inside each wave, and returns the development
ids every correct run must deliver.
"""

from __future__ import annotations

import asyncio
import functools
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from monitor.detect.developments import detect
from monitor.detect.state import StorylineState
from monitor.ingest.files import read_article_dir
from monitor.models import Article, EnrichedArticle
from monitor.nlp.pool import Enricher
from monitor.storylines.config import load_storylines
from monitor.storylines.match import match_storylines

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
WORKERS_DATA = ROOT / "tests" / "data" / "workers"
STORYLINES = SEEDS / "storylines.yaml"

# Each wave holds at most one article per event; file names as in seeds/ and tests/data/workers/.
WAVES: tuple[tuple[str, ...], ...] = (
    (
        "003_ea3deb4bcd850a6f.txt",  # May 2023 Seoul summit: officials prepare it
        "004_605f05e45486c235.txt",  # Aug 2025 Tokyo summit: preview
        "100_busan_preview.txt",
        "102_campdavid_preview.txt",
        "104_cost_sharing.txt",
        "105_tariff_deal.txt",
        "107_rates.txt",
        "108_volcano.txt",
    ),
    (
        "000_fd6998d678eb2309.txt",
        "002_7da4cb9c704ff76b.txt",
        "101_busan_outcome.txt",
        "103_campdavid_outcome.txt",
        "109_marathon.txt",
    ),
    (
        "001_fd640aeae62571bb.txt",
        "106_gyeongju_summit.txt",
    ),
)


def all_articles(now: datetime | None = None) -> dict[str, Article]:
    """Every test article by file name, read exactly as the directory feed reads it."""
    now = now or datetime.now(UTC)
    found: dict[str, Article] = {}
    for directory in (SEEDS, WORKERS_DATA):
        for article in read_article_dir(directory, now=now):
            found[article.url.rsplit("/", 1)[-1]] = article
    return found


def copy_wave(files: Sequence[str], feed_dir: Path) -> None:
    """Copy one wave's files (and their manifest entries) into a feed directory."""

    feed_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = feed_dir / "manifest.yaml"
    entries = yaml.safe_load(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else []
    for directory in (SEEDS, WORKERS_DATA):
        source_manifest = yaml.safe_load((directory / "manifest.yaml").read_text(encoding="utf-8"))
        for entry in source_manifest:
            if entry["file"] in files:
                entries.append({k: entry[k] for k in ("file", "title", "source", "published")})
    manifest_path.write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")
    for name in files:
        source = SEEDS / name if (SEEDS / name).exists() else WORKERS_DATA / name
        shutil.copy2(source, feed_dir / name)


def enrich_all(articles: Sequence[Article]) -> dict[str, EnrichedArticle]:
    """Enrich with the real spaCy pipeline in one worker process."""
    with Enricher(load_storylines(STORYLINES), processes=1) as enricher:
        enriched = asyncio.run(enricher.enrich(list(articles)))
    return {item.article.id: item for item in enriched}


def fold(enriched: Sequence[EnrichedArticle], *, min_score: float = 0.5) -> list[str]:
    """Development ids from matching and detecting ``enriched`` in this order."""
    storylines = load_storylines(STORYLINES)
    states: dict[str, StorylineState | None] = {}
    ids: list[str] = []
    now = datetime.now(UTC)
    for item in enriched:
        for found in match_storylines(item, storylines, min_score=min_score):
            state, developments = detect(states.get(found.storyline_id), found, now=now)
            states[found.storyline_id] = state
            ids.extend(dev.id for dev in developments)
    return ids


@dataclass(frozen=True)
class Expectation:
    """What feeding ``waves`` in order must deliver."""

    waves: tuple[tuple[str, ...], ...]
    cumulative: tuple[frozenset[str], ...]  # development ids once waves[0..k] went through
    article_ids: tuple[tuple[str, ...], ...]  # the article ids of each wave

    @property
    def ids(self) -> frozenset[str]:
        return self.cumulative[-1]

    @property
    def article_count(self) -> int:
        return sum(len(wave) for wave in self.waves)


@functools.cache
def expected(waves: tuple[tuple[str, ...], ...] = WAVES, *, tries: int = 6) -> Expectation:
    """The development ids of ``waves``; raises if the order inside a wave changes them (cached)."""
    articles = all_articles()
    names = [name for wave in waves for name in wave]
    enriched = enrich_all([articles[name] for name in names])
    by_name = {name: enriched[articles[name].id] for name in names}
    rng = random.Random(7)
    results: list[list[frozenset[str]]] = []
    for attempt in range(tries):
        order: list[EnrichedArticle] = []
        cumulative: list[frozenset[str]] = []
        for wave in waves:
            shuffled = list(wave)
            if attempt:
                rng.shuffle(shuffled)
            order.extend(by_name[name] for name in shuffled)
            cumulative.append(frozenset(fold(order)))
        results.append(cumulative)
    for other in results[1:]:
        if other != results[0]:
            raise AssertionError(f"waves are order-sensitive: {sorted(results[0][-1] ^ other[-1])}")
    return Expectation(
        waves=tuple(tuple(w) for w in waves),
        cumulative=tuple(results[0]),
        article_ids=tuple(tuple(articles[name].id for name in wave) for wave in waves),
    )
