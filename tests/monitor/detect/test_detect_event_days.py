"""Which day is the event's when an article names several: the lead's own day, never one after a report."""

# ruff: noqa: E501  (news prose and test names are kept on one line)
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from detect_builders import Timeline, make_article

from monitor.models import Article, EnrichedArticle
from monitor.storylines.config import load_storylines, parse_storylines

Enrich = Callable[[Article], EnrichedArticle]
JUDGEMENT = Path(__file__).resolve().parents[2] / "data" / "judgement"


def test_the_leads_day_by_a_generic_event_word_is_the_events(enrich: Enrich) -> None:
    """'at a White House state visit on Wednesday (Apr 10)' in a report titled a summit: 'visit' is a generic
    word for the same meeting, so its day is the event's, not Thursday's address to Congress further down."""
    text = (
        "President Joe Biden and Japanese Prime Minister Fumio Kishida showcased a strong and growing partnership at a White House state visit on Wednesday (Apr 10) focused on joint defence cooperation to deter China.\n"
        "The day opened with an arrival ceremony on the South Lawn, to be followed by closed-door talks and a state dinner.\n"
        "Kishida will address the U.S. Congress on Thursday and join Biden and Philippine President Ferdinand Marcos Jr for a meeting on security in the South China Sea.\n"
    )
    timeline = Timeline(load_storylines(JUDGEMENT / "storylines.yaml"))
    title = 'Biden thanks Japan\'s Kishida for "global partnership" at White House summit'
    timeline.push(enrich(make_article("w", text, published="2024-04-10T15:30:00+00:00", title=title)))
    events = timeline.states["us-alliance"].events
    assert [event.date for event in events] == [date(2024, 4, 10)]


def test_a_report_of_an_opened_investigation_takes_no_later_day(enrich: Enrich) -> None:
    """China 'has opened' a probe (done): 'before they are confirmed on July 4', weeks after publication, is
    another measure's day, so the probe's event is not dated July 4; a dateline's 'BEIJING' is Beijing."""
    trade = parse_storylines(
        [{"id": "ev", "title": "EU–China electric-vehicle tariff dispute", "profile": "trade-measure",
          "entities": [{"name": "European Union", "label": "ORG", "aliases": ["EU", "Brussels"]},
                       {"name": "China", "label": "GPE", "aliases": ["Beijing"]}],
          "keywords": ["electric vehicles", "tariffs", "anti-dumping"]}]
    )  # fmt: skip
    timeline = Timeline(trade)
    text = (
        "BEIJING (Xinhua) -- China has opened an anti-dumping investigation into pork imports from the European Union, escalating trade tensions after Brussels said it would impose tariffs on electric vehicle shipments from China.\n"
        "Beijing aims to press European governments to push the European Commission to drop the EV tariffs before they are confirmed on July 4.\n"
    )
    title = "China launches anti-dumping investigation into EU pork imports"
    timeline.push(enrich(make_article("p", text, published="2024-06-17T13:20:00+00:00", title=title)))
    (event,) = timeline.states["ev"].events
    assert event.date != date(2024, 7, 4)
    assert event.place in {None, "Beijing"}


def test_a_rate_move_written_with_interest_rates_in_full_dates_the_decision(enrich: Enrich) -> None:
    """'went back to raising interest rates on Thursday, May 8': the rate verb with 'interest rates' written
    in full is the decision's word, so its sentence gives the decision's day even when no other decision word
    is in it."""
    bank = parse_storylines(
        [{"id": "rba", "title": "Reserve Bank of Australia rate decisions", "profile": "policy-decision",
          "entities": [{"name": "Reserve Bank of Australia", "label": "ORG", "aliases": ["RBA"]}],
          "keywords": ["cash rate", "interest rates"]}]
    )  # fmt: skip
    timeline = Timeline(bank)
    text = (
        "After a pause in April, the Reserve Bank of Australia went back to raising interest rates on Tuesday, May 2, surprising markets.\n"
        "Governor Philip Lowe said some further tightening may be needed.\n"
    )
    title = "RBA surprises with another hike"
    timeline.push(enrich(make_article("r", text, published="2023-05-03T01:00:00+00:00", title=title)))
    (event,) = timeline.states["rba"].events
    assert event.date == date(2023, 5, 2)
    assert any(fact.slot == "date:event" and fact.value == "2023-05-02" for fact in event.facts)
