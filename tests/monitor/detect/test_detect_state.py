"""State: JSON-serializable, bounded memory, events age out after the horizon."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from detect_builders import Timeline, make_article

from monitor.detect.developments import detect
from monitor.detect.state import MAX_SEEN, StorylineState, prune, remember
from monitor.models import Article, EnrichedArticle
from monitor.storylines.match import match_storylines

JK = "japan-korea-summits"
REPORT = (
    "Japanese Prime Minister Fumio Kishida and South Korean President Yoon Suk Yeol met in Seoul on Friday "
    "and signed a memorandum to cooperate in evacuating their citizens from third countries in emergencies.\n"
    "The leaders said the summit showed that ties between Japan and South Korea had recovered.\n"
)


def test_events_age_out_after_the_horizon(
    timeline: Timeline, enrich: Callable[[Article], EnrichedArticle]
) -> None:
    """An event untouched for longer than horizon_days is dropped; its seen articles still stay silent."""
    article = make_article(
        "k1", REPORT, published="2024-09-06T14:00:00+00:00", title="Kishida, Yoon sign pact"
    )
    assert timeline.push(enrich(article))
    state = timeline.states[JK]
    assert len(state.events) == 1
    later = datetime.fromisoformat("2025-03-01T00:00:00+00:00")
    assert prune(state, later, 120).events == []
    assert prune(state, later, 365).events == state.events
    match = match_storylines(enrich(article), timeline.storylines, min_score=0.5)[0]
    new_state, raised = detect(state, match, now=later, horizon_days=120)
    assert raised == [] and new_state.events == []


def test_detect_does_not_mutate_the_given_state(
    timeline: Timeline, enrich: Callable[[Article], EnrichedArticle]
) -> None:
    """detect() is pure: the state passed in is left as it was."""
    first = make_article("k1", REPORT, published="2024-09-06T14:00:00+00:00", title="Kishida, Yoon sign pact")
    timeline.push(enrich(first))
    before = timeline.states[JK].model_dump(mode="json")
    follow = make_article(
        "k2",
        REPORT
        + "They also agreed to simplify immigration procedures for travellers between the two countries.\n",
        published="2024-09-06T18:00:00+00:00",
        title="Kishida, Yoon ease travel",
    )
    match = match_storylines(enrich(follow), timeline.storylines, min_score=0.5)[0]
    _, raised = detect(timeline.states[JK], match, now=datetime.fromisoformat("2024-09-06T19:00:00+00:00"))
    assert [alert.kind for alert in raised] == ["new_development"]
    assert "immigration" in raised[0].summary
    assert timeline.states[JK].model_dump(mode="json") == before


def test_memory_lists_are_bounded() -> None:
    """Seen-article, fingerprint and emitted-id lists keep only the newest MAX_SEEN keys."""
    state = StorylineState(storyline_id=JK)
    for index in range(MAX_SEEN + 10):
        remember(state.seen_articles, f"a{index}")
    assert len(state.seen_articles) == MAX_SEEN
    assert state.seen_articles[0] == "a10"
    assert (
        prune(state, datetime.now().astimezone() + timedelta(days=1), 1).seen_articles == state.seen_articles
    )
