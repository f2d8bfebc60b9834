"""Plain storylines (name, aliases, keywords, a profile; no require_any) match the way analysts expect.

Articles are real reporting from the judgement set (tests/data/judgement/dev), enriched by spaCy.
"""

# ruff: noqa: E501  (news prose and test names are kept on one line)
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.detect.labels import LabelledArticle, load_labelled
from monitor.models import Article
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline
from monitor.storylines.config import Storyline, load_storylines, parse_storylines
from monitor.storylines.match import match_storylines

JUDGEMENT = Path(__file__).resolve().parents[2] / "data" / "judgement"


@pytest.fixture(scope="module")
def plain() -> tuple[Storyline, ...]:
    """The judgement set's plain storylines."""
    return load_storylines(JUDGEMENT / "storylines.yaml")


@pytest.fixture(scope="module")
def articles(plain: tuple[Storyline, ...]) -> dict[str, LabelledArticle]:
    """The dev part's articles by id."""
    labelled = load_labelled([JUDGEMENT / "dev"], [storyline.id for storyline in plain])
    return {article.id: article for article in labelled.articles}


def _matched(
    ids: list[str], articles: dict[str, LabelledArticle], plain: tuple[Storyline, ...]
) -> dict[str, set[str]]:
    nlp = load_pipeline(plain)
    enriched = enrich_batch(nlp, [articles[key].article() for key in ids], plain)
    return {
        item.article.id: {m.storyline_id for m in match_storylines(item, plain, min_score=0.5)}
        for item in enriched
    }


def test_one_side_of_a_relation_is_not_the_storyline(
    articles: dict[str, LabelledArticle], plain: tuple[Storyline, ...]
) -> None:
    """A Japanese leader's summit with China's names one of the two countries: not a Japan–South Korea summit."""
    found = _matched(["dev-jk-dis-kishida-xi", "dev-jk-tokyo-yomiuri"], articles, plain)
    assert "japan-korea-summits" not in found["dev-jk-dis-kishida-xi"]
    assert "japan-korea-summits" in found["dev-jk-tokyo-yomiuri"]


def test_profile_event_words_count_with_the_analysts_keywords(
    articles: dict[str, LabelledArticle], plain: tuple[Storyline, ...]
) -> None:
    """'held talks' (the meeting profile's words) ties Kishida and Yoon to the storyline whose keywords say 'bilateral talks'."""
    found = _matched(["dev-jk-seoul24sep-asahi"], articles, plain)
    assert found["dev-jk-seoul24sep-asahi"] == {"japan-korea-summits"}


def test_dev_part_storyline_matching_floor(
    articles: dict[str, LabelledArticle], plain: tuple[Storyline, ...]
) -> None:
    """On the dev part (which detection was tuned on) matching stays at the precision and recall measured."""
    found = _matched(sorted(articles), articles, plain)
    gold = {(key, sid) for key, article in articles.items() for sid in article.storylines}
    predicted = {(key, sid) for key, sids in found.items() for sid in sids if articles[key].speaks_for(sid)}
    precision = len(gold & predicted) / len(predicted)
    recall = len(gold & predicted) / len(gold)
    assert precision >= 0.85 and recall >= 0.85, (precision, recall)


def test_only_relations_need_two_countries() -> None:
    """An election storyline listing three countries matches a report naming one; a meetings storyline does not."""
    entities = [{"name": name, "label": "GPE"} for name in ("Mexico", "Brazil", "Argentina")]
    storylines = parse_storylines(
        [
            {"id": "latam-votes", "title": "Latin American elections", "profile": "election",
             "entities": entities, "keywords": ["election", "vote"]},
            {"id": "latam-talks", "title": "Latin American summits", "entities": entities,
             "keywords": ["summit", "talks"]},
        ]
    )  # fmt: skip
    text = (
        "Mexico held its presidential election on Sunday, and early results showed a clear winner.\n"
        "Turnout was high in the election, officials said, and the vote count continued into the night.\n"
        "Leaders from across the region are expected at a summit in Mexico City next month for talks.\n"
    )
    stamp = datetime(2024, 6, 3, tzinfo=UTC)
    article = Article(id="mx", title="Mexico votes", text=text, published=stamp, ingested_at=stamp)
    enriched = enrich_batch(load_pipeline(storylines), [article], storylines)[0]
    assert {m.storyline_id for m in match_storylines(enriched, storylines, min_score=0.5)} == {"latam-votes"}


def test_another_contest_in_the_lead_is_not_the_general_election(
    articles: dict[str, LabelledArticle], plain: tuple[Storyline, ...]
) -> None:
    """A by-election won in May and a mayor's third term name 'general election' and Starmer, but their leads
    are about another contest: not the general election's storyline; the calling of the election still is."""
    found = _matched(
        ["dev-uk-x-blackpool", "dev-uk-x-london-mayor", "dev-uk-call-dailymail"], articles, plain
    )
    assert "uk-election-2024" not in found["dev-uk-x-blackpool"] | found["dev-uk-x-london-mayor"]
    assert "uk-election-2024" in found["dev-uk-call-dailymail"]


def test_a_storyline_about_such_a_contest_matches_it(articles: dict[str, LabelledArticle]) -> None:
    """The same mayoral race, followed by a storyline whose own title names it, is that storyline's."""
    mayoral = parse_storylines(
        [{"id": "london-mayor", "title": "London mayoral election 2024", "profile": "election",
          "entities": [{"name": "Sadiq Khan", "label": "PERSON", "aliases": ["Khan"]}],
          "keywords": ["mayor", "mayoral election"]}]
    )  # fmt: skip
    found = _matched(["dev-uk-x-london-mayor"], articles, mayoral)
    assert found["dev-uk-x-london-mayor"] == {"london-mayor"}


def test_a_headline_naming_the_storylines_actor_and_event_word_matches(
    articles: dict[str, LabelledArticle], plain: tuple[Storyline, ...]
) -> None:
    """'Keir Starmer puts wealth creation at heart of Labour manifesto' names none of the analyst's keywords,
    but its headline names the storyline's own people and an event of its profile (a manifesto): it matches."""
    found = _matched(["dev-uk-lab-digest"], articles, plain)
    assert "uk-election-2024" in found["dev-uk-lab-digest"]


def test_a_bank_named_only_as_the_model_of_another_banks_cut_is_not_its_decision(
    articles: dict[str, LabelledArticle], plain: tuple[Storyline, ...]
) -> None:
    """'Denmark's central bank cuts key rate to 3.35%, mirroring ECB', '... following the European Central
    Bank's decision': the ECB is named only as the model of Denmark's cut, so it is not an ECB decision; the
    ECB's own cut reported the same day is."""
    found = _matched(["dev-ecb-x-denmark-2024-06", "dev-ecb-2024-06-politico"], articles, plain)
    assert "ecb-rates" not in found["dev-ecb-x-denmark-2024-06"]
    assert "ecb-rates" in found["dev-ecb-2024-06-politico"]
