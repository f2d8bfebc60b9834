"""Measuring matching, event grouping and conflict detection on a labeled set.

The dataset is a YAML list of articles with labels (see
``tests/data/detect/dataset.yaml``). Articles are enriched with the real spaCy
stage (``monitor.nlp``; if it cannot load, that is an error), then fed in
publication order through :func:`match_storylines` and :func:`detect` exactly as
the stream does.

Reported: storyline precision/recall/F1 over (article, storyline) pairs; event
grouping as B-cubed and pairwise precision/recall/F1 over articles both labeled
and matched; conflict precision/recall over (article, storyline) pairs, a
conflict counting when its confidence is at least ``conflict_threshold``; and a
replay check (alerts raised when every article is fed again: should be 0).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

import yaml

from monitor.detect.developments import detect
from monitor.detect.state import StorylineState
from monitor.errors import NewsmonError
from monitor.models import Article, Development, EnrichedArticle
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline
from monitor.storylines.config import Storyline, load_storylines
from monitor.storylines.match import match_storylines


class DatasetError(NewsmonError):
    """The labeled dataset cannot be read or is malformed."""


Pair = tuple[str, str]
ENRICHMENT = "spacy (monitor.nlp)"


def _seeds_dir(start: Path) -> Path:
    for folder in [start, *start.parents]:
        if (folder / "seeds" / "manifest.yaml").is_file():
            return folder / "seeds"
    raise DatasetError(f"no seeds/manifest.yaml above {start}")


def load_dataset(path: Path, seeds_dir: Path | None = None) -> list[tuple[Article, dict[str, Any]]]:
    """Articles with their labels, in publication order; ``seed:`` entries read seeds/."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DatasetError(f"cannot read dataset {path}: {exc}") from None
    if not isinstance(raw, list):
        raise DatasetError(f"{path}: must be a list of articles")
    seeds = seeds_dir or _seeds_dir(path.resolve().parent)
    manifest = {item["file"]: item for item in yaml.safe_load((seeds / "manifest.yaml").read_text("utf-8"))}
    rows: list[tuple[Article, dict[str, Any]]] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or "id" not in item:
            raise DatasetError(f"{path}: entry {index} needs an id")
        meta: dict[str, Any] = dict(manifest.get(item.get("seed", ""), {}))
        meta.update({key: value for key, value in item.items() if key != "seed"})
        text = item.get("text")
        if not text and item.get("seed"):
            text = (seeds / str(item["seed"])).read_text("utf-8")
        if not text:
            raise DatasetError(f"{path}: entry {item['id']} has no text")
        published = meta.get("published")
        stamp = published if isinstance(published, datetime) else datetime.fromisoformat(str(published))
        article = Article(
            id=str(item["id"]),
            url=str(meta.get("url", "")),
            title=str(meta.get("title", "")),
            text=str(text),
            source=str(meta.get("source", "")),
            published=stamp,
            ingested_at=stamp,
        )
        rows.append((article, item))
    rows.sort(key=lambda row: (row[0].published or row[0].ingested_at, row[0].id))
    return rows


def enrich_all(articles: Sequence[Article], storylines: Sequence[Storyline]) -> list[EnrichedArticle]:
    """Enrich the articles with the spaCy stage, as the stream does."""
    return enrich_batch(load_pipeline(storylines), articles, storylines)


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3), "tp": tp,
            "fp": fp, "fn": fn}  # fmt: skip


def _bcubed(gold: dict[Pair, str], predicted: dict[Pair, str]) -> dict[str, float]:
    items = [item for item in gold if item in predicted]
    if not items:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    precision = recall = 0.0
    for item in items:
        same_pred = {o for o in items if o[1] == item[1] and predicted[o] == predicted[item]}
        same_gold = {o for o in items if o[1] == item[1] and gold[o] == gold[item]}
        both = len(same_pred & same_gold)
        precision += both / len(same_pred)
        recall += both / len(same_gold)
    precision, recall = precision / len(items), recall / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def _pairwise(gold: dict[Pair, str], predicted: dict[Pair, str]) -> dict[str, float]:
    items = [item for item in gold if item in predicted]
    tp = fp = fn = 0
    for left, right in combinations(items, 2):
        if left[1] != right[1]:
            continue
        same_gold = gold[left] == gold[right]
        same_pred = predicted[left] == predicted[right]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    return prf(tp, fp, fn)


def score(
    dataset_path: Path,
    *,
    storylines_path: Path | None = None,
    min_score: float = 0.5,
    horizon_days: int = 120,
    conflict_threshold: float = 0.5,
) -> dict[str, Any]:
    """Run the labeled set through matching and detection and measure the result."""
    rows = load_dataset(dataset_path)
    storylines = load_storylines(
        storylines_path or _seeds_dir(dataset_path.resolve().parent) / "storylines.yaml"
    )
    titles = {storyline.id: storyline.title for storyline in storylines}
    enriched = enrich_all([article for article, _ in rows], storylines)
    states: dict[str, StorylineState | None] = defaultdict(lambda: None)
    developments: list[Development] = []
    gold_pairs: set[Pair] = set()
    predicted_pairs: set[Pair] = set()
    gold_events: dict[Pair, str] = {}
    predicted_events: dict[Pair, str] = {}
    matches_by_article = []
    for (article, labels), item in zip(rows, enriched, strict=True):
        for storyline_id in labels.get("storylines") or []:
            gold_pairs.add((article.id, storyline_id))
        for storyline_id, event in (labels.get("events") or {}).items():
            gold_events[(article.id, storyline_id)] = str(event)
        matches = match_storylines(item, storylines, min_score=min_score)
        matches_by_article.append(matches)
        now = (article.published or article.ingested_at) + timedelta(minutes=30)
        for match in matches:
            predicted_pairs.add((article.id, match.storyline_id))
            state, found = detect(states[match.storyline_id], match, now=now, horizon_days=horizon_days)
            states[match.storyline_id] = state
            developments.extend(found)
            event = next((e.id for e in state.events if article.id in {ref.id for ref in e.articles}), None)
            if event is not None:
                predicted_events[(article.id, match.storyline_id)] = event
    replay_alerts = 0
    for (article, _), matches in zip(rows, matches_by_article, strict=True):
        for match in matches:
            now = (article.published or article.ingested_at) + timedelta(hours=2)
            state, found = detect(states[match.storyline_id], match, now=now, horizon_days=horizon_days)
            states[match.storyline_id] = state
            replay_alerts += len(found)
    gold_conflicts = {
        (article.id, storyline_id)
        for article, labels in rows
        if labels.get("conflicts")
        for storyline_id in labels.get("storylines") or []
    }
    predicted_conflicts: set[Pair] = set()
    low_confidence: list[str] = []
    for development in developments:
        if development.kind != "conflict":
            continue
        newest = development.evidence[-1].article_id
        if development.confidence >= conflict_threshold:
            predicted_conflicts.add((newest, development.storyline_id))
        else:
            low_confidence.append(f"{newest} [{development.storyline_id}] {development.summary}")
    kinds: dict[str, int] = defaultdict(int)
    for development in developments:
        kinds[development.kind] += 1
    gold_event_count = len({(pair[1], label) for pair, label in gold_events.items()})
    return {
        "dataset": str(dataset_path),
        "articles": len(rows),
        "enrichment": ENRICHMENT,
        "storylines": prf(
            len(gold_pairs & predicted_pairs),
            len(predicted_pairs - gold_pairs),
            len(gold_pairs - predicted_pairs),
        ),
        "storyline_errors": {
            "false_matches": sorted(f"{a} -> {s}" for a, s in predicted_pairs - gold_pairs),
            "missed": sorted(f"{a} -> {s}" for a, s in gold_pairs - predicted_pairs),
        },
        "events": {
            "bcubed": _bcubed(gold_events, predicted_events),
            "pairwise": _pairwise(gold_events, predicted_events),
            "gold_events": gold_event_count,
            "new_event_alerts": kinds.get("new_event", 0),
        },
        "conflicts": prf(
            len(gold_conflicts & predicted_conflicts),
            len(predicted_conflicts - gold_conflicts),
            len(gold_conflicts - predicted_conflicts),
        ),
        "conflict_errors": {
            "false": sorted(f"{a} -> {s}" for a, s in predicted_conflicts - gold_conflicts),
            "missed": sorted(f"{a} -> {s}" for a, s in gold_conflicts - predicted_conflicts),
            "low_confidence": low_confidence,
        },
        "developments": dict(kinds),
        "replay_alerts": replay_alerts,
        "alerts": [
            f"[{titles.get(d.storyline_id, d.storyline_id)}] {d.kind} ({d.confidence:.2f}): {d.summary}"
            for d in developments
        ],
    }


def _line(name: str, metrics: dict[str, Any]) -> str:
    return f"  {name:<22} P={metrics['precision']:.3f}  R={metrics['recall']:.3f}  F1={metrics['f1']:.3f}"


def format_report(result: dict[str, Any]) -> str:
    """A plain-text report of :func:`score`'s result."""
    events = result["events"]
    lines = [
        f"Detection scores on {result['dataset']} ({result['articles']} articles, "
        f"enrichment: {result['enrichment']})",
        _line("storyline match", result["storylines"]),
        _line("events (B-cubed)", events["bcubed"]),
        _line("events (pairwise)", events["pairwise"]),
        f"  {'new_event alerts':<22} {events['new_event_alerts']} for {events['gold_events']} labeled events",
        _line("conflicts", result["conflicts"]),
        f"  {'developments':<22} " + ", ".join(f"{k}={v}" for k, v in sorted(result["developments"].items())),
        f"  {'replay alerts':<22} {result['replay_alerts']} (should be 0)",
    ]
    for title, key, group in (
        ("false storyline matches", "false_matches", "storyline_errors"),
        ("missed storyline matches", "missed", "storyline_errors"),
        ("false conflicts", "false", "conflict_errors"),
        ("missed conflicts", "missed", "conflict_errors"),
        ("low-confidence conflicts (not counted)", "low_confidence", "conflict_errors"),
    ):
        items = result[group][key]
        if items:
            lines.append(f"  {title}:")
            lines.extend(f"    - {item}" for item in items)
    return "\n".join(lines)
