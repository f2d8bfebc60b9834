"""Acceptance on the five seed articles: push them in publication order, expect developments."""

# ruff: noqa: E501  (news prose and test sentences are kept on one line)
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from detect_builders import Timeline, seed_articles

from monitor.detect.developments import detect
from monitor.detect.state import StorylineState
from monitor.models import Article, EnrichedArticle
from monitor.storylines.match import match_storylines

JK = "japan-korea-summits"


def _titles(timeline: Timeline) -> list[str]:
    return [alert.event_title for alert in timeline.of(JK, "new_event")]


def test_seed_summits_are_two_events_with_one_new_event_each(
    timeline: Timeline, enrich: Callable[[Article], EnrichedArticle]
) -> None:
    """The May 2023 Seoul summit (3 articles) and the Aug 2025 Tokyo summit (2) raise one new_event each.

    004, the preview opening the 2025 event, states no day for the meeting: its event has no date until 002
    reports it (23 August), rather than the preview's publication day.
    """
    timeline.push_all(enrich(article) for article in seed_articles())
    new_events = timeline.of(JK, "new_event")
    assert len(new_events) == 2
    assert new_events[0].event_id != new_events[1].event_id
    assert [alert.event_date for alert in new_events] == [date(2023, 5, 7), None]
    assert timeline.of(JK)[-1].event_date == date(2025, 8, 23)
    assert new_events[0].articles[0].id == "003"  # the preview opens the 2023 event
    assert new_events[1].articles[0].id == "004"


def test_seed_event_titles_name_who_what_where_when(
    timeline: Timeline, enrich: Callable[[Article], EnrichedArticle]
) -> None:
    """Titles read 'Kishida–Yoon summit in Seoul, 7 May 2023' and improve as reports arrive (23 Aug)."""
    timeline.push_all(enrich(article) for article in seed_articles())
    assert _titles(timeline)[0] == "Kishida–Yoon summit in Seoul, 7 May 2023"
    latest = {alert.event_id: alert.event_title for alert in timeline.of(JK)}
    assert "Ishiba–Lee summit in Tokyo, 23 August 2025" in latest.values()


def test_seed_later_reports_add_developments_not_events(
    timeline: Timeline, enrich: Callable[[Article], EnrichedArticle]
) -> None:
    """The Bloomberg after-report (001) adds the resumed shuttle diplomacy; 002 adds the Tokyo agreements.

    The only conflict is the low-confidence rival account in 002 (see the test on it below).
    """
    timeline.push_all(enrich(article) for article in seed_articles())
    developments = timeline.of(JK, "new_development")
    by_article = {alert.articles[0].id: alert for alert in developments}
    assert "shuttle diplomacy" in by_article["001"].summary
    assert "revitalize shuttle diplomacy" in by_article["002"].summary
    assert all(alert.confidence < 0.5 for alert in timeline.of(JK, "conflict"))


def test_seed_every_development_names_its_evidence(
    timeline: Timeline, enrich: Callable[[Article], EnrichedArticle]
) -> None:
    """Every alert cites at least one article (with source and date) and quotes its headline or a sentence."""
    timeline.push_all(enrich(article) for article in seed_articles())
    texts = {article.id: f"{article.title}\n{article.text}" for article in seed_articles()}
    assert timeline.alerts
    for alert in timeline.alerts:
        assert alert.articles and alert.evidence and alert.summary.endswith(".")
        assert all(ref.published is not None and ref.source for ref in alert.articles)
        for evidence in alert.evidence:
            assert evidence.article_id in texts
            assert evidence.quote.split("\n")[0][:40] in texts[evidence.article_id]


def test_seed_replay_raises_nothing(timeline: Timeline, enrich: Callable[[Article], EnrichedArticle]) -> None:
    """Pushing the same five articles again, even days later, raises no alert."""
    items = [enrich(article) for article in seed_articles()]
    first = timeline.push_all(items)
    assert first
    published = items[-1].article.published
    assert published is not None
    later = published + timedelta(days=3)
    assert [alert for item in items for alert in timeline.push(item, now=later)] == []


def test_seed_replay_from_scratch_gives_the_same_alert_ids(
    storylines: tuple[object, ...], enrich: Callable[[Article], EnrichedArticle]
) -> None:
    """Alert ids are content hashes: rebuilding the state from nothing yields identical ids (idempotent delivery)."""
    items = [enrich(article) for article in seed_articles()]
    first, second = Timeline(storylines), Timeline(storylines)  # type: ignore[arg-type]
    assert [a.id for a in first.push_all(items)] == [a.id for a in second.push_all(items)]


def test_seed_state_round_trips_through_json(
    storylines: tuple[object, ...], enrich: Callable[[Article], EnrichedArticle]
) -> None:
    """The state stored in the Faust table (model_dump(mode='json')) restores to one that behaves the same."""
    items = [enrich(article) for article in seed_articles()]
    state: StorylineState | None = None
    for item in items[:3]:
        match = next(m for m in match_storylines(item, storylines, min_score=0.5) if m.storyline_id == JK)  # type: ignore[arg-type]
        state, _ = detect(state, match, now=item.article.ingested_at + timedelta(minutes=5))
    assert state is not None
    restored = StorylineState.model_validate(state.model_dump(mode="json"))
    assert restored == state
    match = next(m for m in match_storylines(items[0], storylines, min_score=0.5) if m.storyline_id == JK)  # type: ignore[arg-type]
    assert detect(restored, match, now=items[2].article.ingested_at)[1] == []


def test_seed_duration_lookalike_is_no_conflict(nlp_seeds: list[EnrichedArticle], timeline: Timeline) -> None:
    """With real NLP: 'five-year gap' (any visit) vs 'a dozen years' (formal summit in Seoul) is not a conflict."""
    timeline.push_all(nlp_seeds)
    confident = [alert for alert in timeline.alerts if alert.kind == "conflict" and alert.confidence >= 0.5]
    assert confident == []


def test_seed_real_nlp_gives_two_titled_events(nlp_seeds: list[EnrichedArticle], timeline: Timeline) -> None:
    """With real NLP enrichment the seeds still give exactly two summit events, with readable titles."""
    timeline.push_all(nlp_seeds)
    new_events = timeline.of(JK, "new_event")
    assert [alert.event_title for alert in new_events] == [
        "Kishida–Yoon summit in Seoul, 7 May 2023",
        "Ishiba–Lee meeting in Tokyo",  # the preview states no day
    ]
    latest = {alert.event_id: alert.event_title for alert in timeline.of(JK)}
    assert latest[new_events[1].event_id] == "Ishiba–Lee summit in Tokyo, 23 August 2025"


def test_seeds_in_file_order_with_a_wall_clock(
    storylines: tuple[object, ...], enrich: Callable[[Article], EnrichedArticle]
) -> None:
    """As the demo runs them (file order 000..004, today's clock): still two summit events, nothing else new.

    000 comes first, names Yoon only in full ("Yoon Suk-yeol") and states no day: the title names him by the
    storyline's alias ("Yoon"), never by a guess at which part of a name is the family name, and shows a day
    only once an article states it.
    """
    items = sorted((enrich(article) for article in seed_articles()), key=lambda item: item.article.id)
    timeline = Timeline(storylines)  # type: ignore[arg-type]
    clock = datetime(2026, 11, 23, tzinfo=UTC)
    for index, item in enumerate(items):
        timeline.push(item, now=clock + timedelta(seconds=index))
    new_events = timeline.of(JK, "new_event")
    assert [alert.event_title for alert in new_events] == [
        "Kishida–Yoon summit in Seoul",
        "Ishiba–Lee summit in Tokyo, 23 August 2025",
    ]
    assert not timeline.of(JK, "conflict")
    latest = {event.id: event.title for event in timeline.states[JK].events}
    assert latest[new_events[0].event_id] == "Kishida–Yoon summit in Seoul, 7 May 2023"  # 003 states the day


def test_seed_rival_account_of_the_tokyo_meeting(
    nlp_seeds: list[EnrichedArticle], timeline: Timeline
) -> None:
    """With real NLP: 002's second half puts Nikai and Lee Jong-seok in the Tokyo meeting of 23 Aug 2025.

    The seeds disagree here; it is reported as a participants conflict at low confidence, with both quotes
    and the reason (two meetings can share a city and a day).
    """
    timeline.push_all(nlp_seeds)
    [conflict] = [alert for alert in timeline.of(JK, "conflict") if "participants" in alert.summary]
    assert conflict.confidence < 0.5 and "different meeting" in conflict.summary
    assert [e.article_id for e in conflict.evidence] == ["004", "002"]
    assert "Toshihiro Nikai" in conflict.evidence[1].quote
    assert "Shinzo Abe" not in conflict.summary
