"""The kind of event an article reports: the headline's news, and kinds that are events of their own."""

# ruff: noqa: E501  (news prose and test names are kept on one line)
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from detect_builders import Timeline, make_article

from monitor.detect.events import similarity
from monitor.detect.extract import Signature
from monitor.detect.kinds import applies_to, event_name, event_noun, headline_kind, organiser
from monitor.detect.state import EventState
from monitor.lexicon import load_lexicon
from monitor.models import Article, ArticleRef, CanonicalEntity, EnrichedArticle
from monitor.storylines.config import EntitySpec, Storyline

Enrich = Callable[[Article], EnrichedArticle]

QUAKE = Storyline(
    id="quake",
    title="Myanmar earthquake 2025",
    profile="incident",
    entities=(EntitySpec(name="Myanmar", label="GPE"), EntitySpec(name="Mandalay", label="GPE")),
    keywords=("earthquake", "quake", "aftershock", "collapsed"),
)


@pytest.mark.parametrize(
    ("headline", "kind"),
    [
        ("Military council announces 20-day ceasefire following earthquake", "ceasefire"),
        ("Myanmar junta declares quake ceasefire", "ceasefire"),
        (
            "Tragedy in Bangkok: 2-billion-baht State Audit Office building collapses amid Myanmar earthquake, 2 dead, 80 trapped",
            "collapse",
        ),
        ("Magnitude-7.9 quake hits Myanmar", "earthquake"),
        ("A China connection in Bangkok's 33-storey building brought down by quake", "collapse"),
        ("Izmir apartment block crumbled in tremor, say residents", "collapse"),
        ("Taiwan rescue efforts continue after 900 injured in earthquake", None),
    ],
)
def test_the_headline_names_the_news_not_its_cause(headline: str, kind: str | None) -> None:
    """The headline's first event word is the news, unless it qualifies the next one ('quake ceasefire') or
    follows a cause marker ('following earthquake', 'amid Myanmar earthquake', 'brought down by quake': the
    news is the building brought down, a collapse); a response ('rescue efforts continue', a kind of weight 1) is no event of its own (OODA Loop, 3 Apr 2024)."""
    lexicon = load_lexicon()
    assert headline_kind(headline, lexicon.profile("incident"), lexicon) == kind


def _signature(noun: str, day: date) -> Signature:
    published = datetime(2025, 3, 29, 19, tzinfo=UTC)
    ref = ArticleRef(
        id="b", url="https://example.org/b", title="Ceasefire", source="Wire", published=published
    )
    return Signature(
        ref=ref, published=published, participants=[], names={}, weights={}, people=[], place="Myanmar",
        place_explicit=True, place_quote="", date=day, date_explicit=False,
        date_quote="The NUG announced a partial ceasefire on Saturday.", status=None, misdated=False,
        status_quote="", noun=noun, separate_kinds=True,
    )  # fmt: skip


def test_where_kinds_are_events_of_their_own_another_kind_never_joins() -> None:
    """In an incident storyline, a ceasefire declared the day after the quake is not the quake; where the
    profile does not separate kinds (a 'summit' and 'talks' may be one meeting), the kind alone decides nothing."""
    lexicon = load_lexicon()
    published = datetime(2025, 3, 28, 12, tzinfo=UTC)
    quake = EventState(
        id="e", title="quake", first_published=published, last_published=published, place="Myanmar",
        date=date(2025, 3, 28), noun="earthquake",
    )  # fmt: skip
    ceasefire = _signature("ceasefire", date(2025, 3, 29))
    assert similarity(quake, ceasefire, lexicon) == 0.0
    assert similarity(quake, replace(ceasefire, separate_kinds=False), lexicon) > 0.0
    assert similarity(quake, replace(ceasefire, noun="earthquake"), lexicon) > 0.0


def test_a_collapse_is_placed_where_the_building_fell_not_at_the_quake(enrich: Enrich) -> None:
    """A building that collapsed in Bangkok after a quake near Sagaing: the collapse's place is Bangkok, the
    capital named in apposition ('in the Thai capital, Bangkok') counting as its place."""
    timeline = Timeline([QUAKE])
    text = (
        "A 7.7-magnitude earthquake near Sagaing in Myanmar at 13:20 local time sent powerful tremors into Bangkok, bringing down a 30-story government building that was under construction.\n"
        "A multi-storey building under construction collapsed in the Thai capital, Bangkok, with video showing the structure plunging to the ground.\n"
    )
    title = "Tragedy in Bangkok: State Audit Office building collapses amid Myanmar earthquake"
    timeline.push(enrich(make_article("tower", text, published="2025-03-28T09:00:00+00:00", title=title)))
    (event,) = timeline.states["quake"].events
    assert (event.noun, event.place) == ("collapse", "Bangkok")


def test_a_report_of_another_kind_of_event_is_a_weaker_match() -> None:
    """Where kinds are not events of their own, a report naming another kind (a manifesto launch against a
    debate) still may join, but less readily than a report of the same kind."""
    lexicon = load_lexicon()
    published = datetime(2024, 6, 4, 21, tzinfo=UTC)
    debate = EventState(
        id="e", title="debate", first_published=published, last_published=published, date=date(2024, 6, 4),
        noun="debate", participants=["keir-starmer", "rishi-sunak"],
    )  # fmt: skip
    report = replace(
        _signature("debate", date(2024, 6, 5)), separate_kinds=False, participants=["rishi-sunak"], place=None
    )
    same = similarity(debate, report, lexicon)
    assert 0.0 < similarity(debate, replace(report, noun="manifesto"), lexicon) < same
    assert similarity(debate, replace(report, noun="event"), lexicon) == same


def test_an_aftershock_days_later_is_another_occurrence(enrich: Enrich) -> None:
    """A report of Sunday's aftershock that also names Friday's quake knows the two days apart: it starts an
    event of its own, titled by its kind and place; in a later report of the quake, the magnitude of Sunday's
    tremor raises no confident conflict with Friday's."""
    timeline = Timeline([QUAKE])
    quake = "A powerful earthquake of magnitude 7.7 struck central Myanmar near Mandalay on Friday, killing hundreds of people.\n"
    aftershock = (
        "An earthquake of magnitude 5.1 struck near Mandalay, Myanmar's second-largest city, on Sunday, the United States Geological Survey (USGS) said.\n"
        "Residents still shaken by Friday's magnitude 7.7 quake ran into the streets in fear.\n"
    )
    timeline.push(
        enrich(
            make_article(
                "q", quake, published="2025-03-28T12:00:00+00:00", title="Magnitude 7.7 quake hits Myanmar"
            )
        )
    )
    timeline.push(
        enrich(
            make_article(
                "a",
                aftershock,
                published="2025-03-30T10:00:00+00:00",
                title="Earthquake of 5.1 magnitude strikes Myanmar again",
            )
        )
    )
    events = timeline.states["quake"].events
    assert [event.date for event in events] == [date(2025, 3, 28), date(2025, 3, 30)]
    assert events[1].title == "Earthquake in Mandalay, 30 March 2025"
    later = (
        "Rescuers are racing to find survivors of the magnitude 7.7 earthquake that struck near Mandalay on Friday.\n"
        "Another quake, of magnitude 5.1, struck near Mandalay on Sunday as well, the USGS said.\n"
    )
    raised = timeline.push(
        enrich(
            make_article(
                "l", later, published="2025-03-30T11:00:00+00:00", title="Myanmar earthquake: cities in ruins"
            )
        )
    )
    assert all(alert.confidence < 0.5 for alert in raised if alert.kind == "conflict")


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        (
            "Prime Minister Petteri Orpo survived a vote of no confidence in parliament on Tuesday, and the election stays set for April.",
            "confidence vote",
        ),
        (
            "The three parties signed a coalition agreement in Vienna on Thursday, five months after the election.",
            "coalition agreement",
        ),
    ],
)
def test_an_election_storylines_confidence_vote_and_coalition_deal_are_named_as_such(
    text: str, noun: str
) -> None:
    """A confidence vote or a coalition agreement in an election storyline is named by its own noun, not as
    'election' (the election profile's kinds, weighted above the vote itself)."""
    assert event_noun(text, load_lexicon().profile("election")) == noun


@pytest.mark.parametrize(
    ("text", "applies"),
    [
        ("Canada opens anti-dumping probe into US steel", "into steel"),
        (
            "Ottawa launched an investigation into all softwood lumber imported from the United States.",
            "into softwood lumber",
        ),
        ("Washington imposed duties on Canadian-made trucks on Friday, officials said.", "on trucks"),
        ("The tariffs on imports of Mexican tomatoes take effect in July.", "on tomatoes"),
        ("Mexico will respond to the tariffs on Monday, the ministry said.", ""),
        ("The inquiry into subsidies received by Brazilian exporters begins.", "into subsidies"),
    ],
)
def test_what_a_trade_measure_applies_to(text: str, applies: str) -> None:
    """A trade measure's goods, which titles name: the words after a measure's word and 'into' or 'on', less
    leading quantifiers ('all'), 'imports of' and the places qualifying them ('US', 'Canadian-made'), up to
    a stop word or a participle ('imported', 'received'); a weekday after 'on' is no goods."""
    lexicon = load_lexicon()
    assert applies_to([text], lexicon.profile("trade-measure"), lexicon) == applies
    assert applies_to([text], lexicon.profile("diplomatic-meeting"), lexicon) == ""


def test_the_organisation_an_event_is_named_after() -> None:
    """'the CBC leaders' debate' is named after the broadcaster: the organisation right before the event's
    word; one named elsewhere, or none, names nothing."""
    profile = load_lexicon().profile("election")
    lead = ["Carney and Poilievre clash in the CBC debate in Montreal", "Polls opened on Monday."]
    assert organiser(lead, profile, ["CBC", "Elections Canada"]) == "CBC"
    assert organiser(["Elections Canada said the debate drew 5 million viewers."], profile, ["CBC"]) == ""
    assert organiser(lead, profile, []) == ""


def _named(name: str, label: str = "EVENT") -> CanonicalEntity:
    return CanonicalEntity(
        id=name.lower().replace(" ", "-"), name=name, label=label, known=False, count=1,
        surface_forms=(name,), mentions=(),
    )  # fmt: skip


def test_the_name_reports_give_an_event_of_its_kind() -> None:
    """'Cyclone Freddy' names a storm: an event the NLP read whose first word is a word of the event's kind,
    the one the lead names first; an event of another kind ('Storm Daniel' for an earthquake), a
    one-word name or a name the lead does not use names nothing."""
    profile = load_lexicon().profile("incident")
    lead = [
        "Cyclone Freddy batters Malawi for a second time",
        "Blantyre was cut off as Cyclone Ana's floods returned.",
    ]
    entities = [_named("Cyclone Ana"), _named("Cyclone Freddy"), _named("Freddy"), _named("Storm Daniel")]
    assert event_name(lead, entities, profile, "storm") == "Cyclone Freddy"
    assert event_name(lead, entities, profile, "earthquake") == ""
    assert event_name(["Rains return to Blantyre"], entities, profile, "storm") == ""
    assert event_name(lead, [_named("Cyclone Freddy", "ORG")], profile, "storm") == ""
