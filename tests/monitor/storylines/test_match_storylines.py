"""Storyline matching: genuine stories match with reasons; near-misses do not."""

# ruff: noqa: E501  (news prose and test sentences are kept on one line)
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml
from spacy.language import Language

from monitor.models import Article, EnrichedArticle
from monitor.nlp.enrich import enrich_batch
from monitor.storylines.config import Storyline, parse_storylines
from monitor.storylines.match import _keyword_term, match_storylines

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
JK, US = "japan-korea-summits", "us-alliance"


_CACHE: dict[tuple[str, str], EnrichedArticle] = {}


def _enriched(
    text: str, nlp: Language, storylines: tuple[Storyline, ...], title: str = ""
) -> EnrichedArticle:
    """The article enriched by the real spaCy stage (cached per text and title)."""
    if (text, title) not in _CACHE:
        stamp = datetime.fromisoformat("2025-10-22T03:00:00+00:00")
        article = Article(id="x", title=title, text=text, published=stamp, ingested_at=stamp)
        _CACHE[(text, title)] = enrich_batch(nlp, [article], storylines)[0]
    return _CACHE[(text, title)]


def _ids(text: str, nlp: Language, storylines: tuple[Storyline, ...], title: str = "") -> list[str]:
    enriched = _enriched(text, nlp, storylines, title)
    return [m.storyline_id for m in match_storylines(enriched, storylines, min_score=0.5)]


NK_MISSILE = """North Korea fired several short-range ballistic missiles toward the East Sea on Wednesday, South Korea's Joint Chiefs of Staff said.
The missiles flew about 350 kilometers, the military said, adding that it was sharing information with the United States and Japan.
Japan's defense ministry said the missiles appeared to have landed outside its exclusive economic zone.
Japanese Prime Minister Shigeru Ishiba told reporters the launch threatened peace and stability in the region.
South Korea's national security office held an emergency meeting to review the situation."""

KPOP = """The K-pop group opened its world tour with two sold-out shows at the Tokyo Dome on Saturday, drawing more than 90,000 fans.
The group will then travel to the United States for eight stadium concerts, including shows in Los Angeles and New York.
Organisers said security at the venues had been tightened after crowds gathered outside the hotel in Tokyo.
The tour will also visit Seoul, Bangkok and Jakarta before ending in December."""

FOOTBALL = """Japan beat South Korea 1-0 in Yongin on Tuesday to win the East Asian Football Championship.
The two rivals meet regularly, and South Korea had hoped to lift the trophy on home soil.
Japan coach Hajime Moriyasu said his young squad had shown great composure.
Fans from Japan and South Korea filled the stadium for the final."""

SUMMIT = """South Korean President Lee Jae-myung and Japanese Prime Minister Shigeru Ishiba met in Busan on Tuesday and agreed to set up a consultative body on low birth rates.
It was the second summit between the two leaders in about a month, continuing the shuttle diplomacy they revived in Tokyo.
Lee thanked Ishiba for visiting and said the talks had deepened trust between Seoul and Tokyo."""

ALLIANCE = """President Donald Trump and South Korean President Lee Jae-myung met at the White House on Monday and agreed to expand shipbuilding cooperation under the alliance.
The two leaders did not announce any change to the number of US troops in South Korea.
Lee said the alliance would be modernized to deter North Korea and meet new security threats."""


def _matched(
    text: str, nlp: Language, storylines: tuple[Storyline, ...], variant: tuple[Storyline, ...]
) -> list[str]:
    """Storylines matched under a variant configuration (the article is enriched with the bundled ones)."""
    enriched = _enriched(text, nlp, storylines)
    return [m.storyline_id for m in match_storylines(enriched, variant, min_score=0.5)]


def test_seeds_all_match_the_summit_storyline(nlp: Language, storylines: tuple[Storyline, ...]) -> None:
    """Each seed article (previews, reports, after-report) belongs to the Japan–South Korea summits storyline."""
    manifest = yaml.safe_load((SEEDS / "manifest.yaml").read_text("utf-8"))
    for item in manifest:
        assert JK in _ids((SEEDS / item["file"]).read_text("utf-8"), nlp, storylines, item["title"]), item[
            "file"
        ]


def test_summit_report_matches_with_reasons(nlp: Language, storylines: tuple[Storyline, ...]) -> None:
    """A summit report matches with the leaders, keywords and the sentences that tie them together."""
    [match] = [
        m
        for m in match_storylines(_enriched(SUMMIT, nlp, storylines), storylines, min_score=0.5)
        if m.storyline_id == JK
    ]
    assert match.score >= 0.8
    assert {"lee-jae-myung", "shigeru-ishiba"} <= set(match.reason.entities)
    assert "summit" in match.reason.keywords
    assert any("met in Busan" in sentence for sentence in match.reason.sentences)


def test_alliance_summit_matches_alliance_only(nlp: Language, storylines: tuple[Storyline, ...]) -> None:
    """Trump–Lee talks on the alliance are a US alliance story, not a Japan–Korea summit."""
    assert _ids(ALLIANCE, nlp, storylines) == [US]


def test_missile_news_is_not_a_summit_story(nlp: Language, storylines: tuple[Storyline, ...]) -> None:
    """North Korean missiles reported from Seoul and Tokyo, with an emergency 'meeting', match no summit."""
    assert JK not in _ids(NK_MISSILE, nlp, storylines, "North Korea fires ballistic missiles")


def test_kpop_tour_is_not_an_alliance_story(nlp: Language, storylines: tuple[Storyline, ...]) -> None:
    """A K-pop tour of Tokyo and the US with concert 'security' matches no storyline."""
    assert _ids(KPOP, nlp, storylines, "K-pop group opens world tour in Tokyo") == []


def test_football_match_is_not_a_summit(nlp: Language, storylines: tuple[Storyline, ...]) -> None:
    """Japan and South Korea 'meet' on the pitch; the people named are coaches, not leaders: no summit story."""
    enriched = _enriched(FOOTBALL, nlp, storylines, "Japan edge South Korea to win East Asian title")
    assert "hajime-moriyasu" in {entity.id for entity in enriched.entities}  # the coach is read as a person
    assert match_storylines(enriched, storylines, min_score=0.5) == []


def test_trade_talks_with_a_rival_are_not_an_alliance_story(
    nlp: Language, storylines: tuple[Storyline, ...]
) -> None:
    """US–China tariff talks name the US and tariffs but no ally: not a US alliance story."""
    text = (
        "The United States and China agreed on Monday to cut their tariffs on each other's goods for 90 days after talks in Geneva.\n"
        "US tariffs on Chinese imports will fall to 30% from 145%, while China's tariffs on US goods will drop to 10%.\n"
        "President Donald Trump called the deal a total reset with China."
    )
    assert _ids(text, nlp, storylines, "US and China agree to slash tariffs") == []


def test_missing_required_group_never_matches(nlp: Language, storylines: tuple[Storyline, ...]) -> None:
    """Ishiba meeting China's Xi satisfies no Korea-side group, whatever the wording."""
    text = "Japanese Prime Minister Shigeru Ishiba held a summit with Chinese President Xi Jinping in Lima on Friday."
    assert JK not in _ids(text, nlp, storylines)


def test_exclude_keywords_and_storyline_threshold(nlp: Language, storylines: tuple[Storyline, ...]) -> None:
    """exclude_keywords rule an article out; a storyline's own min_score overrides the default."""
    base = storylines[0].model_dump()
    excluded = parse_storylines([{**base, "exclude_keywords": ["consultative body"]}])
    assert _matched(SUMMIT, nlp, storylines, excluded) == []
    strict = parse_storylines([{**base, "min_score": 1.01}])
    assert _matched(SUMMIT, nlp, storylines, strict) == []
    lenient = parse_storylines([{**base, "min_score": 0.0}])
    assert _matched(SUMMIT, nlp, storylines, lenient) == [JK]


def test_phrase_keyword_finds_its_plural() -> None:
    """An analyst's phrase keyword in the singular ('export ban') finds the plural ('export bans'), and a
    plural one the singular; a longer word is not taken for it ('export banner')."""

    def found(keyword: str, text: str) -> bool:
        return any(pattern.search(text) for pattern in _keyword_term(keyword).patterns)

    assert found("export ban", "Two new export bans took effect on Monday.")
    assert found("export bans", "The export ban took effect on Monday.")
    assert not found("export ban", "An export banner hung over the port.")
