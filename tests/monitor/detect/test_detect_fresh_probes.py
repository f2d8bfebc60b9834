"""Conflict detection on fresh reporting nobody tuned on: other banks, quakes and trade disputes.

Each probe is two reports of one event, rewritten in our words from a real page (named in ``source``)
with every fact kept; a genuine pair has one value changed the way real errors go (``synthetic`` says
so). A genuine pair must raise a confident conflict quoting the erring sentence; a look-alike pair
(different referents, an update, a rounding, another unit, a projection against an outcome) must not
raise a confident conflict citing both reports. Both run through the real spaCy stage and detection.
"""

# ruff: noqa: E501  (news prose is kept on one line)
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from detect_builders import Timeline, make_article

from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline
from monitor.storylines.config import Storyline, load_storylines

PROBES = Path(__file__).resolve().parents[2] / "data" / "detect" / "probes" / "storylines.yaml"
BOE, QUAKE, TARIFF, VOTE = "boe-rates", "turkey-quake-2023", "canada-us-tariffs", "uk-election-2017"


@dataclass(frozen=True)
class Report:
    """One article of a probe: its text, publication day and headline."""

    text: str
    day: str
    title: str


@dataclass(frozen=True)
class Probe:
    """Two reports of one event; ``erring`` is the sentence a genuine conflict must quote (None: look-alike)."""

    storyline: str
    first: Report
    second: Report
    erring: str | None
    source: str


Feed = Callable[[Probe], Timeline]


@pytest.fixture(scope="module")
def feed() -> Feed:
    """Push a probe's two reports, in order, through real enrichment into a fresh timeline."""
    storylines: tuple[Storyline, ...] = load_storylines(PROBES)
    nlp = load_pipeline(storylines)

    def push(probe: Probe) -> Timeline:
        timeline = Timeline(storylines)
        for key, report, source in (("first", probe.first, "Wire A"), ("second", probe.second, "Wire B")):
            article = make_article(
                key, report.text, published=f"{report.day}T12:00:00+00:00", source=source, title=report.title
            )
            timeline.push(enrich_batch(nlp, [article], storylines)[0])
        return timeline

    return push


def _confident_between(timeline: Timeline, storyline: str) -> list[tuple[str, set[str], list[str]]]:
    return [
        (alert.summary, {e.article_id for e in alert.evidence}, [e.quote for e in alert.evidence])
        for alert in timeline.of(storyline, "conflict")
        if alert.confidence >= 0.5 and {e.article_id for e in alert.evidence} >= {"first", "second"}
    ]


# The Times, 22 Sep 2022 (https://www.thetimes.co.uk/article/uk-interest-rates-raised-to-2-25-3pzhz3cnm)
BOE_SEPT = "The Bank of England raised interest rates by half a percentage point to {rate} per cent on Thursday, the {nth} consecutive increase and the highest level since 2008.\nThe Monetary Policy Committee voted five to four for the rise, with three members wanting a bigger 75-basis-point move.\n"
# Newslanes, 3 Nov 2022 (https://newslanes.com/2022/11/03/bank-of-england-raises-interest-rates-to-3/)
BOE_NOV = "The Bank of England raised its base rate by 75 basis points to 3 per cent on Thursday, its biggest single rise in decades.\nSeven policymakers backed the move while the Monetary Policy Committee was split.\n"
BOE_NOV_DISSENT = "The Bank of England lifted interest rates on Thursday, but the Monetary Policy Committee did not vote as one.\nSwati Dhingra voted for a half-point rise to 2.75 percent, while Silvana Tenreyro argued for an increase to 2.5 percent.\n"
BOE_NOV_PREVIOUS = "The Bank of England raised interest rates on Thursday by 75 basis points.\nLast month's increase of half a point had taken the base rate to 2.25 percent, and unemployment is expected to reach 6.5 percent by late 2025.\n"

# BBC News, 6 Feb 2023 (https://www.bbc.co.uk/news/world-europe-64534192); Al Jazeera via wardoon.net
QUAKE_MAIN = "A magnitude {mag} earthquake struck south-eastern Turkey near the Syrian border early on Monday, killing more than 3,000 people, the US Geological Survey and officials said.\nRescuers in Gaziantep searched the rubble of collapsed buildings in freezing weather.\n"
QUAKE_SECOND = "About 12 hours after the first quake on Monday, a second earthquake of magnitude 7.5 struck further north in Kahramanmaras province, Turkish officials said.\nRescuers in Gaziantep searched the rubble of collapsed buildings in freezing weather.\n"
QUAKE_COUNTRIES = "The earthquake that struck Turkey on Monday has killed at least {turkey} people in Turkey, while {syria} people have died in Syria, officials said.\nRescuers in Gaziantep searched collapsed buildings through the night.\n"
QUAKE_DEPTH = "The earthquake struck Turkey on Monday at a depth of {depth}, near the city of Gaziantep, the US Geological Survey said.\nRescuers in Gaziantep searched collapsed buildings through the night.\n"
QUAKE_STATEMENT = "Turkey's disaster agency AFAD said on Tuesday that the official death toll from Monday's earthquake in Turkey had risen to {dead}, with more than 1,700 confirmed dead in Turkey and Syria together.\n"

# BBC News via ac2news.com, 1 Jul 2018 (https://www.ac2news.com/2018/07/canada-retaliatory-tariffs-on-us-goods-come-into-force/)
# and New Zealand Herald (https://nzherald.co.nz/business/canada-retaliates-starts-tariffs-against-the-us/Z5CKRJ3ELW5PTFXS27CVMD3U6Y)
TARIFF_STEEL = "Canada's retaliatory tariffs on US goods came into force on Sunday, answering the Trump administration's duties on steel and aluminium.\nOttawa imposed a {steel} per cent tariff on US steel products worth billions of dollars.\n"
TARIFF_OTHER = "Canada's retaliatory tariffs on US goods came into force on Sunday, answering the Trump administration's duties on steel and aluminium.\nMore than 250 other US products, from whiskey to orange juice, now face a 10 per cent tariff at the Canadian border.\n"
TARIFF_VALUE = "Canada's retaliatory tariffs on US goods came into force on Sunday, answering the Trump administration's duties on steel and aluminium.\nThe countermeasures cover goods worth C$16.6 billion ({usd}), the value of Canadian metals exports hit by the US measures.\n"
TARIFF_START = "Canada's retaliatory tariffs on US steel and aluminium took effect on {day}, Ottawa said, answering the Trump administration's duties.\nA 25 per cent tariff now applies to US steel products.\n"
# canindia.com (IANS), 1 Jun 2018 (http://www.canindia.com/canada-hits-back-at-us-with-retaliatory-tariffs/)
TARIFF_ANNOUNCED = "Canada will impose retaliatory tariffs on US steel, aluminium and other products from July 1, Foreign Minister Chrystia Freeland said on Thursday.\nThe tariffs answer US duties on Canadian steel that take effect on Friday.\n"

# AccuWeather, 6 Feb 2023 (https://www.accuweather.com/en/weather-news/magnitude-7-8-earthquake-turkey-syria-death-toll-climbs/1478878);
# newsbytesapp.com (https://newsbytesapp.com/news/world/7-8-magnitude-earthquake-jolts-turkey-23-dead-many-buildings-damaged/story)
QUAKE_USGS = "A deadly magnitude 7.8 earthquake shook southern Turkey at around 4:17 a.m. local time on Monday, according to the US Geological Survey.\nHundreds of buildings were knocked down in Turkey and Syria.\n"
QUAKE_RICHTER = "A powerful earthquake measuring {mag} on the Richter scale hit south-eastern Turkey on Monday, the USGS said.\nScores of buildings collapsed in Turkey and neighbouring Syria.\n"
QUAKE_AFAD = "A powerful earthquake of magnitude 7.4 hit south-eastern Turkey on Monday, according to Turkey's emergency agency AFAD.\nScores of buildings collapsed in Turkey and neighbouring Syria.\n"
# centralbanking.com (https://www.centralbanking.com/central-banking/news/1410585/bank-england-raises-bank-rate)
BOE_JULY = "The Bank of England's Monetary Policy Committee voted on Thursday to lift Bank Rate by 0.25% to {rate}%.\nThe previous change was a rise of 0.25% to 5.5% on May 10.\n"
BOE_JULY_OTHER = "The Bank of England raised its key interest rate by a quarter point to {rate} per cent on Thursday, as widely expected in the City of London.\nMost observers expect the Bank to keep raising rates.\n"
BOE_FORECAST = "The Bank of England raised its key interest rate by a quarter point on Thursday, as widely expected in the City of London.\nEconomists expect Bank Rate to peak at 6.25 per cent next year.\n"

BOE_POINTS = "The Bank of England raised Bank Rate by {step} to 3 per cent on Thursday, the largest single increase since 1989.\nThe Monetary Policy Committee warned of a long recession.\n"
QUAKE_LATER_STATEMENT = "Turkey's disaster agency AFAD said on Tuesday that the death toll from Monday's earthquake had risen to 5,434 in Turkey.\nRescuers in Gaziantep kept searching collapsed buildings.\n"
QUAKE_CENTRE = "The magnitude 7.8 earthquake that struck Turkey on Monday was centred in the {where}, the disaster agency said.\nRescuers searched the rubble of collapsed buildings in freezing weather.\n"
TARIFF_WINDOW = "Canada's retaliatory tariffs on US steel apply from July 1 until the US lifts its own duties, Ottawa said on Sunday.\nA 25 per cent tariff now applies to US steel products.\n"

# Institute for Government, June 2017 (https://www.instituteforgovernment.org.uk/article/comment/2017-general-election-seven-charts)
VOTE_TORIES = "With the last seat declared on Friday, the Conservatives have won {seats} seats in the general election, 12 fewer than in 2015, leaving a hung parliament.\nTheresa May is expected to lead a minority government.\n"
VOTE_LABOUR = "With the last seat declared on Friday, Labour has won 261 seats in the general election, 29 more than in 2015, leaving a hung parliament.\nJeremy Corbyn said Theresa May had lost her mandate.\n"
VOTE_THRESHOLD = "No party won a majority in the general election declared on Friday, leaving a hung parliament.\nBecause the Speaker and Sinn Fein's seven MPs do not vote, a party needs 322 seats to govern with a majority, and Theresa May's Conservatives fell short.\n"

# Second round: traps of other referents in different words (newsbytesapp.com, wardoon.net, NZ Herald,
# Sault Star, canindia.com, Institute for Government, newsbreak.com; pages named above).
QUAKE_COMBINED = "A magnitude 7.8 earthquake struck Turkey on Monday, and the death toll across Turkey and Syria has passed 1,300, officials said.\nRescuers searched collapsed buildings in Gaziantep.\n"
QUAKE_ERDOGAN = "Turkish President Erdogan said on Monday that 912 people had been killed in Turkey by the earthquake.\nRescuers searched collapsed buildings in Gaziantep.\n"
QUAKE_BUILDINGS = "The earthquake that hit Turkey on Monday brought down 6,217 buildings, the disaster agency said.\nRescuers searched collapsed buildings in Gaziantep.\n"
QUAKE_MALATYA = "In Malatya province alone, 140 buildings collapsed in the earthquake that hit Turkey on Monday, officials said.\nRescuers searched collapsed buildings in Gaziantep.\n"
QUAKE_INJURED_TR = "The earthquake that hit Turkey on Monday injured 15,384 people in Turkey, the disaster agency said.\nRescuers searched collapsed buildings in Gaziantep.\n"
QUAKE_INJURED_SY = "Syria's health ministry said 639 people were injured in the earthquake that hit Turkey and Syria on Monday.\nRescuers searched collapsed buildings in Gaziantep.\n"
TARIFF_CAD = "Canada's retaliatory tariffs on US goods came into force on Sunday, covering goods worth C$16.6 billion ($12.8 billion).\nA 25 per cent tariff applies to US steel.\n"
TARIFF_NZD = "Canada began imposing tariffs on Sunday on US$12.6 billion (NZ$18.6 billion) in US goods in retaliation for US steel duties.\nA 25 per cent tariff applies to US steel.\n"
TARIFF_US_SIDE = "The United States imposed a 10 per cent tariff on Canadian aluminium on Friday, and Canada vowed to retaliate.\nOttawa called the duties unacceptable.\n"
TARIFF_CANADA_SIDE = "Canada answered the US duties with a 25 per cent tariff on US steel and a 10 per cent tariff on other US goods, Ottawa said on Friday.\nThe tariffs will take effect on July 1.\n"
VOTE_SHARE = "The Conservatives won 42.4 per cent of the vote in the general election on Thursday, leaving a hung parliament.\nTheresa May is expected to lead a minority government.\n"
VOTE_TURNOUT = "Turnout in the general election on Thursday rose to 68.7 per cent, leaving a hung parliament, while Labour took 40 per cent of the vote.\nJeremy Corbyn said Theresa May had lost her mandate.\n"
VOTE_CALLED = "Theresa May called a snap general election on Tuesday, April 18, to be held on June 8.\nLabour said it welcomed the chance to vote.\n"
VOTE_POLLING = "Voters went to the polls on Thursday in the general election that Theresa May called in April.\nLabour hoped for a strong turnout.\n"
BOE_YEARS = "The Bank of England raised interest rates to 2.25 per cent on Thursday, the highest level in 14 years.\nThe Monetary Policy Committee was split five to four.\n"
BOE_IN_A_ROW = "The Bank of England raised interest rates for the seventh time in a row on Thursday, and it has raised them seven times in nine months.\nThe Monetary Policy Committee was split five to four.\n"
BOE_INFLATION_NOW = "The Bank of England raised interest rates to 4 per cent on Thursday, with inflation at 10.5 per cent in December.\nThe Monetary Policy Committee voted seven to two.\n"
BOE_INFLATION_AHEAD = "The Bank of England raised interest rates to 4 per cent on Thursday and said inflation would fall to about 4 per cent by the end of the year.\nThe Monetary Policy Committee voted seven to two.\n"

# Third round: genuine pairs in different words on each side (The Times, BBC News, Institute for Government,
# BBC News via ac2news.com, newsbreak.com, AccuWeather; pages named above).
BOE_SPLIT_A = "The Bank of England raised interest rates to 2.25 per cent on Thursday after the Monetary Policy Committee voted five to four for a half-point rise.\nThree members wanted a bigger move.\n"
BOE_SPLIT_B = "Policymakers at the Bank of England voted 6-3 on Thursday to lift rates by half a point to 2.25 per cent.\nThe pound fell after the decision.\n"
QUAKE_DAWN = "A magnitude 7.8 earthquake struck south-eastern Turkey near the Syrian border early on Monday, killing thousands.\nRescuers searched collapsed buildings in Gaziantep.\n"
QUAKE_SUNDAY = "Rescuers in Gaziantep kept digging on Tuesday after the earthquake that struck Turkey on Sunday, February 5, flattened thousands of buildings.\nAid teams arrived from Europe.\n"
VOTE_DAY = "Britain voted on Thursday, June 8, in the general election Theresa May called in April, and the count began when polls closed at 10pm.\nExit polls pointed to a hung parliament.\n"
VOTE_WRONG_DAY = "Theresa May lost her majority in the general election held on June 7, leaving a hung parliament.\nJeremy Corbyn said she should resign.\n"
TARIFF_WORTH = "Canada's countermeasures, worth C$16.6 billion, came into force on Sunday, answering the US duties on steel and aluminium.\nA 25 per cent tariff applies to US steel.\n"
TARIFF_ON_GOODS = "Ottawa began charging tariffs on Sunday on C$12.6 billion of US goods in retaliation for the US steel and aluminium duties.\nWhiskey and orange juice are on the list.\n"
BOE_TENTH = "The Bank of England raised interest rates to 4 per cent on Thursday, the tenth successive time the Monetary Policy Committee has voted to increase borrowing costs.\nThe committee was split seven to two.\n"
BOE_ELEVENTH = "The Bank of England lifted Bank Rate by half a point to 4 per cent on Thursday, its 11th consecutive rate rise.\nThe pound fell after the decision.\n"
BOE_ELEVENTH_PLAIN = "The Bank of England raised interest rates by half a point to 4 per cent on Thursday, its 11th consecutive rate rise.\nThe pound fell after the decision.\n"
BOE_THIS_YEAR = "The Bank of England raised interest rates by half a point to 2.25 per cent on Thursday, the fifth time this year it has lifted borrowing costs.\nThe pound fell after the decision.\n"
QUAKE_PUT_AT = "The US Geological Survey put the magnitude of Monday's earthquake in Turkey at 7.8.\nRescuers searched collapsed buildings in Gaziantep.\n"
QUAKE_HYPHENATED = "The magnitude-7.5 earthquake that struck Turkey before dawn on Monday flattened thousands of buildings, the USGS said.\nRescuers searched collapsed buildings in Gaziantep.\n"

GENUINE = {
    "series-counted-by-time": Probe(
        BOE,
        Report(BOE_TENTH, "2023-02-02", "Bank of England raises rates to 4%"),
        Report(BOE_ELEVENTH_PLAIN, "2023-02-02", "BoE raises rates to 4%"),
        "its 11th consecutive rate rise",
        "newsbreak.com (synthetic ordinal)",
    ),
    "magnitude-put-at": Probe(
        QUAKE,
        Report(QUAKE_PUT_AT, "2023-02-06", "Turkey quake: what we know"),
        Report(QUAKE_HYPHENATED, "2023-02-06", "Turkey quake flattens buildings"),
        "The magnitude-7.5 earthquake",
        "AccuWeather (synthetic magnitude)",
    ),
    "vote-split": Probe(
        BOE,
        Report(BOE_SPLIT_A, "2022-09-22", "Bank of England raises rates to 2.25%"),
        Report(BOE_SPLIT_B, "2022-09-22", "BoE lifts rates by half a point"),
        "voted 6-3",
        "The Times (synthetic split)",
    ),
    "quake-day-reworded": Probe(
        QUAKE,
        Report(QUAKE_DAWN, "2023-02-06", "Turkey earthquake kills thousands"),
        Report(QUAKE_SUNDAY, "2023-02-07", "Rescuers dig through rubble in Turkey"),
        "struck Turkey on Sunday, February 5",
        "BBC News (synthetic day)",
    ),
    "polling-day-reworded": Probe(
        VOTE,
        Report(VOTE_DAY, "2017-06-08", "Britain votes in snap election"),
        Report(VOTE_WRONG_DAY, "2017-06-09", "Election 2017: May loses majority"),
        "held on June 7",
        "Institute for Government (synthetic day)",
    ),
    "tariff-amount-reworded": Probe(
        TARIFF,
        Report(TARIFF_WORTH, "2018-07-01", "Canada's retaliatory tariffs take effect"),
        Report(TARIFF_ON_GOODS, "2018-07-01", "Canada starts tariffs against the US"),
        "C$12.6 billion of US goods",
        "BBC News (synthetic amount)",
    ),
    "series-reworded": Probe(
        BOE,
        Report(BOE_TENTH, "2023-02-02", "Bank of England raises rates to 4%"),
        Report(BOE_ELEVENTH, "2023-02-02", "BoE lifts rates to 4%"),
        "its 11th consecutive rate rise",
        "newsbreak.com (synthetic ordinal)",
    ),
    "election-seats": Probe(
        VOTE,
        Report(
            VOTE_TORIES.format(seats="318"),
            "2017-06-09",
            "Election 2017: hung parliament as Conservatives lose majority",
        ),
        Report(
            VOTE_TORIES.format(seats="316"),
            "2017-06-09",
            "Election 2017: hung parliament as Conservatives lose majority",
        ),
        "the Conservatives have won 316 seats",
        "Institute for Government (synthetic count)",
    ),
    "quake-epicentre": Probe(
        QUAKE,
        Report(
            QUAKE_CENTRE.format(where="Pazarcik district of Kahramanmaras province"),
            "2023-02-06",
            "Turkey earthquake: what we know",
        ),
        Report(QUAKE_CENTRE.format(where="city of Malatya"), "2023-02-06", "Turkey earthquake: what we know"),
        "was centred in the city of Malatya",
        "Al Jazeera via wardoon.net (synthetic place)",
    ),
    "bank-rate-reworded": Probe(
        BOE,
        Report(BOE_JULY.format(rate="5.75"), "2007-07-05", "Bank of England raises bank rate by 0.25%"),
        Report(BOE_JULY_OTHER.format(rate="6.25"), "2007-07-05", "Bank of England lifts rates again"),
        "to 6.25 per cent on Thursday",
        "Central Banking (synthetic rate)",
    ),
    "quake-magnitude-reworded": Probe(
        QUAKE,
        Report(QUAKE_USGS, "2023-02-06", "Magnitude 7.8 earthquake rocks Turkey"),
        Report(QUAKE_RICHTER.format(mag="6.8"), "2023-02-06", "Powerful earthquake jolts Turkey"),
        "measuring 6.8 on the Richter scale",
        "AccuWeather and newsbytesapp.com (synthetic magnitude)",
    ),
    "bank-rate-level": Probe(
        BOE,
        Report(
            BOE_SEPT.format(rate="2.25", nth="seventh"),
            "2022-09-22",
            "Bank of England raises interest rates to 2.25%",
        ),
        Report(
            BOE_SEPT.format(rate="2.5", nth="seventh"),
            "2022-09-22",
            "Bank of England raises interest rates to 2.5%",
        ),
        "The Bank of England raised interest rates by half a percentage point to 2.5 per cent",
        "The Times (synthetic value)",
    ),
    "bank-rate-series": Probe(
        BOE,
        Report(
            BOE_SEPT.format(rate="2.25", nth="seventh"),
            "2022-09-22",
            "Bank of England raises interest rates again",
        ),
        Report(
            BOE_SEPT.format(rate="2.25", nth="eighth"),
            "2022-09-22",
            "Bank of England raises interest rates again",
        ),
        "the eighth consecutive increase",
        "The Times (synthetic ordinal)",
    ),
    "quake-magnitude": Probe(
        QUAKE,
        Report(QUAKE_MAIN.format(mag="7.8"), "2023-02-06", "Turkey earthquake kills thousands"),
        Report(QUAKE_MAIN.format(mag="6.8"), "2023-02-06", "Turkey earthquake kills thousands"),
        "A magnitude 6.8 earthquake",
        "BBC News (synthetic magnitude)",
    ),
    "quake-one-statement": Probe(
        QUAKE,
        Report(QUAKE_STATEMENT.format(dead="1,121"), "2023-02-07", "Turkey quake toll rises"),
        Report(QUAKE_STATEMENT.format(dead="1,211"), "2023-02-07", "Turkey quake toll rises"),
        "had risen to 1,211",
        "The News God citing Reuters (synthetic transposed digits)",
    ),
    "tariff-rate": Probe(
        TARIFF,
        Report(TARIFF_STEEL.format(steel="25"), "2018-07-01", "Canada's retaliatory tariffs take effect"),
        Report(TARIFF_STEEL.format(steel="20"), "2018-07-02", "Canada's retaliatory tariffs take effect"),
        "a 20 per cent tariff on US steel",
        "BBC News (synthetic rate)",
    ),
    "tariff-start-day": Probe(
        TARIFF,
        Report(TARIFF_START.format(day="Sunday"), "2018-07-01", "Canada's retaliatory tariffs take effect"),
        Report(TARIFF_START.format(day="June 29"), "2018-07-02", "Canada's retaliatory tariffs take effect"),
        "took effect on June 29",
        "New Zealand Herald (synthetic day)",
    ),
}

LOOKALIKE = {
    "rises-in-a-row-vs-this-year": Probe(
        BOE,
        Report(BOE_IN_A_ROW, "2022-09-22", "Bank of England raises rates again"),
        Report(BOE_THIS_YEAR, "2022-09-22", "BoE raises rates to 2.25%"),
        None,
        "The Times",
    ),
    "combined-toll-then-one-countrys": Probe(
        QUAKE,
        Report(QUAKE_COMBINED, "2023-02-06", "Turkey-Syria quake toll passes 1,300"),
        Report(QUAKE_ERDOGAN, "2023-02-06", "Erdogan: 912 killed in Turkey quake"),
        None,
        "newsbytesapp.com",
    ),
    "buildings-of-a-province": Probe(
        QUAKE,
        Report(QUAKE_BUILDINGS, "2023-02-06", "Turkey quake destroys thousands of buildings"),
        Report(QUAKE_MALATYA, "2023-02-06", "Turkey quake: Malatya hit hard"),
        None,
        "wardoon.net and newsbytesapp.com",
    ),
    "injured-of-two-countries": Probe(
        QUAKE,
        Report(QUAKE_INJURED_TR, "2023-02-06", "Turkey quake injures thousands"),
        Report(QUAKE_INJURED_SY, "2023-02-06", "Syria counts quake injured"),
        None,
        "wardoon.net and newsbytesapp.com",
    ),
    "conversions-of-other-currencies": Probe(
        TARIFF,
        Report(TARIFF_CAD, "2018-07-01", "Canada's retaliatory tariffs take effect"),
        Report(TARIFF_NZD, "2018-07-01", "Canada retaliates, starts tariffs against the US"),
        None,
        "canindia.com and NZ Herald",
    ),
    "one-sides-tariff-vs-the-others": Probe(
        TARIFF,
        Report(TARIFF_US_SIDE, "2018-06-01", "US slaps tariffs on Canadian steel and aluminium"),
        Report(TARIFF_CANADA_SIDE, "2018-06-01", "Canada hits back at US with tariffs"),
        None,
        "Sault Star and NZ Herald",
    ),
    "vote-share-vs-turnout": Probe(
        VOTE,
        Report(VOTE_SHARE, "2017-06-09", "Election 2017: hung parliament"),
        Report(VOTE_TURNOUT, "2017-06-09", "Election 2017: turnout up"),
        None,
        "Institute for Government",
    ),
    "called-day-vs-polling-day": Probe(
        VOTE,
        Report(VOTE_CALLED, "2017-04-18", "May calls snap election"),
        Report(VOTE_POLLING, "2017-06-08", "Britain votes in snap election"),
        None,
        "Institute for Government",
    ),
    "years-vs-rises-in-a-row": Probe(
        BOE,
        Report(BOE_YEARS, "2022-09-22", "Bank of England raises rates to 2.25%"),
        Report(BOE_IN_A_ROW, "2022-09-22", "Bank of England raises rates again"),
        None,
        "The Times",
    ),
    "inflation-now-vs-forecast": Probe(
        BOE,
        Report(BOE_INFLATION_NOW, "2023-02-02", "Bank of England raises rates to 4%"),
        Report(BOE_INFLATION_AHEAD, "2023-02-02", "Bank of England raises rates to 4%"),
        None,
        "newsbreak.com",
    ),
    "seats-of-two-parties": Probe(
        VOTE,
        Report(
            VOTE_TORIES.format(seats="318"),
            "2017-06-09",
            "Election 2017: hung parliament as Conservatives lose majority",
        ),
        Report(VOTE_LABOUR, "2017-06-09", "Election 2017: Labour gains 29 seats"),
        None,
        "Institute for Government",
    ),
    "seats-won-vs-seats-needed": Probe(
        VOTE,
        Report(
            VOTE_TORIES.format(seats="318"),
            "2017-06-09",
            "Election 2017: hung parliament as Conservatives lose majority",
        ),
        Report(VOTE_THRESHOLD, "2017-06-09", "Election 2017: what a hung parliament means"),
        None,
        "Institute for Government",
    ),
    "points-vs-basis-points": Probe(
        BOE,
        Report(
            BOE_POINTS.format(step="0.75 percentage points"),
            "2022-11-03",
            "Bank of England raises rates to 3%",
        ),
        Report(BOE_POINTS.format(step="75 basis points"), "2022-11-03", "Bank of England raises rates to 3%"),
        None,
        "Newslanes",
    ),
    "statement-day-vs-quake-day": Probe(
        QUAKE,
        Report(QUAKE_MAIN.format(mag="7.8"), "2023-02-06", "Turkey earthquake kills thousands"),
        Report(QUAKE_LATER_STATEMENT, "2023-02-07", "Turkey quake toll rises above 5,000"),
        None,
        "BBC News and Al Jazeera",
    ),
    "window-vs-start-day": Probe(
        TARIFF,
        Report(TARIFF_START.format(day="Sunday"), "2018-07-01", "Canada's retaliatory tariffs take effect"),
        Report(TARIFF_WINDOW, "2018-07-01", "Canada's tariffs on US steel in force"),
        None,
        "New Zealand Herald and BBC News",
    ),
    "magnitude-by-two-agencies": Probe(
        QUAKE,
        Report(QUAKE_USGS, "2023-02-06", "Magnitude 7.8 earthquake rocks Turkey"),
        Report(QUAKE_AFAD, "2023-02-06", "Powerful earthquake jolts Turkey"),
        None,
        "AccuWeather and newsbytesapp.com",
    ),
    "forecast-vs-decision": Probe(
        BOE,
        Report(BOE_JULY.format(rate="5.75"), "2007-07-05", "Bank of England raises bank rate by 0.25%"),
        Report(BOE_FORECAST, "2007-07-05", "Bank of England lifts rates again"),
        None,
        "Central Banking",
    ),
    "same-rate-reworded": Probe(
        BOE,
        Report(BOE_JULY.format(rate="5.75"), "2007-07-05", "Bank of England raises bank rate by 0.25%"),
        Report(BOE_JULY_OTHER.format(rate="5.75"), "2007-07-05", "Bank of England lifts rates again"),
        None,
        "Central Banking",
    ),
    "decision-vs-a-members-vote": Probe(
        BOE,
        Report(BOE_NOV, "2022-11-03", "Bank of England raises rates to 3%"),
        Report(BOE_NOV_DISSENT, "2022-11-03", "Bank of England split on rate rise"),
        None,
        "Newslanes",
    ),
    "decision-vs-previous-decision": Probe(
        BOE,
        Report(BOE_NOV, "2022-11-03", "Bank of England raises rates to 3%"),
        Report(BOE_NOV_PREVIOUS, "2022-11-03", "Bank of England raises rates by 75 basis points"),
        None,
        "Newslanes",
    ),
    "main-shock-vs-second-quake": Probe(
        QUAKE,
        Report(QUAKE_MAIN.format(mag="7.8"), "2023-02-06", "Turkey earthquake kills thousands"),
        Report(QUAKE_SECOND, "2023-02-06", "Second powerful quake hits Turkey"),
        None,
        "BBC News",
    ),
    "toll-of-two-countries": Probe(
        QUAKE,
        Report(
            QUAKE_COUNTRIES.format(turkey="3,549", syria="1,602"),
            "2023-02-07",
            "Turkey, Syria quake toll rises",
        ),
        Report(
            QUAKE_COUNTRIES.format(turkey="5,894", syria="1,932"),
            "2023-02-07",
            "Turkey, Syria quake toll rises",
        ),
        None,
        "Al Jazeera via wardoon.net (a later count)",
    ),
    "depth-in-two-units": Probe(
        QUAKE,
        Report(
            QUAKE_DEPTH.format(depth="17.9km (11 miles)"), "2023-02-06", "Turkey earthquake: what we know"
        ),
        Report(
            QUAKE_DEPTH.format(depth="about 11 miles (17.9 kilometers)"),
            "2023-02-06",
            "Turkey earthquake: what we know",
        ),
        None,
        "AccuWeather and BBC News",
    ),
    "steel-vs-other-goods": Probe(
        TARIFF,
        Report(TARIFF_STEEL.format(steel="25"), "2018-07-01", "Canada's retaliatory tariffs take effect"),
        Report(TARIFF_OTHER, "2018-07-01", "Canada's retaliatory tariffs take effect"),
        None,
        "BBC News",
    ),
    "conversion-rounded": Probe(
        TARIFF,
        Report(
            TARIFF_VALUE.format(usd="$12.8 billion"), "2018-07-01", "Canada's retaliatory tariffs take effect"
        ),
        Report(
            TARIFF_VALUE.format(usd="US$12.61bn"), "2018-07-01", "Canada's retaliatory tariffs take effect"
        ),
        None,
        "canindia.com and BBC News",
    ),
    "announcement-vs-start-day": Probe(
        TARIFF,
        Report(TARIFF_ANNOUNCED, "2018-06-01", "Canada to hit back with tariffs on US goods"),
        Report(TARIFF_START.format(day="Sunday"), "2018-07-01", "Canada's retaliatory tariffs take effect"),
        None,
        "canindia.com and New Zealand Herald",
    ),
}


# Genuine pairs still missed (the code refuses rather than guesses): why, for the next round.
OPEN = {
    "vote-split": "a committee's vote split ('voted five to four', 'voted 6-3') is no fact class yet",
    "polling-day-reworded": "'Britain voted on Thursday, June 8' gives the first report no event day ('voted' is no event "
    "word of the election profile), so 'held on June 7' has nothing to differ from",
    "tariff-amount-reworded": "'countermeasures, worth C$16.6 billion' and 'tariffs on C$12.6 billion of US goods' name the "
    "covered value in words too different to be known as one quantity: not compared",
    "series-reworded": "'the tenth successive time' and 'its 11th consecutive rate rise' are now one series (a "
    "repetition of the event), but compared at low confidence: only one clause names a rate variant ('lifted Bank Rate')",
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=f"open: {OPEN[n]}")) if n in OPEN else n
        for n in sorted(GENUINE)
    ],
)
def test_genuine_conflict_on_fresh_reporting_is_raised_with_the_erring_sentence(
    feed: Feed, name: str
) -> None:
    """Two reports giving one quantity of one thing two values that cannot both hold: a confident conflict
    citing both reports and quoting the erring sentence."""
    probe = GENUINE[name]
    found = _confident_between(feed(probe), probe.storyline)
    assert found, f"{name}: no confident conflict"
    assert any(
        any(probe.erring is not None and probe.erring in quote for quote in quotes) for _, _, quotes in found
    )


@pytest.mark.parametrize("name", sorted(LOOKALIKE))
def test_lookalike_on_fresh_reporting_raises_no_confident_conflict(feed: Feed, name: str) -> None:
    """Values of different things (a member's vote, the previous decision, another shock, another country,
    another product), or of one thing in other units or rounded: no confident conflict between the reports."""
    probe = LOOKALIKE[name]
    assert _confident_between(feed(probe), probe.storyline) == []
