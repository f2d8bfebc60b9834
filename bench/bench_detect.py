"""Benchmark: matching and detection throughput (articles per second), spaCy excluded.

Run: ``.venv/bin/python bench/bench_detect.py --label NAME [--repeat N]``.
The articles are the judgement set's dev part (real reporting, 180+ articles),
enriched once with the real spaCy stage (not timed); then every article is
matched against the demo storylines (``seeds/storylines.yaml``, the same file
for every version of the code) and folded through ``detect`` in publication
order, from an empty state, ``--repeat`` times. The median run is reported.

To compare with an earlier version of the code, check it out beside this one
(``git worktree add /tmp/base <rev>``) and run the same file with
``--code /tmp/base --label base``: its ``monitor`` package is imported instead.
Results are merged into bench/results/detect.json under the label.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "judgement" / "dev"
OUT = ROOT / "bench" / "results" / "detect.json"


def _use_code(folder: str | None) -> None:
    """Import ``monitor`` from another checkout (the editable install's finder would win otherwise)."""
    if folder:
        sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__name__.casefold()]
        sys.path.insert(0, str(Path(folder).resolve()))


def _articles() -> list[Any]:
    from monitor.models import Article

    items = []
    for path in sorted(DEV.glob("*.yaml")):
        items += yaml.safe_load(path.read_text("utf-8"))["articles"]
    articles = []
    for item in items:
        stamp = item["published"]
        stamp = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp))
        articles.append(
            Article(
                id=item["id"],
                url=item.get("url", ""),
                title=item.get("title", ""),
                text=item["text"],
                source=item["source"],
                published=stamp,
                ingested_at=stamp,
            )
        )
    return sorted(articles, key=lambda article: (article.published, article.id))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--code", help="a checkout whose monitor package to measure")
    args = parser.parse_args()
    _use_code(args.code)
    import monitor
    from monitor.detect.developments import detect
    from monitor.nlp.enrich import enrich_batch
    from monitor.nlp.pipeline import load_pipeline
    from monitor.storylines.config import load_storylines
    from monitor.storylines.match import match_storylines

    storylines = load_storylines(ROOT / "seeds" / "storylines.yaml")
    articles = _articles()
    enriched = enrich_batch(load_pipeline(storylines), articles, storylines)
    runs: list[float] = []
    developments = matches = 0
    for _ in range(args.repeat):
        states: dict[str, object] = {}
        developments = matches = 0
        started = time.perf_counter()
        for item in enriched:
            now = (item.article.published or item.article.ingested_at) + timedelta(minutes=30)
            for match in match_storylines(item, storylines, min_score=0.5):
                state, found = detect(states.get(match.storyline_id), match, now=now)  # type: ignore[arg-type]
                states[match.storyline_id] = state
                matches += 1
                developments += len(found)
        runs.append(time.perf_counter() - started)
    seconds = statistics.median(runs)
    checkout = Path(monitor.__file__).resolve().parent.parent
    git = ["git", "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, capture_output=True, text=True, cwd=checkout, check=False).stdout.strip()
    result = {
        "label": args.label,
        "code": str(Path(monitor.__file__).resolve().parent),
        "commit": commit,
        "articles": len(articles),
        "matches": matches,
        "developments": developments,
        "median_seconds": round(seconds, 3),
        "articles_per_second": round(len(articles) / seconds, 1),
        "runs_seconds": [round(run, 3) for run in runs],
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    merged = json.loads(OUT.read_text("utf-8")) if OUT.is_file() else {}
    merged[args.label] = result
    OUT.write_text(json.dumps(merged, indent=2) + "\n", "utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
