"""JSON views of the :class:`RecentStore` for the HTTP API (plain functions, no aiohttp).

Every function returns JSON-ready data shaped as ``docs/openapi.yaml``
describes; ``None`` means "not found" (the server answers 404).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from monitor.api.store import RecentStore
from monitor.detect.state import EventState, StorylineState
from monitor.models import Development, EnrichedArticle, StorylineMatch
from monitor.storylines.config import Storyline

Json = dict[str, Any]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _catalog(store: RecentStore, storylines: Sequence[Storyline]) -> dict[str, tuple[str, str]]:
    """Storyline id -> (title, description): configured ones first, then any seen in the data."""
    found: dict[str, tuple[str, str]] = {s.id: (s.title, s.description) for s in storylines}
    for match in store.matches():
        found.setdefault(match.storyline_id, (match.storyline_title, ""))
    for dev in store.developments():
        found.setdefault(dev.storyline_id, (dev.storyline_title, ""))
    for storyline_id in store.states():
        found.setdefault(storyline_id, (storyline_id, ""))
    return found


def storyline_summaries(store: RecentStore, storylines: Sequence[Storyline]) -> list[Json]:
    """Every storyline with counts of its events, matched articles and alerts."""
    states = store.states()
    matches = store.matches()
    devs = store.developments()
    out: list[Json] = []
    for storyline_id, (title, description) in _catalog(store, storylines).items():
        state = states.get(storyline_id)
        mine = [d for d in devs if d.storyline_id == storyline_id]
        out.append(
            {
                "id": storyline_id,
                "title": title,
                "description": description,
                "event_count": len(state.events) if state else 0,
                "article_count": sum(1 for m in matches if m.storyline_id == storyline_id),
                "alert_count": len(mine),
                "conflict_count": sum(1 for d in mine if d.kind == "conflict"),
                "updated_at": _iso(state.updated_at) if state else None,
            }
        )
    return out


def storyline_summary(store: RecentStore, storylines: Sequence[Storyline], storyline_id: str) -> Json | None:
    """One storyline's summary, or None when unknown."""
    return next((s for s in storyline_summaries(store, storylines) if s["id"] == storyline_id), None)


def _event_json(event: EventState, storyline_id: str, devs: Sequence[Development], *, facts: bool) -> Json:
    own = [d for d in devs if d.storyline_id == storyline_id and d.event_id == event.id]
    own.sort(key=lambda d: d.created_at)
    body: Json = {
        "id": event.id,
        "storyline_id": storyline_id,
        "title": event.title,
        "kind": event.noun,
        "date": event.date.isoformat() if event.date else None,
        "date_explicit": event.date_explicit,
        "place": event.place,
        "participants": [event.names.get(p, p) for p in event.participants],
        "status": event.status,
        "first_published": _iso(event.first_published),
        "last_published": _iso(event.last_published),
        "articles": [a.model_dump(mode="json") for a in event.articles],
        "developments": [d.model_dump(mode="json") for d in own],
    }
    if facts:
        body["facts"] = [
            {
                "slot": f.slot,
                "kind": f.kind,
                "value": f.value,
                "unit": f.unit,
                "subject": f.subject,
                "quote": f.quote,
                "article_id": f.article_id,
            }
            for f in event.facts
        ]
    return body


def _timeline_key(event: EventState) -> tuple[str, datetime]:
    day = event.date.isoformat() if event.date else event.first_published.date().isoformat()
    return day, event.first_published


def timeline(store: RecentStore, state: StorylineState) -> list[Json]:
    """A storyline's events, oldest first, each with its articles and developments."""
    devs = store.developments()
    events = sorted(state.events, key=_timeline_key)
    return [_event_json(e, state.storyline_id, devs, facts=False) for e in events]


def event_detail(store: RecentStore, storyline_id: str, event_id: str) -> Json | None:
    """One event with its articles, developments and facts, or None when unknown."""
    state = store.states().get(storyline_id)
    event = state.event(event_id) if state else None
    if event is None:
        return None
    return _event_json(event, storyline_id, store.developments(), facts=True)


def _match_json(match: StorylineMatch) -> Json:
    return {
        "storyline_id": match.storyline_id,
        "storyline_title": match.storyline_title,
        "score": match.score,
        "reason": match.reason.model_dump(mode="json"),
    }


def _article_summary(item: EnrichedArticle, matches: Sequence[StorylineMatch]) -> Json:
    article = item.article
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "source": article.source,
        "published": _iso(article.published),
        "ingested_at": _iso(article.ingested_at),
        "matches": [_match_json(m) for m in matches if m.enriched.article.id == article.id],
    }


def article_summaries(store: RecentStore, *, storyline: str | None, limit: int) -> list[Json]:
    """Recent articles, newest ingested first, with their storyline matches."""
    matches = store.matches()
    items = sorted(store.articles(), key=lambda a: a.article.ingested_at, reverse=True)
    if storyline is not None:
        wanted = {m.enriched.article.id for m in matches if m.storyline_id == storyline}
        items = [a for a in items if a.article.id in wanted]
    return [_article_summary(a, matches) for a in items[:limit]]


def article_detail(store: RecentStore, article_id: str) -> Json | None:
    """One article with its text, canonical entities, claims and storyline matches."""
    item = next((a for a in store.articles() if a.article.id == article_id), None)
    if item is None:
        return None
    matches = store.matches()
    body = _article_summary(item, matches)
    body["article"] = item.article.model_dump(mode="json")
    body["entities"] = [
        e.model_dump(mode="json", exclude={"mentions"}) | {"mention_count": len(e.mentions)}
        for e in item.entities
    ]
    body["claims"] = [c.model_dump(mode="json") for c in item.claims]
    return body


def alerts(store: RecentStore, *, storyline: str | None, kind: str | None, limit: int) -> list[Json]:
    """Alerts (developments), newest first, optionally of one storyline and/or kind."""
    devs = [
        d
        for d in store.developments()
        if (storyline is None or d.storyline_id == storyline) and (kind is None or d.kind == kind)
    ]
    devs.sort(key=lambda d: d.created_at or _EPOCH, reverse=True)
    return [d.model_dump(mode="json") for d in devs[:limit]]
