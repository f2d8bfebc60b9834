"""Where an event took place, as its title names it: the city before its country, never a newspaper."""

# ruff: noqa: E501  (news prose and test names are kept on one line)
from __future__ import annotations

from collections.abc import Callable

from detect_builders import Timeline, make_article

from monitor.models import Article, EnrichedArticle
from monitor.storylines.config import parse_storylines

Enrich = Callable[[Article], EnrichedArticle]


def test_the_city_names_the_event_before_its_country(timeline: Timeline, enrich: Enrich) -> None:
    """A preview places the summit 'in Laos', the report 'in Vientiane, Laos': the title names the city."""
    preview = "President Yoon Suk Yeol and Japanese Prime Minister Shigeru Ishiba will hold their first summit on Thursday on the sidelines of the Association of Southeast Asian Nations summit in Laos, Yoon's office said on Wednesday.\n"
    report = "President Yoon Suk Yeol held bilateral talks with Japanese Prime Minister Shigeru Ishiba on Thursday on the sidelines of the ASEAN summit in Vientiane, Laos.\n"
    timeline.push(
        enrich(
            make_article(
                "p",
                preview,
                published="2024-10-10T00:23:00+00:00",
                title="Yoon, Japan's Ishiba to hold 1st summit in Laos",
            )
        )
    )
    timeline.push(
        enrich(
            make_article(
                "r",
                report,
                published="2024-10-10T09:41:00+00:00",
                title="Yoon, Ishiba agree to hold 'shuttle diplomacy'",
            )
        )
    )
    events = [event for state in timeline.states.values() for event in state.events]
    assert events and all(event.place == "Vientiane" for event in events)
    assert all("in Vientiane" in event.title for event in events)


def test_a_newspaper_is_no_place(enrich: Enrich) -> None:
    """'responding to reports in The Sun': the newspaper is not where the debate was held."""
    election = parse_storylines(
        [{"id": "uk", "title": "UK general election 2024", "profile": "election",
          "entities": [{"name": "Rishi Sunak", "label": "PERSON", "aliases": ["Sunak"]},
                       {"name": "Keir Starmer", "label": "PERSON", "aliases": ["Starmer"]}],
          "keywords": ["general election", "election", "debate"]}]
    )  # fmt: skip
    timeline = Timeline(election)
    text = (
        "Rishi Sunak and Keir Starmer clashed over tax and immigration in their final head-to-head debate of the general election campaign on Wednesday.\n"
        "In a statement on Wednesday evening responding to reports in The Sun, Scotland Yard said it was not taking over the investigation into bets on the timing of the general election.\n"
    )
    timeline.push(
        enrich(
            make_article(
                "s",
                text,
                published="2024-06-26T21:36:00+00:00",
                title="Sunak and Starmer clash in final debate",
            )
        )
    )
    (event,) = timeline.states["uk"].events
    assert event.place != "Sun" and "Sun," not in event.title


def test_a_place_named_as_where_a_situation_is_is_not_the_venue(enrich: Enrich) -> None:
    """'to discuss the fighting in Darfur', 'an airstrike in Khartoum': the places are where the war is (the
    language's situation words before 'in'), not where the leaders meet; the meeting's own place is."""
    talks = parse_storylines(
        [{"id": "eg-us", "title": "Egypt–US leaders' meetings",
          "entities": [{"name": "Egypt", "label": "GPE"}, {"name": "United States", "label": "GPE", "aliases": ["US"]},
                       {"name": "Abdel Fattah al-Sisi", "label": "PERSON", "aliases": ["Sisi"]},
                       {"name": "Joe Biden", "label": "PERSON", "aliases": ["Biden"]}],
          "keywords": ["meeting", "talks", "visit"]}]
    )  # fmt: skip
    timeline = Timeline(talks)
    text = (
        "Egyptian President Abdel Fattah al-Sisi will meet US President Joe Biden on Monday to discuss the fighting in Darfur, officials said.\n"
        "The talks in Washington come days after an airstrike in Khartoum killed dozens, and Sisi is expected to press for a truce.\n"
        "Biden and Sisi last met in 2022.\n"
    )
    timeline.push(
        enrich(
            make_article(
                "w", text, published="2024-05-10T08:00:00+00:00", title="Sisi to meet Biden on Sudan war"
            )
        )
    )
    (event,) = timeline.states["eg-us"].events
    assert event.place == "Washington"
