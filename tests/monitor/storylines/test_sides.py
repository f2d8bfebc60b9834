"""Whom an article is about: the storyline's sides named in its lead (monitor/storylines/sides.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.detect.text import split_sentences, term_pattern
from monitor.models import Article
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline
from monitor.storylines.config import Storyline, parse_storylines
from monitor.storylines.match import match_storylines
from monitor.storylines.sides import lead_sides, people_places, places_in, present, title_places


@pytest.fixture(scope="module")
def storylines() -> tuple[Storyline, ...]:
    """A plain relations storyline between two countries, and an alliance storyline led by a third."""
    return parse_storylines(
        [
            {"id": "india-pakistan", "title": "India–Pakistan talks",
             "entities": [{"name": "India", "label": "GPE"}, {"name": "Pakistan", "label": "GPE"},
                          {"name": "Narendra Modi", "aliases": ["Modi"]},
                          {"name": "Shehbaz Sharif", "aliases": ["Sharif"]}],
             "keywords": ["talks", "summit"]},
            {"id": "us-allies", "title": "US alliance issues",
             "entities": [{"name": "United States", "label": "GPE", "aliases": ["US"]},
                          {"name": "Japan", "label": "GPE"}, {"name": "South Korea", "label": "GPE"}],
             "keywords": ["alliance", "joint exercises"]},
        ]
    )  # fmt: skip


def _matched(storylines: tuple[Storyline, ...], title: str, text: str) -> set[str]:
    stamp = datetime(2024, 6, 3, tzinfo=UTC)
    article = Article(id="a", title=title, text=text, published=stamp, ingested_at=stamp)
    enriched = enrich_batch(load_pipeline(storylines), [article], storylines)[0]
    return {m.storyline_id for m in match_storylines(enriched, storylines, min_score=0.5)}


def test_short_form_counts_only_where_no_longer_name_covers_it(storylines: tuple[Storyline, ...]) -> None:
    """'Korea' and 'Korean' stand for South Korea, but not inside 'North Korea' or 'North Korean'."""
    allies = storylines[1]
    assert places_in(allies, "Korean and Japanese officials met.") == {"South Korea", "Japan"}
    assert places_in(allies, "North Korea fired a missile; North Korean media said so.") == set()
    assert places_in(allies, "the Korea-U.S.-Japan summit") == {"South Korea", "United States", "Japan"}


def test_person_named_with_a_country_stands_for_it(storylines: tuple[Storyline, ...]) -> None:
    """'Pakistani Prime Minister Shehbaz Sharif' is Pakistan; 'Prime Minister Modi' is the other."""
    pair = storylines[0]
    sentences = split_sentences(
        "Modi to meet Sharif\nPrime Minister Modi will meet Pakistani Prime Minister Shehbaz Sharif.\n"
    )
    assert lead_sides(pair, sentences, 2) == ({"Pakistan"}, 1)


def test_person_alone_does_not_stand_for_a_side_when_a_third_party_is_met(
    storylines: tuple[Storyline, ...],
) -> None:
    """A leader named alone who meets someone of a third country ('Chinese Premier') is not the other side."""
    pair = storylines[0]
    sentences = split_sentences(
        "Sharif meets Li\nPakistani Prime Minister Shehbaz Sharif met Chinese Premier Li Qiang on Monday.\n"
    )
    assert lead_sides(pair, sentences, 2) == ({"Pakistan"}, 0)


def test_title_places_are_the_storylines_focus(storylines: tuple[Storyline, ...]) -> None:
    """An alliance storyline titled after one country is about that country first."""
    assert title_places(storylines[1]) == {"United States"}
    assert title_places(storylines[0]) == {"India", "Pakistan"}


def test_lead_naming_one_side_and_a_third_country_is_another_story(storylines: tuple[Storyline, ...]) -> None:
    """One side's leader at a summit with a third country is not the pair's, named later or not."""
    text = (
        "Indian Prime Minister Narendra Modi held a summit with Chinese President Xi Jinping in Kazan.\n"
        "The two leaders held talks for nearly an hour and agreed to resume border patrols.\n"
        "Modi also spoke about Pakistan in the talks, officials said.\n"
    )
    assert "india-pakistan" not in _matched(storylines, "Modi and Xi hold summit talks", text)


def test_lead_naming_both_sides_is_the_pairs_story(storylines: tuple[Storyline, ...]) -> None:
    """A summit whose lead names both sides (one through its leader's demonym) matches the pair."""
    text = (
        "Indian Prime Minister Narendra Modi held talks with Pakistani Prime Minister Shehbaz Sharif.\n"
        "The two leaders met for an hour at the summit and agreed to reopen trade.\n"
        "Modi said the talks were candid, and Sharif called them a new start.\n"
    )
    assert "india-pakistan" in _matched(storylines, "Modi and Sharif hold summit talks", text)


def test_a_bilateral_meeting_of_two_allies_is_not_the_third_countrys_alliance(
    storylines: tuple[Storyline, ...],
) -> None:
    """Japan and South Korea meeting is not 'US alliance issues' though the US is mentioned further down."""
    text = (
        "Japan and South Korea held talks in Tokyo on Monday and agreed to deepen their alliance ties.\n"
        "Officials of the two countries met for two hours.\n"
        "They also discussed joint exercises with the United States later this year.\n"
    )
    assert "us-allies" not in _matched(storylines, "Japan and South Korea hold talks", text)
    lead = "The United States, Japan and South Korea began joint exercises on Monday, the alliance said.\n"
    assert "us-allies" in _matched(storylines, "US, Japan and South Korea begin joint exercises", lead + text)


def test_a_phrase_keyword_matches_its_singular(storylines: tuple[Storyline, ...]) -> None:
    """The keyword 'joint exercises' finds 'joint exercise' (the phrase's last word in the singular)."""
    text = (
        "The United States, Japan and South Korea began a joint exercise on Monday south of Jeju.\n"
        "Warships of the three countries took part in the three-day joint exercise, officials said.\n"
    )
    assert "us-allies" in _matched(storylines, "US, Japan and South Korea start joint exercise", text)


def test_a_storyline_titled_with_a_year_skips_news_from_before_it() -> None:
    """'Quake 2025' does not take a report of another quake published in 2012 in the same country."""
    quake = parse_storylines(
        [{"id": "nepal-quake", "title": "Nepal earthquake 2025", "profile": "incident",
          "entities": [{"name": "Nepal", "label": "GPE"}], "keywords": ["earthquake", "quake"]}]
    )  # fmt: skip
    text = (
        "A strong earthquake struck central Nepal on Sunday, killing at least ten people.\n"
        "The quake was felt in Kathmandu, where rescuers searched collapsed houses.\n"
    )
    for year, expected in ((2012, set()), (2025, {"nepal-quake"})):
        stamp = datetime(year, 5, 1, tzinfo=UTC)
        article = Article(id=f"q{year}", title="Nepal quake", text=text, published=stamp, ingested_at=stamp)
        enriched = enrich_batch(load_pipeline(quake), [article], quake)[0]
        assert {m.storyline_id for m in match_storylines(enriched, quake, min_score=0.5)} == expected


def test_an_institutions_decision_needs_none_of_its_people() -> None:
    """A bank's rate decision led by the bank's name matches though only other officials are quoted."""
    bank = parse_storylines(
        [{"id": "boj", "title": "Bank of Japan rate decisions", "profile": "policy-decision",
          "entities": [{"name": "Bank of Japan", "label": "ORG", "aliases": ["BOJ"]},
                       {"name": "Kazuo Ueda", "aliases": ["Ueda"]}],
          "keywords": ["interest rates", "rate hike"]}]
    )  # fmt: skip
    text = (
        "The Bank of Japan raised interest rates on Friday to their highest level in 17 years.\n"
        "The rate hike was expected, said economist Naomi Fink, and the yen rose after the decision.\n"
        "Analyst Takeshi Mori said the BOJ would likely hold rates at its next meeting.\n"
    )
    stamp = datetime(2025, 1, 24, tzinfo=UTC)
    article = Article(id="boj", title="BOJ raises rates", text=text, published=stamp, ingested_at=stamp)
    enriched = enrich_batch(load_pipeline(bank), [article], bank)[0]
    assert [m.storyline_id for m in match_storylines(enriched, bank, min_score=0.5)] == ["boj"]


def test_a_lone_leader_leaving_for_a_third_country_is_not_the_other_side(
    storylines: tuple[Storyline, ...],
) -> None:
    """'Modi departs for U.S. ...; Prime Minister Narendra Modi left for Washington': the lone leader is on a
    trip to a third country, so he does not stand for the storyline's other side (Pakistan); named alone
    with no trip, he still may."""
    storyline = storylines[0]
    trip = (
        "Modi departs for U.S. for a state visit by India's leader\n"
        "Prime Minister Narendra Modi left for Washington on Monday."
    )
    assert lead_sides(storyline, split_sentences(trip), 2) == ({"India"}, 0)
    home = (
        "Modi hails talks as India's leader looks ahead\n"
        "Prime Minister Narendra Modi spoke in New Delhi on Monday."
    )
    assert lead_sides(storyline, split_sentences(home), 2) == ({"India"}, 1)


def test_a_country_named_as_what_a_meeting_answers_is_not_a_side(storylines: tuple[Storyline, ...]) -> None:
    """'... against a hostile Pakistan': the lead names the country as the threat two other leaders answer
    (the profile's ``not_sides`` markers), so it is not the pair's other side."""
    lead = (
        "Modi and Albanese deepen ties against a hostile Pakistan\n"
        "Indian Prime Minister Narendra Modi and Australian Prime Minister Anthony Albanese agreed on Monday "
        "to expand naval drills.\n"
    )
    assert lead_sides(storylines[0], split_sentences(lead), 2) == ({"India"}, 0)
    both = "Modi and Sharif hold talks\nIndian Prime Minister Narendra Modi met Pakistan's leader on Monday."
    assert lead_sides(storylines[0], split_sentences(both), 2)[0] == {"India", "Pakistan"}


def test_a_lone_leader_listed_with_third_countries_is_not_the_other_side(
    storylines: tuple[Storyline, ...],
) -> None:
    """'India, Nepal and Bangladesh sign ...; Prime Minister Modi and the leaders of ...': the storyline's
    side acts with third countries it is listed with, so its lone leader does not stand for Pakistan."""
    lead = (
        "India, Nepal and Bangladesh sign power-sharing pact\n"
        "Prime Minister Narendra Modi and the leaders of Nepal and Bangladesh signed the pact on Monday.\n"
    )
    assert lead_sides(storylines[0], split_sentences(lead), 2) == ({"India"}, 0)


def test_a_sea_or_peninsula_named_after_a_country_is_not_that_country(
    storylines: tuple[Storyline, ...],
) -> None:
    """'Sea of Japan' and 'the Korean Peninsula' are regions (places.yaml), not Japan or South Korea."""
    allies = storylines[1]
    assert places_in(allies, "US warships patrolled the Sea of Japan near the Korean Peninsula.") == {
        "United States"
    }


def test_an_election_storyline_titled_with_a_year_follows_the_autumn_before() -> None:
    """'... election 2026' takes the snap election called the October before (the election profile's
    lead-in), but not news of a year and a half before."""
    vote = parse_storylines(
        [{"id": "nl-vote", "title": "Dutch general election 2026", "profile": "election",
          "entities": [{"name": "Netherlands", "label": "GPE"},
                       {"name": "Dick Schoof", "aliases": ["Schoof"]}],
          "keywords": ["general election", "election", "coalition"]}]
    )  # fmt: skip
    text = (
        "Dutch Prime Minister Dick Schoof called a snap general election on Tuesday after his coalition "
        "collapsed.\nThe election will be held in March, Schoof told parliament in The Hague.\n"
    )
    for stamp, expected in (
        (datetime(2025, 10, 7, tzinfo=UTC), {"nl-vote"}),
        (datetime(2024, 6, 4, tzinfo=UTC), set()),
    ):
        article = Article(
            id="nl", title="Schoof calls snap election", text=text, published=stamp, ingested_at=stamp
        )
        enriched = enrich_batch(load_pipeline(vote), [article], vote)[0]
        assert {m.storyline_id for m in match_storylines(enriched, vote, min_score=0.5)} == expected


def test_a_lone_leader_flying_to_the_summits_venue_still_stands_for_the_other_side(
    storylines: tuple[Storyline, ...],
) -> None:
    """'summit in Doha ...; Modi flew to Doha': the trip is to the meeting's venue, not to a third party,
    so the lone leader still stands for India, which the article names."""
    text = (
        "Highlights of the Modi–Sharif summit in Doha\n"
        "Prime Minister Narendra Modi flew to Doha on Monday for talks with Pakistani Prime Minister "
        "Shehbaz Sharif.\nIndia's foreign ministry called the talks frank.\n"
    )
    assert lead_sides(storylines[0], split_sentences(text), 2) == ({"Pakistan"}, 1)


def test_two_lone_leaders_of_a_pair_are_its_two_sides(storylines: tuple[Storyline, ...]) -> None:
    """A lead naming both leaders and no country ('Prime Ministers Modi and Sharif held ...') is the pair's
    story when the article names their countries further down."""
    text = (
        "Prime Ministers Narendra Modi and Shehbaz Sharif held their first summit talks in Doha on Monday.\n"
        "The two leaders met for two hours, officials said.\n"
        "Indian and Pakistani officials later agreed to reopen the border crossing.\n"
    )
    assert "india-pakistan" in _matched(storylines, "Modi and Sharif meet in Doha for summit talks", text)


def test_a_lone_leader_with_a_third_country_stands_only_for_a_side_the_article_names(
    storylines: tuple[Storyline, ...],
) -> None:
    """'Sharif sends envoy to Riyadh ahead of Saudi talks': a third country in the lead, and India named
    nowhere, so the lone leader stands for no side of the pair."""
    text = (
        "Sharif sends envoy to Riyadh ahead of talks on Saudi loans to Pakistan\n"
        "The envoy of Prime Minister Shehbaz Sharif is due in Riyadh on Wednesday for talks on the loans.\n"
    )
    assert lead_sides(storylines[0], split_sentences(text), 2) == ({"Pakistan"}, 0)


def test_a_regional_election_in_the_lead_is_not_the_national_ones() -> None:
    """'... won a state election in Bavaria' after the national vote is another contest (the election
    profile's ``other_events``), though it names the national storyline's parties and chancellor."""
    vote = parse_storylines(
        [{"id": "at-vote", "title": "Austrian legislative election 2024", "profile": "election",
          "entities": [{"name": "Austria", "label": "GPE"},
                       {"name": "Karl Nehammer", "aliases": ["Nehammer"]},
                       {"name": "Austrian People's Party", "label": "ORG",
                        "aliases": ["OVP", "People's Party"]}],
          "keywords": ["legislative election", "election", "coalition", "seats"]}]
    )  # fmt: skip
    text = (
        "Two weeks after Austria's national election, Chancellor Karl Nehammer's People's Party won a "
        "state election in Vorarlberg on Sunday.\n"
        "The party kept 38 of the state assembly's seats, officials said.\n"
    )
    stamp = datetime(2024, 10, 14, tzinfo=UTC)
    article = Article(
        id="vbg", title="Nehammer's party holds Vorarlberg", text=text, published=stamp, ingested_at=stamp
    )
    enriched = enrich_batch(load_pipeline(vote), [article], vote)[0]
    assert match_storylines(enriched, vote, min_score=0.5) == []


def test_person_listed_in_several_storylines_belongs_to_the_place_they_share() -> None:
    """A leader listed by every relation storyline of their country belongs to it: in a storyline with
    a third country, 'President Lula' welcoming another leader stands for his own side, not the other."""
    lines = parse_storylines(
        [
            {"id": "brazil-china", "title": "Brazil–China summits",
             "entities": [{"name": "Brazil", "label": "GPE"}, {"name": "China", "label": "GPE"},
                          {"name": "Luiz Inácio Lula da Silva", "aliases": ["Lula"]}],
             "keywords": ["summit", "talks"]},
            {"id": "brazil-argentina", "title": "Brazil–Argentina talks",
             "entities": [{"name": "Brazil", "label": "GPE"}, {"name": "Argentina", "label": "GPE"},
                          {"name": "Luiz Inácio Lula da Silva", "aliases": ["Lula"]}],
             "keywords": ["summit", "talks"]},
        ]
    )  # fmt: skip
    assert people_places(lines) == {"luiz inacio lula da silva": "Brazil"}
    sentences = split_sentences(
        "Lula hosts Boric in Brasília\n"
        "President Lula received President Gabriel Boric in Brazil on Tuesday for talks on a rail link.\n"
    )
    assert lead_sides(lines[0], sentences, 2) == ({"Brazil"}, 1)  # unknown: Lula may stand for China
    assert lead_sides(lines[0], sentences, 2, people_places(lines)) == ({"Brazil"}, 0)
    assert "brazil-china" not in _matched(lines, sentences[0].text, sentences[1].text)


def test_country_named_as_a_topic_is_no_side(storylines: tuple[Storyline, ...]) -> None:
    """A country the lead names only as a topic of the news (its goods: 'Pakistani gas'; its war; a
    ceasefire with it) is no side of a relations storyline: the news is another country's."""
    pair = storylines[0]
    sentences = split_sentences(
        "Bangladesh agrees to ceasefire with Pakistan as India steps in\n"
        "Indian officials said on Friday that Dhaka would curb purchases of Pakistani gas under the deal.\n"
    )
    assert lead_sides(pair, sentences, 2) == ({"India"}, 0)
    both = split_sentences("India and Pakistan agree on talks\nPakistan's war of words with India cooled.\n")
    assert lead_sides(pair, both, 2)[0] == {"India", "Pakistan"}


def test_lone_leader_visiting_a_third_country_does_not_stand_for_the_other_side(
    storylines: tuple[Storyline, ...],
) -> None:
    """'Ahead of Sharif's visit to Turkey' has the lone leader meet Turkey, not India, even when the
    article names India further down."""
    pair = storylines[0]
    sentences = split_sentences(
        "Pakistan signs gas deal with Ankara firm\n"
        "Pakistan's state utility signed a ten-year supply deal ahead of Prime Minister Sharif's visit to "
        "Turkey next month.\nThe deal comes as India also seeks new suppliers.\n"
    )
    assert lead_sides(pair, sentences, 2) == ({"Pakistan"}, 0)


def test_lone_leader_meeting_a_third_party_with_the_other_sides_leader_stands_for_his_side(
    storylines: tuple[Storyline, ...],
) -> None:
    """A lone leader in a three-way meeting with a third party and the other side's leader (named with
    their country) still stands for the missing side: both of the storyline's leaders meet."""
    pair = storylines[0]
    sentences = split_sentences(
        "Sharif arrives in Beijing for summit with Xi, Modi\n"
        "Prime Minister Shehbaz Sharif arrived in Beijing on Sunday for a summit with Chinese President "
        "Xi Jinping and Indian Prime Minister Narendra Modi.\nPakistan hopes for a water accord.\n"
    )
    assert lead_sides(pair, sentences, 2) == ({"India"}, 1)


def test_person_the_article_names_with_a_third_country_is_a_third_party(
    storylines: tuple[Storyline, ...],
) -> None:
    """Someone outside the storyline's people whom the lead names plainly ('Erdogan') but the article
    names with a third country further down ('Turkish President ...') is the lone leader's counterpart."""
    pair = storylines[0]
    sentences = split_sentences(
        "Modi hosts Erdogan for trade talks\n"
        "Prime Minister Narendra Modi held talks with Recep Tayyip Erdogan in New Delhi on Monday.\n"
        "Turkish President Recep Tayyip Erdogan flies on to Pakistan on Wednesday.\n"
    )
    assert lead_sides(pair, sentences, 2) == ({"India"}, 1)
    assert lead_sides(pair, sentences, 2, others=["Recep Tayyip Erdogan", "Erdogan"]) == ({"India"}, 0)


def test_leaders_name_as_a_modifier_is_not_the_leader() -> None:
    """'the Modi government', "Modi's top aide", 'Sharif Gulf envoy' name someone acting for the leader,
    not the leader; 'Modi met aides' names the leader."""
    modi = [term_pattern("Modi")]
    assert not present(modi, "as the Modi government weighed its reply")
    assert not present(modi, "Modi's top aide flew in")
    assert not present([term_pattern("Sharif")], "Sharif Gulf envoy lands in Riyadh")
    assert present(modi, "Modi met aides on Monday")
    assert present(modi, "the Modi government said, and Modi spoke")


def test_lone_leader_hosting_the_other_sides_envoy_stands_for_neither(
    storylines: tuple[Storyline, ...],
) -> None:
    """A leader named alone who hosts the other side's envoy ('Indian Prime Minister Narendra Modi's special
    envoy') is not a meeting of the two sides: the other side is there only through its envoy."""
    pair = storylines[0]
    sentences = split_sentences(
        "Sharif receives Modi envoy on water dispute\n"
        "Prime Minister Shehbaz Sharif received Ajit Doval, Indian Prime Minister Narendra Modi's special "
        "envoy, in Islamabad on Monday.\n"
    )
    assert lead_sides(pair, sentences, 2) == ({"Pakistan"}, 0)
    plain = split_sentences(
        "Sharif speaks as Modi government mulls reply\n"
        "Prime Minister Shehbaz Sharif spoke on Monday as the Modi government weighed its reply.\n"
    )
    assert lead_sides(pair, plain, 2) == (set(), 1)
