"""Events and titles on fresh real reporting nobody tuned on: a disaster, a trade measure, an election.

As in ``test_detect_fresh_events.py``: several outlets' reports of one real event must give exactly one
``new_event`` titled by what happened, where and on which day; a related but different event (aftershocks
weeks later, the same parties' decision on another product) must not join it. Articles are rewritten in our
own words with every fact kept; each names its source in a comment.
"""

# ruff: noqa: E501  (news prose and test names are kept on one line)
from __future__ import annotations

from collections.abc import Callable

from detect_builders import Timeline, make_article

from monitor.models import Article, EnrichedArticle
from monitor.storylines.config import EntitySpec, Storyline

Enrich = Callable[[Article], EnrichedArticle]
Item = tuple[str, str, str, str, str]  # id, source, published, headline, text


def _article(item: Item) -> Article:
    article_id, source, published, title, text = item
    return make_article(article_id, text, published=published, title=title, source=source)


# --- Hualien earthquake, 3 April 2024 ------------------------------------------------------------------------

TAIWAN_QUAKE = Storyline(
    id="taiwan-quake-2024",
    title="Taiwan earthquake 2024",
    profile="incident",
    entities=(EntitySpec(name="Taiwan", label="GPE"), EntitySpec(name="Hualien", label="GPE")),
    keywords=("earthquake", "quake", "magnitude", "aftershock", "death toll", "rescue", "collapsed"),
)

QUAKE_REPORTS: list[Item] = [
    # Nation Thailand (AFP), 3 Apr 2024
    (
        "hualien-nation",
        "Nation Thailand",
        "2024-04-03T06:00:00+00:00",
        "Strongest quake in 25 years hits Taiwan",
        "Taiwan television showed buildings standing at precarious angles in Hualien, where the 7.4-magnitude quake struck just offshore at about 8 am on Wednesday.\n"
        "The quake struck at a depth of 15.5km as people were heading to work and school, setting off a tsunami warning for southern Japan and the Philippines that was later lifted.\n"
        "Taiwan's National Fire Agency said all the deaths had been in Hualien county.\n",
    ),
    # OODA Loop, 3 Apr 2024
    (
        "hualien-ooda",
        "OODA Loop",
        "2024-04-03T15:00:00+00:00",
        "Taiwan rescue efforts continue after 900 injured in earthquake",
        "A 7.4 magnitude earthquake struck Taiwan's eastern coast on Wednesday, killing at least nine people and injuring more than 900.\n"
        "With its epicenter near Hualien city, the tremors were felt as far away as Taipei, more than 100km away, in the strongest quake in 25 years.\n"
        "Landslides along the coast trapped people in tunnels and mountain areas, and Taiwan declined assistance offered by China.\n",
    ),
    # The Independent (South Africa), 4 Apr 2024
    (
        "hualien-independent",
        "The Independent (South Africa)",
        "2024-04-04T06:00:00+00:00",
        "7.4 Magnitude earthquake hits Taiwan",
        "The death toll is at least nine, with 963 injured, after a massive earthquake struck Taiwan, and authorities warned strong aftershocks could rock the island for several more days.\n"
        "The earthquake, measured at 7.2 by Taiwan officials and 7.4 by the U.S. Geological Survey, struck near the east coast city of Hualien at about 8 a.m. local time on Wednesday.\n"
        "A series of aftershocks followed the quake, reaching up to magnitude 6.5.\n",
    ),
    # Talking Points Memo, 4 Apr 2024 (a later look at the damage)
    (
        "hualien-tpm",
        "Talking Points Memo",
        "2024-04-04T20:00:00+00:00",
        "Taiwan assesses damage after 7.4 magnitude earthquake",
        "A 7.4 magnitude earthquake rocked Taiwan's east coast during the morning rush hour on Wednesday.\n"
        "Search and rescue teams have so far reported 9 people dead and about 900 injured, and the quake caused landslides and damaged roads, bridges and tunnels.\n"
        "The last quake of comparable strength in Taiwan was a 7.7 magnitude in 1999.\n",
    ),
]

# Focus Taiwan (CNA), 23 Apr 2024: another occurrence in the same storyline, three weeks later
AFTERSHOCKS_LATER: Item = (
    "hualien-cna-aftershocks",
    "Focus Taiwan (CNA)",
    "2024-04-23T04:00:00+00:00",
    "Magnitude 6.0, 6.3 earthquakes aftershocks of April 3 temblor: CWA",
    "Taipei, April 23 (CNA) The magnitude 6.0 and 6.3 earthquakes that rattled Hualien County early Tuesday are aftershocks of the April 3 magnitude 7.2 earthquake in the eastern county that left at least 17 people dead, the Central Weather Administration said on Tuesday.\n"
    "A total of 103 earthquakes of magnitude 4 or higher hit Hualien County from 5:08 p.m. Monday to 10:27 a.m. Tuesday, 27 of them above magnitude 5.\n",
)


def test_one_earthquake_reported_by_four_outlets_is_one_event(enrich: Enrich) -> None:
    """Four reports over two days of the quake that struck near Hualien are one event: exactly one new_event,
    titled by what happened, where and on which day."""
    timeline = Timeline([TAIWAN_QUAKE])
    for item in QUAKE_REPORTS:
        timeline.push(enrich(_article(item)))
    assert len(timeline.of("taiwan-quake-2024", "new_event")) == 1
    (event,) = timeline.states["taiwan-quake-2024"].events
    assert "Hualien" in event.title
    assert "3 April 2024" in event.title


def test_aftershocks_three_weeks_later_are_not_the_main_quake(enrich: Enrich) -> None:
    """The cluster of aftershocks of 23 April belongs to the storyline but is another occurrence: it does not
    join the 3 April earthquake, whose day and reports stay its own."""
    timeline = Timeline([TAIWAN_QUAKE])
    for item in QUAKE_REPORTS[:2]:
        timeline.push(enrich(_article(item)))
    timeline.push(enrich(_article(AFTERSHOCKS_LATER)))
    main = next(
        event
        for event in timeline.states["taiwan-quake-2024"].events
        if event.date is not None and event.date.isoformat() == "2024-04-03"
    )
    assert "hualien-cna-aftershocks" not in {ref.id for ref in main.articles}


# --- China lifts its duties on Australian barley, 4 August 2023 ---------------------------------------------

BARLEY = Storyline(
    id="australia-china-barley",
    title="Australia–China barley dispute",
    profile="trade-measure",
    entities=(
        EntitySpec(name="Australia", label="GPE", aliases=("Canberra",)),
        EntitySpec(name="China", label="GPE", aliases=("Beijing",)),
        EntitySpec(name="Don Farrell", label="PERSON", aliases=("Farrell",)),
        EntitySpec(name="Penny Wong", label="PERSON", aliases=("Wong",)),
    ),
    keywords=("barley", "anti-dumping", "countervailing", "duties", "tariffs", "WTO"),
)

BARLEY_REPORTS: list[Item] = [
    # People's Daily (Xinhua), 4 Aug 2023
    (
        "barley-xinhua",
        "Xinhua",
        "2023-08-04T08:57:00+00:00",
        "China lifts anti-dumping, countervailing duties on Australian barley",
        "BEIJING, Aug. 4 (Xinhua) -- China will lift its anti-dumping and countervailing duties on imported Australian barley from Aug. 5, 2023, the Ministry of Commerce announced on Friday.\n"
        "The ministry said it had ruled that the duties on barley originating in Australia were no longer necessary in view of changes in the Chinese barley market.\n"
        "China began levying the duties on Australian barley on May 19, 2020, for a period of five years.\n",
    ),
    # Sydney Morning Herald, 4 Aug 2023
    (
        "barley-smh",
        "Sydney Morning Herald",
        "2023-08-04T10:00:00+00:00",
        "China drops tariffs against Australian barley",
        "China has dropped its tariffs on Australian barley, ending a three-year dispute that went to the World Trade Organisation and helped push relations between Beijing and Canberra to historic lows.\n"
        "China's Commerce Ministry said on Friday it had decided to end the tariffs of up to 80 per cent on $1.2 billion of barley imports.\n"
        "Prime Minister Anthony Albanese said he welcomed the decision.\n",
    ),
    # Azernews (Yeni Safak), 4 Aug 2023
    (
        "barley-azernews",
        "Azernews",
        "2023-08-04T17:05:00+00:00",
        "China removes duties on Australian barley",
        "China on Friday confirmed to Canberra that it had removed its anti-dumping and countervailing duties on Australian barley, a drop of 80.5% in tariffs.\n"
        "Foreign Minister Penny Wong said the move paves the way for Australian barley exporters to return to the Chinese market, and that Australia would now discontinue its legal proceedings at the WTO.\n",
    ),
    # China Briefing, later analysis
    (
        "barley-briefing",
        "China Briefing",
        "2023-08-09T09:00:00+00:00",
        "China removes barley tariffs on Australia",
        "China has lifted the 80 percent tariff it had imposed on barley from Australia, a significant step to resolve the trade dispute.\n"
        "From August 5, 2023, China removes the tariffs, which consisted of a 73.6 percent anti-dumping tariff and a 6.9 percent anti-subsidy tariff.\n"
        "Following the roll-back, Australia has chosen to discontinue its appeal to the World Trade Organization.\n",
    ),
]

# Sydney Morning Herald, 28 Mar 2024: the same parties' next decision, about wine
WINE_LATER: Item = (
    "wine-smh",
    "Sydney Morning Herald",
    "2024-03-28T09:00:00+00:00",
    "China drops tariffs on Australian wine",
    "China has dropped its tariffs on Australian wine after years of sanctions that crippled the billion-dollar export industry.\n"
    "The Chinese Ministry of Commerce said on Thursday afternoon it would stop collecting anti-dumping duties on imported Australian wines from March 29.\n"
    "Prime Minister Anthony Albanese said the government welcomed the decision and would drop its case against China at the World Trade Organisation.\n",
)


def test_one_lifting_of_duties_reported_by_four_outlets_is_one_event(enrich: Enrich) -> None:
    """Three same-day reports and a later analysis of China lifting its barley duties are one event: exactly
    one new_event, titled by the parties or the product and dated the day of the announcement."""
    timeline = Timeline([BARLEY])
    for item in BARLEY_REPORTS:
        timeline.push(enrich(_article(item)))
    assert len(timeline.of("australia-china-barley", "new_event")) == 1
    (event,) = timeline.states["australia-china-barley"].events
    assert "China" in event.title or "barley" in event.title
    assert "4 August 2023" in event.title


def test_the_same_parties_decision_on_another_product_months_later_is_another_event(enrich: Enrich) -> None:
    """China's lifting of its wine duties seven months later is the same parties' other decision: it is a
    new_event of its own holding only the wine report, never an update of the barley event."""
    timeline = Timeline([BARLEY])
    for item in BARLEY_REPORTS[:2]:
        timeline.push(enrich(_article(item)))
    raised = timeline.push(enrich(_article(WINE_LATER)))
    assert [development.kind for development in raised] == ["new_event"]
    wine = [
        event
        for event in timeline.states["australia-china-barley"].events
        if "wine-smh" in {ref.id for ref in event.articles}
    ]
    assert len(wine) == 1
    assert {ref.id for ref in wine[0].articles} == {"wine-smh"}


# --- Canada's federal election, 28 April 2025 ----------------------------------------------------------------

CANADA_VOTE = Storyline(
    id="canada-election-2025",
    title="Canada federal election 2025",
    profile="election",
    entities=(
        EntitySpec(name="Mark Carney", label="PERSON", aliases=("Carney",)),
        EntitySpec(name="Pierre Poilievre", label="PERSON", aliases=("Poilievre",)),
        EntitySpec(name="Liberal Party", label="ORG", aliases=("Liberals",)),
        EntitySpec(name="Conservative Party", label="ORG", aliases=("Conservatives", "Tories")),
    ),
    keywords=("federal election", "election", "polls", "seats", "majority", "ridings"),
)

CANADA_REPORTS: list[Item] = [
    # CityNews Toronto, 28 Apr 2025 22:16 EDT
    (
        "canada-citynews",
        "CityNews Toronto",
        "2025-04-29T02:16:00+00:00",
        "Canada election 2025: Liberals under Mark Carney get 4th term, set to form government",
        "Voters across Canada are set to give the Liberals under Mark Carney a fourth term in office, reversing the expectations and polling of just months ago.\n"
        "Based on results released by Elections Canada as of Monday night, CityNews projects the Liberals will form government; as of 10:35 p.m. EDT the party led in 150 seats, but it was not clear whether it would be a majority or a minority government.\n"
        "The Conservatives under leader Pierre Poilievre were leading in 128 seats.\n",
    ),
    # Sputnik, 29 Apr 2025 03:59 UTC
    (
        "canada-sputnik",
        "Sputnik",
        "2025-04-29T03:59:00+00:00",
        "Mark Carney's Liberal Party wins Canadian elections, CBC projects",
        "Canada's ruling Liberal Party, led by Prime Minister Mark Carney, has won the elections with enough seats in parliament to form a government, the broadcaster CBC News reported.\n"
        "It is not yet certain whether the party will have a majority.\n"
        "Carney became prime minister on March 14 after Justin Trudeau resigned, and called early elections a week later.\n",
    ),
    # NDTV, 29 Apr 2025
    (
        "canada-ndtv",
        "NDTV",
        "2025-04-29T06:00:00+00:00",
        "Canada Election Results 2025: Mark Carney-led Liberals win",
        "Prime Minister Mark Carney's Liberal party won Canada's election on Monday, according to projections by local media.\n"
        "Public broadcaster CBC and CTV News both projected the Liberals would form the next government, but it was not yet clear whether they would hold a majority in parliament.\n"
        "The Liberals won a fourth consecutive term after Carney convinced voters that his experience of economic crises prepared him to confront US President Donald Trump.\n",
    ),
    # Castanet (The Canadian Press), 29 Apr 2025: the morning after
    (
        "canada-castanet",
        "The Canadian Press via Castanet",
        "2025-04-29T12:00:00+00:00",
        "Liberals win 4th mandate as NDP vote collapses and Singh announces he will resign",
        "Prime Minister Mark Carney promised to unite the country after Canadians gave the Liberals a fourth consecutive mandate in Monday's federal election.\n"
        "The final size of Carney's caucus was unclear early Tuesday because a handful of seats were still too close to call, but his government looked likely to need other parties to pass legislation.\n"
        "Carney spoke shortly after Pierre Poilievre's concession speech, in which the Conservative leader congratulated Carney on his win.\n",
    ),
]


def test_one_election_night_reported_by_four_outlets_is_one_event(enrich: Enrich) -> None:
    """Projections on election night and the morning-after reports of one federal election are one event:
    exactly one new_event, dated polling day."""
    timeline = Timeline([CANADA_VOTE])
    for item in CANADA_REPORTS:
        timeline.push(enrich(_article(item)))
    assert len(timeline.of("canada-election-2025", "new_event")) == 1
    (event,) = timeline.states["canada-election-2025"].events
    assert "28 April 2025" in event.title
