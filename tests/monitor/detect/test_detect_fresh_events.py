"""Events and titles on fresh real reporting nobody tuned on: storylines of the set's kinds, other countries and years.

Each timeline pushes several outlets' reports of one real event (a preview, the report, a follow-up, a later
analysis) and a related but different event through matching and detection with the real spaCy stage. The
reports must give exactly one ``new_event``, titled by who met (or what was decided), the place and the day;
the related event must not join it and, when it is outside the storyline, must not match it. Articles are
rewritten in our own words with every fact kept; each names its source in a comment.
"""

# ruff: noqa: E501  (news prose and test names are kept on one line)
from __future__ import annotations

from collections.abc import Callable

from detect_builders import Timeline, make_article

from monitor.models import Article, EnrichedArticle
from monitor.storylines.config import EntitySpec, Storyline

Enrich = Callable[[Article], EnrichedArticle]
Item = tuple[str, str, str, str, str]  # id, source, published, headline, text

US_CHINA = Storyline(
    id="us-china-talks",
    title="US–China leaders' talks",
    profile="diplomatic-meeting",
    entities=(
        EntitySpec(name="United States", label="GPE", aliases=("US", "U.S.", "Washington")),
        EntitySpec(name="China", label="GPE", aliases=("Beijing",)),
        EntitySpec(name="Joe Biden", label="PERSON", aliases=("Biden",)),
        EntitySpec(name="Xi Jinping", label="PERSON", aliases=("Xi",)),
    ),
    keywords=("summit", "talks", "leaders", "bilateral meeting"),
)

BOE = Storyline(
    id="boe-rates",
    title="Bank of England interest-rate decisions",
    profile="policy-decision",
    entities=(
        EntitySpec(name="Bank of England", label="ORG", aliases=("BoE",)),
        EntitySpec(name="Andrew Bailey", label="PERSON", aliases=("Bailey",)),
        EntitySpec(name="Monetary Policy Committee", label="ORG", aliases=("MPC",)),
    ),
    keywords=("interest rates", "Bank Rate", "rate cut", "rate hike", "monetary policy", "base rate"),
)

# --- Biden and Xi at Woodside, 15 November 2023 -------------------------------------------------------------

XI_REPORTS: list[Item] = [
    # Associated Press via chinatechnews.com, 11 Nov 2023 (preview)
    (
        "xi-preview-ap",
        "Associated Press",
        "2023-11-11T09:00:00+00:00",
        "U.S. President Biden to meet Chinese President Xi on Wednesday",
        "WASHINGTON (AP) - President Joe Biden and Chinese President Xi Jinping will hold talks on Wednesday in California on trade, Taiwan and the management of tense U.S.-Chinese relations, the first meeting of the leaders of the world's two largest economies in a year.\n"
        "The White House had said for weeks it expected Biden and Xi to meet on the sidelines of the Asia-Pacific Economic Cooperation summit in San Francisco, but the negotiations ran until the eve of the gathering, which opens on Saturday.\n",
    ),
    # VOA (AP), 14 Nov 2023 (arrival, the eve)
    (
        "xi-eve-voa",
        "VOA",
        "2023-11-14T23:00:00+00:00",
        "Biden looks forward to APEC meeting with China's Xi",
        "SAN FRANCISCO (AP) - President Joe Biden and China's Xi Jinping arrived in San Francisco on Tuesday as the two leaders made final preparations for their first talks in a year at a historic estate outside the city.\n"
        "Biden said he hoped the talks would put the shaky U.S.-China relationship in a better place.\n"
        "The two leaders will meet at Filoli Estate, a country house museum about 25 miles (40 kilometers) south of San Francisco, according to senior administration officials.\n",
    ),
    # tag24.com (AFP), 15 Nov 2023 (report)
    (
        "xi-report-afp",
        "AFP via TAG24",
        "2023-11-15T21:00:00+00:00",
        "Biden and Xi vow to reduce tensions as key summit talks begin",
        "Woodside, California - President Joe Biden and Chinese President Xi Jinping shook hands on Wednesday and pledged to keep their countries away from conflict as they met for the first time in a year at a high-stakes summit in California.\n"
        "Biden greeted Xi as he stepped out of a black limousine at the Filoli country estate near San Francisco before the two shared a handshake on the front steps.\n"
        "The leaders then went inside for closed-door talks on Taiwan, sanctions and trade.\n",
    ),
    # Palo Alto Online (Bay City News), 16 Nov 2023 (follow-up)
    (
        "xi-followup-bcn",
        "Bay City News",
        "2023-11-16T08:00:00+00:00",
        "APEC Summit: Biden holds bilateral talks with China's president in Woodside",
        "President Joe Biden spent more than four hours with China's President Xi Jinping in the Bay Area on Wednesday, on the sidelines of the Asia-Pacific Economic Cooperation summit.\n"
        "Biden and Xi met at the Filoli estate in Woodside, south of San Francisco, on Wednesday morning, Nov. 15, for a bilateral meeting that opened with both heads of state acknowledging a tense relationship.\n"
        "According to a pool report citing a senior administration official, the talks covered fentanyl, the resumption of military-to-military talks, artificial intelligence and the wars in Ukraine and Gaza.\n",
    ),
    # Quartz (AP), 16 Nov 2023 (what they agreed)
    (
        "xi-analysis-ap",
        "AP via Quartz",
        "2023-11-16T10:00:00+00:00",
        "Biden hosts APEC reception after reaching agreements with Xi",
        "WOODSIDE, Calif. (AP) - President Joe Biden and Chinese President Xi Jinping reached agreements in several areas when they met on Wednesday on the sidelines of the Asia-Pacific Economic Cooperation conference.\n"
        "They agreed to work together to curb the production of illicit fentanyl, to resume military-to-military communications, to hold talks on artificial intelligence and to add direct flights between the two countries.\n",
    ),
]

# rafu.com (White House readout), 16 Nov 2023: the same trip, another leader
KISHIDA_ON_THE_TRIP: Item = (
    "biden-kishida-rafu",
    "Rafu Shimpo",
    "2023-11-17T02:00:00+00:00",
    "Biden, Kishida meet during APEC summit",
    "President Joe Biden met Japanese Prime Minister Fumio Kishida in San Francisco on Thursday, Nov. 16, on the sidelines of the Asia-Pacific Economic Cooperation summit, the White House said.\n"
    "The two leaders condemned Hamas, reaffirmed Israel's right to defend itself and agreed to work together on urgent assistance to civilians in Gaza.\n"
    "They also discussed their respective diplomacy with the People's Republic of China and committed to continue close coordination.\n",
)


def _article(item: Item) -> Article:
    article_id, source, published, title, text = item
    return make_article(article_id, text, published=published, title=title, source=source)


def test_one_leaders_meeting_reported_by_five_outlets_is_one_event(enrich: Enrich) -> None:
    """A preview, the eve, the report, a follow-up and a summary of what was agreed are one meeting: exactly one
    new_event, titled by both leaders as the articles name them, the town where they met and the day."""
    timeline = Timeline([US_CHINA])
    for item in XI_REPORTS:
        timeline.push(enrich(_article(item)))
    assert len(timeline.of("us-china-talks", "new_event")) == 1
    (event,) = timeline.states["us-china-talks"].events
    assert "Biden" in event.title and "Xi" in event.title
    assert "Woodside" in event.title
    assert "15 November 2023" in event.title


def test_the_same_trips_meeting_with_another_leader_is_not_the_storyline(enrich: Enrich) -> None:
    """Biden's meeting with Japan's prime minister the next day, which names China only as a subject, is not a
    US–China leaders' meeting: it does not match, and the Biden–Xi event keeps its reports."""
    timeline = Timeline([US_CHINA])
    for item in XI_REPORTS[2:4]:
        timeline.push(enrich(_article(item)))
    raised = timeline.push(enrich(_article(KISHIDA_ON_THE_TRIP)))
    assert raised == []
    assert len(timeline.states["us-china-talks"].events) == 1


def test_a_place_written_with_the_place_it_lies_in_is_the_events_place(enrich: Enrich) -> None:
    """'at the Filoli estate in Woodside, California' names the town and the state it lies in: the article's other
    'summit in California' is the same place at a coarser grain, so the event is placed in Woodside."""
    # Bay City News and AFP (15-16 Nov 2023), one sentence combining both outlets' wording
    text = "President Joe Biden and Chinese President Xi Jinping held a summit in California on Wednesday, at the Filoli estate in Woodside, California.\n"
    timeline = Timeline([US_CHINA])
    timeline.push(
        enrich(
            make_article(
                "woodside",
                text,
                published="2023-11-15T22:00:00+00:00",
                title="Biden and Xi hold summit in California",
            )
        )
    )
    (event,) = timeline.states["us-china-talks"].events
    assert event.place == "Woodside"


# --- Bank of England, 1 August 2024 --------------------------------------------------------------------------

BOE_REPORTS: list[Item] = [
    # LBC, 1 Aug 2024 12:02
    (
        "boe-lbc",
        "LBC",
        "2024-08-01T11:02:00+00:00",
        "Bank of England cuts interest rate to 5%, in first drop for over four years",
        "The Bank of England has cut interest rates to 5% from a 16-year high of 5.25%.\n"
        "The Bank's nine-member Monetary Policy Committee voted on Thursday to bring borrowing costs down.\n"
        "Thursday's decision was the first time the committee has lowered the base rate since the start of the Covid-19 pandemic.\n"
        "Governor Andrew Bailey said policymakers needed to make sure inflation stays low and be careful not to cut interest rates too quickly or by too much.\n",
    ),
    # Politico Europe, 1 Aug 2024
    (
        "boe-politico",
        "Politico Europe",
        "2024-08-01T11:30:00+00:00",
        "BoE cuts key interest rate to 5 percent, saying inflation threat has eased",
        "LONDON - The Bank of England cut its key interest rate for the first time in more than four years, saying the U.K. economy had cooled enough for a modest relaxation of monetary policy.\n"
        "The Bank's Monetary Policy Committee voted 5-4 to cut Bank Rate by 0.25 of a percentage point to 5 percent, where it had stood at 5.25 percent for a full year.\n",
    ),
    # Zawya (LSEG), 1 Aug 2024
    (
        "boe-zawya",
        "Zawya",
        "2024-08-01T12:00:00+00:00",
        "Bank of England cuts interest rate to 5%",
        "The Bank of England on Thursday cut interest rates for the first time since 2020, taking the base rate from 5.25% to 5%.\n"
        "The monetary policy committee said members had voted 5-4 to cut rates, and that it would not cut too quickly in future as inflation may rise again temporarily.\n",
    ),
    # Business Standard (column), 4 Aug 2024: a later analysis
    (
        "boe-bs-column",
        "Business Standard",
        "2024-08-04T05:00:00+00:00",
        "No rate cut but dovish undertone likely",
        "On August 1, in a closely-run decision, the Bank of England lowered its main interest rate by a quarter percentage point to 5 per cent, its first rate cut since the Covid pandemic broke out in March 2020.\n"
        "In a five-to-four vote, BoE Governor Andrew Bailey joined four other policymakers in bringing the rate down from a 16-year high.\n",
    ),
]

# UPI, 31 Jul 2024: another central bank's decision the day before
FED_THE_DAY_BEFORE: Item = (
    "fed-upi",
    "UPI",
    "2024-07-31T18:46:00+00:00",
    "Fed leaves interest rates unchanged, suggests cuts to come in September",
    "The Federal Reserve left interest rates unchanged on Wednesday after its July meeting, though it may cut them as soon as September.\n"
    "The Fed decided at the meeting to hold its benchmark rate steady at about 5.3 percent.\n"
    "Fed Chair Jerome Powell has said he will not wait until inflation falls to 2% before cutting rates.\n",
)


def test_one_rate_decision_reported_by_four_outlets_is_one_event(enrich: Enrich) -> None:
    """Three same-day reports and a column three days later about one Bank of England decision give exactly one
    new_event, titled by the bank and the day of the decision."""
    timeline = Timeline([BOE])
    for item in BOE_REPORTS:
        timeline.push(enrich(_article(item)))
    assert len(timeline.of("boe-rates", "new_event")) == 1
    (event,) = timeline.states["boe-rates"].events
    assert "Bank of England" in event.title or "BoE" in event.title
    assert "MPC" not in event.title and "Monetary Policy Committee" not in event.title
    assert "1 August 2024" in event.title


def test_another_central_banks_decision_the_day_before_is_not_the_storyline(enrich: Enrich) -> None:
    """The Federal Reserve's decision the day before, written in the same words ('interest rates', 'cut'), does
    not match a Bank of England storyline."""
    timeline = Timeline([BOE])
    raised = timeline.push(enrich(_article(FED_THE_DAY_BEFORE)))
    assert raised == []
    timeline.push(enrich(_article(BOE_REPORTS[0])))
    assert len(timeline.states["boe-rates"].events) == 1


# ABC7 News (KGO), 11 Nov 2023: the officials' meeting that prepared the leaders' one, days before
YELLEN_HE_BEFORE: Item = (
    "yellen-he-abc7",
    "ABC7 News",
    "2023-11-11T02:00:00+00:00",
    "Yellen says her talks with Chinese finance chief laid groundwork for Biden's meeting with Xi",
    "SAN FRANCISCO -- A meeting between U.S. Treasury Secretary Janet Yellen and her Chinese counterpart, Vice Premier He Lifeng, is paving the way for the meeting between President Joe Biden and Chinese President Xi Jinping at the APEC summit in San Francisco.\n"
    "Yellen and He met for a second day in a row in San Francisco on Friday.\n"
    "The Treasury Department says the meetings are meant to further stabilize the economic relationship with China and make progress on trade, investment and more resilient supply chains.\n",
)


def test_the_officials_meeting_that_prepared_the_summit_does_not_join_it(enrich: Enrich) -> None:
    """Treasury Secretary Yellen's talks with Vice Premier He in San Francisco, days before the leaders met, are
    another meeting: the Biden–Xi event's reports stay apart from it, and it is not titled as Biden and Xi's."""
    timeline = Timeline([US_CHINA])
    timeline.push(enrich(_article(YELLEN_HE_BEFORE)))
    for item in XI_REPORTS[2:4]:
        timeline.push(enrich(_article(item)))
    events = timeline.states["us-china-talks"].events
    leaders = [event for event in events if "xi-report-afp" in {ref.id for ref in event.articles}]
    assert len(leaders) == 1
    assert "yellen-he-abc7" not in {ref.id for ref in leaders[0].articles}


def test_the_preparatory_meeting_is_not_titled_by_the_leaders_it_prepares(enrich: Enrich) -> None:
    """The Yellen–He talks are titled by those who met, not by the leaders whose meeting they prepare."""
    timeline = Timeline([US_CHINA])
    timeline.push(enrich(_article(YELLEN_HE_BEFORE)))
    (event,) = timeline.states["us-china-talks"].events
    assert "Yellen" in event.title
    assert "Xi" not in event.title
