"""Scoring alerts against the labelled judgement set, as a user judges them.

The set (``tests/data/judgement``, format in its README) is read with
:mod:`monitor.detect.labels`, enriched with the real spaCy stage, then fed in
publication order through :func:`match_storylines` and :func:`detect`, exactly
as the stream does. What is measured is what the issue promises users:

* storylines: precision and recall over (article, storyline) pairs;
* events: every gold event gets exactly one ``new_event`` alert, and no
  ``new_event`` is raised for an article that covers no gold event;
* titles: the event's title in its latest alert names the words the labels
  ask for (the people as the articles name them, the place) and the event's day;
* conflicts: a genuine conflict is found when a confident conflict alert sets
  the erring article against another report of the same event, and found
  *with evidence* when the erring sentence is among its quotes; a look-alike is
  flagged when a confident conflict cites both of its articles; every other
  confident conflict alert (one that does not quote a labelled erring sentence)
  is false.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from monitor.detect.developments import detect
from monitor.detect.labels import GoldConflict, LabelledSet, Lookalike
from monitor.detect.scoring import enrich_all, prf
from monitor.detect.state import StorylineState
from monitor.detect.text import fold
from monitor.models import Development
from monitor.storylines.config import Storyline
from monitor.storylines.match import match_storylines

Pair = tuple[str, str]


@dataclass
class Run:
    """What the monitor said about a labelled set."""

    matched: set[Pair] = field(default_factory=set)
    developments: list[Development] = field(default_factory=list)
    states: dict[str, StorylineState] = field(default_factory=dict)
    event_of: dict[Pair, str] = field(default_factory=dict)  # (article, storyline) -> predicted event id


def run(labelled: LabelledSet, storylines: Sequence[Storyline], *, min_score: float = 0.5) -> Run:
    """Enrich, match and detect every article in publication order, as the stream does."""
    articles = [item.article() for item in labelled.articles]
    enriched = enrich_all(articles, storylines)
    by_id = {storyline.id: storyline for storyline in storylines}
    result = Run()
    for article, item, labels in zip(articles, enriched, labelled.articles, strict=True):
        for match in match_storylines(item, storylines, min_score=min_score):
            if not labels.speaks_for(match.storyline_id):
                continue  # a storyline added after the article's file was labelled
            result.matched.add((article.id, match.storyline_id))
            now = (article.published or article.ingested_at) + timedelta(minutes=30)
            state, found = detect(
                result.states.get(match.storyline_id), match, now=now, storyline=by_id[match.storyline_id]
            )
            result.states[match.storyline_id] = state
            for event in state.events:
                if article.id in {ref.id for ref in event.articles}:
                    result.event_of[(article.id, match.storyline_id)] = event.id
            result.developments.extend(found)
    return result


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 1.0


def _quoted(sentence: str, development: Development) -> bool:
    """True when the sentence is among the alert's quotes (quotes may be clipped with '…')."""
    wanted = fold(" ".join(sentence.split()))
    for evidence in development.evidence:
        quote = fold(" ".join(evidence.quote.split())).rstrip("…").strip()
        if quote and (quote in wanted or wanted in quote):
            return True
    return False


def _cites(development: Development, pair: Sequence[str]) -> bool:
    cited = {evidence.article_id for evidence in development.evidence}
    return set(pair) <= cited


def _flags(development: Development, gold: GoldConflict, event_articles: set[str]) -> bool:
    """The alert sets the erring article against another report of the same event."""
    cited = {evidence.article_id for evidence in development.evidence}
    return gold.erring in cited and bool((cited - {gold.erring}) & event_articles)


def _event_scores(labelled: LabelledSet, result: Run) -> dict[str, Any]:
    gold_of: dict[Pair, str] = {
        (item.id, sid): event for item in labelled.articles for sid, event in item.events.items()
    }
    counts: dict[str, list[Development]] = defaultdict(list)
    spurious: list[str] = []
    for development in result.developments:
        if development.kind != "new_event":
            continue
        trigger = development.articles[0].id
        gold = gold_of.get((trigger, development.storyline_id))
        if gold is None:
            spurious.append(f"{trigger} [{development.storyline_id}] {development.event_title}")
        else:
            counts[gold].append(development)
    exactly_one = [event for event in labelled.events if len(counts[event.id]) == 1]
    missed = [event.id for event in labelled.events if not counts[event.id]]
    doubled = [
        f"{event.id} x{len(counts[event.id])}" for event in labelled.events if len(counts[event.id]) > 1
    ]
    titles_ok: list[str] = []
    titles_bad: list[str] = []
    latest: dict[str, Development] = {}
    for development in result.developments:
        latest[development.event_id] = development  # the event's title as the user last saw it
    for event in labelled.events:
        if not counts[event.id]:
            continue
        alert = latest[counts[event.id][0].event_id]
        title = fold(alert.event_title)
        named = all(fold(word) in title for word in event.title_must_name)
        dated = alert.event_date == event.date
        line = f"{event.id}: {alert.event_title!r} (want {list(event.title_must_name)}, {event.date})"
        (titles_ok if named and dated else titles_bad).append(line)
    return {
        "gold_events": len(labelled.events),
        "exactly_one": len(exactly_one),
        "exactly_one_rate": _ratio(len(exactly_one), len(labelled.events)),
        "missed": missed,
        "announced_more_than_once": doubled,
        "spurious": spurious,
        "titles": {
            "ok": len(titles_ok),
            "rate": _ratio(len(titles_ok), len(titles_ok) + len(titles_bad)),
            "bad": titles_bad,
        },
    }


def _why_missed(gold: GoldConflict, result: Run, threshold: float) -> str:
    """Where the pipeline lost a genuine conflict: matching, grouping, or comparison."""
    unmatched = [ref for ref in gold.articles if (ref, gold.storyline) not in result.matched]
    if unmatched:
        return f"not matched to the storyline: {', '.join(unmatched)}"
    events = [result.event_of.get((ref, gold.storyline)) for ref in gold.articles]
    if events[0] != events[1]:
        return "the two articles are in different events"
    weak = [
        d for d in result.developments
        if d.kind == "conflict" and d.storyline_id == gold.storyline and _cites(d, gold.articles)
        and d.confidence < threshold
    ]  # fmt: skip
    if weak:
        return f"low confidence ({weak[0].confidence}): {weak[0].summary[-120:]}"
    return "no comparable facts"


def _conflict_scores(labelled: LabelledSet, result: Run, threshold: float, articles: int) -> dict[str, Any]:
    confident = [d for d in result.developments if d.kind == "conflict" and d.confidence >= threshold]
    found: list[GoldConflict] = []
    with_evidence: list[GoldConflict] = []
    missed: list[str] = []
    explained: set[str] = set()
    members: dict[str, set[str]] = defaultdict(set)
    for item in labelled.articles:
        for event_id in item.events.values():
            members[event_id].add(item.id)
    for gold in labelled.conflicts:
        hits = [
            d for d in confident if d.storyline_id == gold.storyline and _flags(d, gold, members[gold.event])
        ]
        explained.update(d.id for d in hits if _quoted(gold.erring_sentence, d))
        if not hits:
            why = _why_missed(gold, result, threshold)
            missed.append(f"{gold.articles[0]} ~ {gold.articles[1]}: {gold.what} {dict(gold.values)} [{why}]")
            continue
        found.append(gold)
        if any(_quoted(gold.erring_sentence, d) for d in hits):
            with_evidence.append(gold)
    flagged: list[Lookalike] = []
    for lookalike in labelled.lookalikes:
        hits = [
            d for d in confident if d.storyline_id == lookalike.storyline and _cites(d, lookalike.articles)
        ]
        if hits:
            flagged.append(lookalike)
            explained.update(d.id for d in hits)
    unmatched = [d for d in confident if d.id not in explained]
    lookalike_hits = {d.id for lk in flagged for d in confident if _cites(d, lk.articles)}
    false_alerts = [d for d in confident if d.id not in explained or d.id in lookalike_hits]
    genuine_ids = explained - lookalike_hits
    return {
        "genuine": len(labelled.conflicts),
        "found": len(found),
        "found_with_erring_sentence": len(with_evidence),
        "recall_with_evidence": _ratio(len(with_evidence), len(labelled.conflicts)),
        "lookalikes": len(labelled.lookalikes),
        "lookalikes_flagged": len(flagged),
        "lookalike_flag_rate": _ratio(len(flagged), len(labelled.lookalikes)),
        "confident_alerts": len(confident),
        "alerts_matching_genuine": len(genuine_ids),
        "false_alerts": len(false_alerts),
        "false_alerts_per_30_articles": round(30 * len(false_alerts) / articles, 2) if articles else 0.0,
        "missed": missed,
        "flagged_lookalikes": [f"{lk.articles[0]} ~ {lk.articles[1]}: {lk.why}" for lk in flagged],
        "unmatched_alerts": [f"[{d.storyline_id}] {d.summary}" for d in unmatched],
    }


def score(
    labelled: LabelledSet,
    storylines: Sequence[Storyline],
    *,
    min_score: float = 0.5,
    conflict_threshold: float = 0.5,
) -> dict[str, Any]:
    """Every figure the judgement set measures."""
    result = run(labelled, storylines, min_score=min_score)
    gold = {(item.id, sid) for item in labelled.articles for sid in item.storylines}
    kinds: dict[str, int] = defaultdict(int)
    for development in result.developments:
        kinds[development.kind] += 1
    return {
        "dataset": ", ".join(labelled.files),
        "articles": len(labelled.articles),
        "distractors": sum(1 for item in labelled.articles if not item.storylines),
        "storylines": [storyline.id for storyline in storylines],
        "storyline_match": prf(
            len(gold & result.matched), len(result.matched - gold), len(gold - result.matched)
        ),
        "storyline_errors": {
            "false_matches": sorted(f"{a} -> {s}" for a, s in result.matched - gold),
            "missed": sorted(f"{a} -> {s}" for a, s in gold - result.matched),
        },
        "events": _event_scores(labelled, result),
        "conflicts": _conflict_scores(labelled, result, conflict_threshold, len(labelled.articles)),
        "developments": dict(kinds),
        "alerts": [
            f"[{d.storyline_id}] {d.kind} ({d.confidence:.2f}): {d.summary}" for d in result.developments
        ],
    }


def format_report(result: dict[str, Any], *, verbose: bool = False) -> str:
    """A plain-text report of :func:`score`'s result."""
    match, events, conflicts = result["storyline_match"], result["events"], result["conflicts"]
    ev, cf = events, conflicts
    lines = [
        f"Judgement scores on {result['dataset']}",
        f"  {result['articles']} articles ({result['distractors']} distractors), "
        f"storylines: {', '.join(result['storylines'])}",
        f"  storyline match        P={match['precision']:.3f}  R={match['recall']:.3f}",
        f"  events                 {ev['exactly_one']}/{ev['gold_events']} with exactly one new_event "
        f"({events['exactly_one_rate']:.3f}); missed {len(events['missed'])}, announced twice "
        f"{len(events['announced_more_than_once'])}, new_event for no event {len(events['spurious'])}",
        f"  event titles           {events['titles']['ok']} right ({events['titles']['rate']:.3f})",
        f"  genuine conflicts      {cf['found_with_erring_sentence']}/{cf['genuine']} found with the "
        f"erring sentence ({conflicts['recall_with_evidence']:.3f}); {conflicts['found']} found",
        f"  look-alikes flagged    {conflicts['lookalikes_flagged']}/{conflicts['lookalikes']} "
        f"({conflicts['lookalike_flag_rate']:.3f})",
        f"  false conflict alerts  {cf['false_alerts']} ({cf['false_alerts_per_30_articles']:.2f} "
        "per 30 articles)",
        "  developments           "
        + ", ".join(f"{k}={v}" for k, v in sorted(result["developments"].items())),
    ]
    if verbose:
        sections = (
            ("false storyline matches", result["storyline_errors"]["false_matches"]),
            ("missed storyline matches", result["storyline_errors"]["missed"]),
            ("events without a new_event", events["missed"]),
            ("events announced more than once", events["announced_more_than_once"]),
            ("new_event for no gold event", events["spurious"]),
            ("wrong titles", events["titles"]["bad"]),
            ("missed conflicts", conflicts["missed"]),
            ("flagged look-alikes", conflicts["flagged_lookalikes"]),
            ("conflict alerts matching nothing", conflicts["unmatched_alerts"]),
        )
        for title, items in sections:
            if items:
                lines.append(f"  {title}:")
                lines.extend(f"    - {item}" for item in items)
    return "\n".join(lines)


def load_and_score(paths: Sequence[Path], storylines_path: Path, **options: Any) -> dict[str, Any]:
    """Read the storylines and labelled files, then :func:`score`."""
    from monitor.detect.labels import load_labelled
    from monitor.storylines.config import load_storylines

    storylines = load_storylines(storylines_path)
    labelled = load_labelled(paths, [storyline.id for storyline in storylines])
    return score(labelled, storylines, **options)
