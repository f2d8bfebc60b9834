"""Measuring enrichment against a hand-labeled set (``tests/data/nlp/labeled.yaml``).

Entities: precision/recall over (surface form, canonical id) pairs. Predicted
pairs count when their form or their id appears in the document's labels
(entities nobody labeled are neither right nor wrong).

Claims: a predicted claim matches an unmatched labeled one of the same kind
when their texts overlap (for meetings: the labeled words are in the claim's
sentence) and their values agree: numbers within 0.1 %, dates as strings,
percent changes on both ends, meetings on the participant set and on place
and date when labeled; money and quantities also on the unit when labeled.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language

from monitor.errors import NewsmonError
from monitor.models import Article, Claim, EnrichedArticle
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline, model_info
from monitor.storylines.config import Storyline


class LabeledSetError(NewsmonError):
    """The labeled file is missing or malformed."""


def _squash(text: str) -> str:
    return " ".join(text.split())


def _load(path: Path) -> list[dict[str, Any]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LabeledSetError(f"cannot read labeled set {path}: {exc}") from None
    if not isinstance(raw, list):
        raise LabeledSetError(f"{path}: must be a list of documents")
    docs: list[dict[str, Any]] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or ("text" not in item and "file" not in item):
            raise LabeledSetError(f"{path}: document {index} needs `text` or `file`")
        text = item["text"] if "text" in item else (path.parent / item["file"]).read_text(encoding="utf-8")
        if "between" in item:
            first, last = item["between"]
            start, end = text.find(first), text.find(last)
            if start < 0 or end < 0:
                raise LabeledSetError(f"{path}: document {item.get('id', index)}: `between` text not found")
            text = text[start : end + len(last)]
        docs.append({**item, "text": text})
    return docs


def _article(doc: dict[str, Any], index: int) -> Article:
    published = doc.get("published")
    if isinstance(published, str):
        published = datetime.fromisoformat(published)
    return Article(
        id=str(doc.get("id", index)),
        text=doc["text"],
        published=published,
        ingested_at=published or datetime.now(),
    )


def _same_number(a: object, b: object) -> bool:
    try:
        x, y = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return math.isclose(x, y, rel_tol=1e-3, abs_tol=1e-9)


def _value_matches(gold: dict[str, Any], claim: Claim) -> bool:
    value = gold.get("value")
    kind = gold["kind"]
    if kind == "meeting":
        got = claim.value if isinstance(claim.value, dict) else {}
        want = value if isinstance(value, dict) else {}
        if set(want.get("participants", [])) != set(got.get("participants") or []):
            return False
        return all(want.get(key) is None or str(want[key]) == str(got.get(key)) for key in ("place", "date"))
    if kind == "percent_change":
        got = claim.value if isinstance(claim.value, dict) else {}
        return isinstance(value, dict) and all(_same_number(value.get(k), got.get(k)) for k in ("from", "to"))
    if kind == "date":
        return str(value) == str(claim.value)
    if not _same_number(value, claim.value):
        return False
    unit = gold.get("unit")
    return unit is None or str(unit).casefold() == claim.unit.casefold()


def _text_matches(gold: dict[str, Any], claim: Claim) -> bool:
    want = _squash(str(gold.get("text", ""))).casefold()
    if gold["kind"] == "meeting":
        return want in _squash(claim.evidence.sentence).casefold()
    got = _squash(claim.text).casefold()
    return bool(want) and (want in got or got in want)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def _score_entities(
    doc: dict[str, Any], enriched: EnrichedArticle, errors: list[str]
) -> tuple[int, int, int]:
    labels: dict[str, list[str]] = doc.get("entities") or {}
    gold = {(_squash(form), ident) for ident, forms in labels.items() for form in forms}
    gold_forms = {form for form, _ in gold}
    predicted = {
        (_squash(form), entity.id)
        for entity in enriched.entities
        for form in entity.surface_forms
        if _squash(form) in gold_forms or entity.id in labels
    }
    for form, ident in sorted(predicted - gold):
        errors.append(f"{doc['id']}: entity {form!r} -> {ident} (not labeled so)")
    for form, ident in sorted(gold - predicted):
        errors.append(f"{doc['id']}: entity {form!r} -> {ident} missed")
    return len(predicted & gold), len(predicted - gold), len(gold - predicted)


def _score_claims(
    doc: dict[str, Any], enriched: EnrichedArticle, counts: dict[str, list[int]], errors: list[str]
) -> None:
    remaining = list(enriched.claims)
    for gold in doc.get("claims") or []:
        kind = gold["kind"]
        tally = counts.setdefault(kind, [0, 0, 0])
        candidates = (c for c in remaining if c.kind == kind and _text_matches(gold, c))
        match = next((c for c in candidates if _value_matches(gold, c)), None)
        if match is None:
            tally[2] += 1
            errors.append(f"{doc['id']}: claim {kind} {gold.get('text')!r} = {gold.get('value')} missed")
        else:
            tally[0] += 1
            remaining.remove(match)
    for claim in remaining:
        counts.setdefault(claim.kind, [0, 0, 0])[1] += 1
        errors.append(f"{doc['id']}: extra claim {claim.kind} {claim.text!r} = {claim.value}")


def score(
    labeled_path: Path, storylines: Sequence[Storyline], *, nlp: Language | None = None
) -> dict[str, Any]:
    """Precision/recall of entity canonicalization and claim extraction on a labeled set."""
    docs = _load(labeled_path)
    nlp = nlp if nlp is not None else load_pipeline(storylines)
    enriched = enrich_batch(nlp, [_article(d, i) for i, d in enumerate(docs)], storylines)
    groups: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for doc, result in zip(docs, enriched, strict=True):
        group = groups.setdefault(str(doc.get("group", "all")), {"entities": [0, 0, 0], "claims": {}})
        for index, value in enumerate(_score_entities(doc, result, errors)):
            group["entities"][index] += value
        _score_claims(doc, result, group["claims"], errors)
    entity_counts = [sum(g["entities"][i] for g in groups.values()) for i in range(3)]
    claim_counts: dict[str, list[int]] = {}
    for group in groups.values():
        for kind, counts in group["claims"].items():
            total = claim_counts.setdefault(kind, [0, 0, 0])
            for index in range(3):
                total[index] += counts[index]
    totals = [sum(c[i] for c in claim_counts.values()) for i in range(3)]
    name, version = model_info(nlp)
    return {
        "labeled_set": str(labeled_path),
        "model": f"{name} {version}",
        "documents": len(docs),
        "entities": _prf(*entity_counts),
        "claims": _prf(*totals),
        "claims_by_kind": {kind: _prf(*c) for kind, c in sorted(claim_counts.items())},
        "groups": {
            name: {
                "entities": _prf(*g["entities"]),
                "claims": _prf(*(sum(c[i] for c in g["claims"].values()) for i in range(3))),
            }
            for name, g in groups.items()
        },
        "errors": errors,
    }


def format_report(result: dict[str, Any], *, max_errors: int = 40) -> str:
    """A plain-text report of a ``score`` result."""
    lines = [
        f"NLP quality on {result['labeled_set']} ({result['documents']} documents, {result['model']})",
        f"{'':24}{'precision':>10}{'recall':>8}{'f1':>7}{'tp':>6}{'fp':>5}{'fn':>5}",
    ]

    def row(name: str, m: dict[str, Any]) -> str:
        return (
            f"{name:24}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}"
            f"{m['tp']:>6}{m['fp']:>5}{m['fn']:>5}"
        )

    lines.append(row("entities", result["entities"]))
    lines.append(row("claims", result["claims"]))
    for kind, metrics in result["claims_by_kind"].items():
        lines.append(row(f"  {kind}", metrics))
    groups = result.get("groups") or {}
    if len(groups) > 1:
        for group, metrics in groups.items():
            lines.append(row(f"[{group}] entities"[:24], metrics["entities"]))
            lines.append(row(f"[{group}] claims"[:24], metrics["claims"]))
    errors = result.get("errors") or []
    if errors and max_errors:
        lines.append(f"errors ({len(errors)}, first {min(len(errors), max_errors)}):")
        lines.extend(f"  {e}" for e in errors[:max_errors])
    return "\n".join(lines)
