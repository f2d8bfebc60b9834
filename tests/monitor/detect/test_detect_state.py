"""State: JSON-serializable, bounded memory, events age out after the horizon."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from detect_builders import Timeline, make_article

from monitor.detect.developments import detect
from monitor.detect.state import MAX_SEEN, StateStore, StorylineState, prune, remember
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


def test_a_handed_over_state_gives_the_same_result_as_a_copied_one(
    timeline: Timeline, enrich: Callable[[Article], EnrichedArticle]
) -> None:
    """With ``owned=True`` detect() works on the given state, not a deep copy: same state, same alerts."""
    first = make_article("k1", REPORT, published="2024-09-06T14:00:00+00:00", title="Kishida, Yoon sign pact")
    timeline.push(enrich(first))
    follow = make_article(
        "k2",
        REPORT + "They also agreed to ease visa rules for students of the two countries.\n",
        published="2024-09-06T18:00:00+00:00",
        title="Kishida, Yoon ease visas",
    )
    match = match_storylines(enrich(follow), timeline.storylines, min_score=0.5)[0]
    now = datetime.fromisoformat("2024-09-06T19:00:00+00:00")
    stored = timeline.states[JK].model_dump(mode="json")
    copied, copied_alerts = detect(StorylineState.model_validate(stored), match, now=now)
    handed = StorylineState.model_validate(stored)
    updated, handed_alerts = detect(handed, match, now=now, owned=True)
    assert updated.model_dump(mode="json") == copied.model_dump(mode="json") != stored
    assert [a.model_dump(mode="json") for a in handed_alerts] == [
        a.model_dump(mode="json") for a in copied_alerts
    ]
    assert [a.kind for a in handed_alerts] == ["new_development"]


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


def test_the_state_store_reads_back_only_values_it_did_not_store() -> None:
    """StateStore: the value it stored gives its kept model back, once; an equal copy, another value or
    garbage is read back (validated) as restore() reads it."""
    store = StateStore()
    state = StorylineState(storyline_id=JK, seen_articles=["a1"])
    value = store.store(state)
    assert value == {"storyline_id": JK, "seen_articles": ["a1"]}  # defaults left out
    assert StorylineState.model_validate(value) == state
    kept, problem = store.restore(JK, value)
    assert kept is state and problem is None  # the very model: neither validated again nor copied
    again, problem = store.restore(JK, value)  # given once: now read back, as a new model
    assert problem is None and again is not state and again == state
    store.store(state)
    copy = StorylineState.model_validate(value).model_dump(mode="json")  # equal, not the stored value
    read, _ = store.restore(JK, copy)
    assert read is not state and read == state
    store.store(state)
    assert store.restore(JK, {"storyline_id": JK, "events": "garbage"})[0] is None
    assert store.restore(JK, None) == (None, None)
