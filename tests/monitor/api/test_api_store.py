"""The page's store: bounded, and a match's article is held once."""

from __future__ import annotations

from datetime import UTC, datetime

from api_builders import JK, enriched

from monitor.api.store import RecentStore
from monitor.models import MatchReason, StorylineMatch


def _match(item: object) -> StorylineMatch:
    return StorylineMatch(
        storyline_id=JK,
        storyline_title="Japan–South Korea summits",
        score=0.9,
        reason=MatchReason(entities=("tokyo",), keywords=("summit",)),
        enriched=item,  # type: ignore[arg-type]
    )


def test_a_match_shares_the_enriched_article_already_kept() -> None:
    """A match read from its own topic carries an equal copy of an enriched article the store has: the
    store keeps the match with the article it already holds; a different or unknown article is kept as is."""
    store = RecentStore(limit=10)
    published = datetime(2025, 8, 23, 12, tzinfo=UTC)
    article = enriched(
        "a-tokyo", "Lee meets Ishiba", "Lee and Ishiba met in Tokyo on August 23, 2025.", published
    )
    store.observe("enriched", article)
    copy = article.model_validate(article.model_dump(mode="json"))  # as decoded from the matches topic
    assert copy is not article
    store.observe("match", _match(copy))
    (kept,) = store.matches()
    assert kept.enriched is article and kept.storyline_id == JK
    changed = enriched("a-tokyo", "Lee meets Ishiba", "Lee and Ishiba met in Tokyo on 24 August.", published)
    store.observe("match", _match(changed))
    (kept,) = store.matches()
    assert kept.enriched is changed
    unknown = enriched("a-other", "Summit", "They met in Tokyo.", published)
    store.observe("match", _match(unknown))
    assert [m.enriched for m in store.matches()][-1] is unknown


def test_the_store_keeps_only_the_newest_items() -> None:
    """Beyond its limit the store forgets the oldest articles and matches first."""
    store = RecentStore(limit=2)
    published = datetime(2025, 8, 23, 12, tzinfo=UTC)
    items = [enriched(f"a{i}", f"T{i}", f"Text {i}.", published) for i in range(3)]
    for item in items:
        store.observe("enriched", item)
        store.observe("match", _match(item))
    assert [a.article.id for a in store.articles()] == ["a1", "a2"]
    assert [m.enriched.article.id for m in store.matches()] == ["a1", "a2"]
