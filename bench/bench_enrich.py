"""Benchmark: enriched articles per second (enrich_batch) against raw ``nlp.pipe`` on the same texts.

Run: ``.venv/bin/python bench/bench_enrich.py [--repeat N] [--batch-size B]``.
The texts are the seed articles, repeated; both measurements use the same
loaded pipeline, in one process, alternating runs so that warm-up and noise
hit both equally; the post-processing (entities + claims) is also timed
alone on pre-parsed docs, since on a shared machine the end-to-end ratio is
noisy. Results go to bench/results/enrich.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

from monitor.models import Article
from monitor.nlp.catalog import build_catalog
from monitor.nlp.claims import extract_claims
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.entities import canonical_entities
from monitor.nlp.pipeline import load_pipeline, model_info
from monitor.storylines.config import load_storylines

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
OUT = ROOT / "bench" / "results" / "enrich.json"


def _articles(copies: int) -> list[Article]:
    manifest = yaml.safe_load((SEEDS / "manifest.yaml").read_text(encoding="utf-8"))
    base = [
        Article(
            id=item["file"],
            text=(SEEDS / item["file"]).read_text(encoding="utf-8"),
            published=item["published"],
            ingested_at=datetime.now(UTC),
        )
        for item in manifest
    ]
    return [a.model_copy(update={"id": f"{a.id}-{i}"}) for i in range(copies) for a in base]


def main() -> None:
    """Measure and write bench/results/enrich.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=8, help="copies of the 5 seed articles per run")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each kind")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    storylines = load_storylines(SEEDS / "storylines.yaml")
    nlp = load_pipeline(storylines)
    catalog = build_catalog(storylines)
    articles = _articles(args.copies)
    texts = [a.text for a in articles]
    words = sum(len(t.split()) for t in texts)

    def raw() -> None:
        for _ in nlp.pipe(texts, batch_size=args.batch_size):
            pass

    def enriched() -> None:
        enrich_batch(nlp, articles, storylines, catalog=catalog, batch_size=args.batch_size)

    raw()  # warm-up
    enriched()
    raw_times: list[float] = []
    enrich_times: list[float] = []
    for _ in range(args.repeat):
        for run, times in ((raw, raw_times), (enriched, enrich_times)):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)

    # the post-processing alone, on docs parsed once: a noise-robust view of the overhead
    docs = list(nlp.pipe(texts, batch_size=args.batch_size))
    post_times: list[float] = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        for article, doc in zip(articles, docs, strict=True):
            extract_claims(doc, article.published, canonical_entities(doc, catalog))
        post_times.append(time.perf_counter() - started)
    raw_median, post_median = statistics.median(raw_times), statistics.median(post_times)

    raw_rate = len(texts) / statistics.median(raw_times)
    enrich_rate = len(articles) / statistics.median(enrich_times)
    name, version = model_info(nlp)
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": f"{name} {version}",
        "pipeline": nlp.pipe_names,
        "machine": {"python": platform.python_version(), "processor": platform.machine()},
        "articles_per_run": len(articles),
        "words_per_run": words,
        "batch_size": args.batch_size,
        "repeat": args.repeat,
        "raw_nlp_pipe_articles_per_second": round(raw_rate, 2),
        "enrich_batch_articles_per_second": round(enrich_rate, 2),
        "ratio_enrich_to_raw": round(enrich_rate / raw_rate, 3),
        "raw_seconds_median": round(statistics.median(raw_times), 4),
        "enrich_seconds_median": round(statistics.median(enrich_times), 4),
        "postprocess_seconds_median": round(post_median, 4),
        "ratio_from_postprocess_share": round(raw_median / (raw_median + post_median), 3),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "target_ratio": 0.9,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
