"""Fact identity: only values of the same thing are compared, and a conflict says what and why.

Timelines run the real spaCy stage over the judgement set's plain storylines (each with its profile).
"""

# ruff: noqa: E501  (news prose is kept on one line)
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from detect_builders import Timeline, make_article

from monitor.models import Development
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline
from monitor.storylines.config import Storyline, load_storylines

JUDGEMENT = Path(__file__).resolve().parents[2] / "data" / "judgement"
EV, QUAKE, JK, ECB, US = (
    "eu-china-ev-tariffs",
    "myanmar-quake-2025",
    "japan-korea-summits",
    "ecb-rates",
    "us-alliance",
)
Feed = Callable[..., Timeline]


@pytest.fixture(scope="module")
def plain() -> tuple[Storyline, ...]:
    """The judgement set's storylines, written in the plain format with a profile each."""
    return load_storylines(JUDGEMENT / "storylines.yaml")


@pytest.fixture(scope="module")
def feed(plain: tuple[Storyline, ...]) -> Callable[..., Timeline]:
    """Push articles, given as (id, text, day, source, title), through real enrichment into a timeline."""
    nlp = load_pipeline(plain)

    def push(*articles: tuple[str, str, str, str, str], timeline: Timeline | None = None) -> Timeline:
        timeline = timeline or Timeline(plain)
        for key, text, day, source, title in articles:
            article = make_article(key, text, published=f"{day}T12:00:00+00:00", source=source, title=title)
            timeline.push(enrich_batch(nlp, [article], plain)[0])
        return timeline

    return push


def _confident(timeline: Timeline, storyline: str) -> list[Development]:
    return [alert for alert in timeline.of(storyline, "conflict") if alert.confidence >= 0.5]


DUTIES = (
    "The European Commission said on Wednesday it would impose provisional duties on electric vehicles imported from China from July.\n"
    "BYD will face an additional duty of {byd} per cent, Geely 20 per cent and SAIC 38.1 per cent, on top of the standard 10 per cent car duty.\n"
    "China's commerce ministry said the anti-subsidy investigation was protectionism and vowed to defend its companies.\n"
)

TOLL = "A powerful earthquake struck central Myanmar near Mandalay on Friday, and the quake has killed more than {dead} people, the junta said.\nRescuers in Mandalay searched collapsed buildings through the night.\n"

PREVIEW = (
    "Japanese Prime Minister Fumio Kishida will travel to Seoul from Thursday to Friday for a summit with South Korean President Yoon Suk Yeol, the presidential office announced on Monday.\n"
    "The two leaders will hold talks on Friday and a dinner, officials said.\n"
)

REPORT = (
    "Japanese Prime Minister Fumio Kishida and South Korean President Yoon Suk Yeol held a summit in Seoul on Friday and agreed to cooperate on evacuating citizens.\n"
    "The leaders said the summit kept relations on track.\n"
)

MISDATED = "Japanese Prime Minister Fumio Kishida and South Korean President Yoon Suk Yeol held a summit in Seoul on October 6 and agreed to cooperate on evacuating citizens.\nThe leaders said the summit kept relations on track.\n"

CUT = "The European Central Bank cut its three key interest rates by 25 basis points on Thursday, lowering borrowing costs for the {nth} consecutive time as inflation eased.\nECB President Christine Lagarde said the Governing Council would stay data-dependent.\n"

CUT_THIS_YEAR = "The European Central Bank cut its three key interest rates by 25 basis points on Thursday, its fourth rate cut this year, as inflation eased.\nECB President Christine Lagarde said the Governing Council would stay data-dependent.\n"


def test_one_companys_duty_conflicts_only_with_the_same_companys(feed: Feed) -> None:
    """17.4% vs 17.1% for BYD is a conflict naming BYD; Geely's 20% and the standard 10% are never set against BYD's."""
    timeline = feed(
        ("a", DUTIES.format(byd="17.4"), "2024-06-12", "Wire A", "EU sets duties on Chinese EVs"),
        ("b", DUTIES.format(byd="17.1"), "2024-06-12", "Wire B", "EU sets duties on Chinese EVs"),
    )
    confident = _confident(timeline, EV)
    assert len(confident) == 1
    [alert] = confident
    assert "BYD" in alert.summary and "17.4" in alert.summary and "17.1" in alert.summary
    assert "cannot both hold" in alert.summary
    assert {evidence.article_id for evidence in alert.evidence} == {"a", "b"}


def test_growing_death_toll_is_an_update_not_a_conflict(feed: Feed) -> None:
    """'more than 1,600' and later 'more than 2,900' killed: two lower bounds of a growing count agree."""
    timeline = feed(
        ("t1", TOLL.format(dead="1,600"), "2025-03-29", "Wire A", "Myanmar quake toll rises"),
        ("t2", TOLL.format(dead="2,900"), "2025-03-31", "Wire B", "Myanmar quake toll rises"),
    )
    assert _confident(timeline, QUAKE) == []
    assert timeline.of(QUAKE, "new_event")


def test_announcement_day_and_trip_window_are_not_the_summit_day(feed: Feed) -> None:
    """A preview announced on Monday of a Thursday–Friday trip, then the Friday summit: one event, no date conflict."""
    timeline = feed(
        ("p", PREVIEW, "2024-09-02", "Wire A", "Kishida to visit Seoul for summit with Yoon"),
        ("r", REPORT, "2024-09-06", "Wire B", "Kishida and Yoon hold summit in Seoul"),
    )
    assert len(timeline.of(JK, "new_event")) == 1
    assert _confident(timeline, JK) == []
    assert timeline.of(JK)[-1].event_title == "Kishida–Yoon summit in Seoul, 6 September 2024"


def test_impossible_month_in_a_report_is_a_date_conflict(feed: Feed) -> None:
    """A report published 7 September saying the summit was 'held ... on October 6': the erring sentence is quoted."""
    timeline = feed(
        ("r", REPORT, "2024-09-06", "Wire B", "Kishida and Yoon hold summit in Seoul"),
        ("x", MISDATED, "2024-09-07", "Digest", "Kishida and Yoon hold summit in Seoul"),
    )
    [alert] = _confident(timeline, JK)
    assert "2024-10-06" in alert.summary and "2024-09-06" in alert.summary
    assert any("October 6" in evidence.quote for evidence in alert.evidence)
    last = timeline.of(JK)[-1].event_date
    assert last is not None and last.isoformat() == "2024-09-06"


def test_place_in_a_series_conflicts_only_within_one_kind_of_count(feed: Feed) -> None:
    """'second' vs 'third consecutive' cut is a conflict; 'fourth cut this year' is another count, not compared."""
    timeline = feed(
        ("c2", CUT.format(nth="second"), "2024-10-17", "Wire A", "ECB cuts rates"),
        ("y4", CUT_THIS_YEAR, "2024-10-17", "Wire C", "ECB cuts rates"),
    )
    assert _confident(timeline, ECB) == []
    feed(("c3", CUT.format(nth="third"), "2024-10-17", "Wire B", "ECB cuts rates"), timeline=timeline)
    [alert] = _confident(timeline, ECB)
    assert "second consecutive" in alert.summary and "third consecutive" in alert.summary


QUAKE_REPORT = "A {main} earthquake struck central Myanmar near Mandalay on Friday, the US Geological Survey said.\n{after}\nRescuers in Mandalay searched collapsed buildings through the night.\n"


def test_magnitude_written_as_one_word_is_compared_with_the_same_shocks(feed: Feed) -> None:
    """'7.7-magnitude' vs '8.2 magnitude' earthquake is a conflict quoting both sentences; an aftershock's
    'magnitude-6.4' is never confidently set against the main shock's 7.7."""
    timeline = feed(
        ("m1", QUAKE_REPORT.format(main="7.7-magnitude", after="A magnitude-6.4 aftershock followed only 12 minutes later."),
         "2025-03-28", "Wire A", "Myanmar earthquake"),
        ("m2", QUAKE_REPORT.format(main="8.2 magnitude", after="It was followed by a strong aftershock."),
         "2025-03-28", "Wire B", "Myanmar earthquake"),
    )  # fmt: skip
    [alert] = _confident(timeline, QUAKE)
    assert (
        "7.7-magnitude" in alert.summary and "8.2 magnitude" in alert.summary and "magnitude" in alert.summary
    )
    assert {evidence.article_id for evidence in alert.evidence} == {"m1", "m2"}
    assert any("8.2 magnitude earthquake" in evidence.quote for evidence in alert.evidence)


MEETING_COUNT = "Japanese Prime Minister Fumio Kishida and South Korean President Yoon Suk Yeol held a summit in Seoul on Sunday.\n{count}\n"


def test_place_in_a_series_is_read_before_or_after_the_counted_word(feed: Feed) -> None:
    """'the 10th face-to-face meeting between the two leaders' vs "Sunday's meeting was their 11th" count the
    same series of meetings: a conflict quoting the erring sentence, whatever other words surround them."""
    timeline = feed(
        ("s10", MEETING_COUNT.format(count="It was the 10th face-to-face meeting between the two leaders."),
         "2024-05-26", "Wire A", "Kishida and Yoon hold summit in Seoul"),
        ("s11", MEETING_COUNT.format(count="Kishida said he was glad to keep talking with Yoon, noting that Sunday's meeting was their 11th."),
         "2024-05-26", "Wire B", "Kishida and Yoon hold summit in Seoul"),
    )  # fmt: skip
    [alert] = _confident(timeline, JK)
    assert "meeting was their 11th" in alert.summary and "10th face-to-face meeting" in alert.summary
    assert any("their 11th" in evidence.quote for evidence in alert.evidence)


SHUTTLE = (
    "Japanese Prime Minister Shigeru Ishiba and South Korean President Yoon Suk Yeol held their first summit in Vientiane on Thursday.\n"
    "Reciprocal visits by the two countries' leaders, a practice based on an agreement dating back to {year}, had stalled from 2011 amid disputes over history.\n"
)


def test_year_a_thing_began_is_compared_with_the_same_things_year(feed: Feed) -> None:
    """'an agreement dating back to 2004' vs '... to 2006' is a conflict on the agreement's year, quoting
    both (background) sentences; 'stalled from 2011' in both is not such a year and raises nothing; 'a new
    previous agreement dating back to 1998' is another agreement."""
    title = "Ishiba and Yoon hold summit in Vientiane"
    timeline = feed(
        ("y4", SHUTTLE.format(year="2004"), "2024-10-10", "Wire A", title),
        ("y6", SHUTTLE.format(year="2006"), "2024-10-10", "Wire B", title),
    )
    [alert] = _confident(timeline, JK)
    assert (
        "agreement dating back to 2004" in alert.summary and "agreement dating back to 2006" in alert.summary
    )
    assert any("back to 2006, had stalled" in evidence.quote for evidence in alert.evidence)
    renewed = SHUTTLE.format(year="1998").replace("an agreement", "a previous agreement")
    other = feed(
        ("p", SHUTTLE.format(year="2004"), "2024-10-10", "Wire C", title),
        ("n", renewed, "2024-10-10", "Wire D", title),
    )
    assert _confident(other, JK) == []


PLAIN_DUTIES = "The European Commission said on Wednesday it would impose provisional duties on electric vehicles imported from China.\nBrussels said it would set tariffs of 17.4% for BYD, 20% for Geely and 38.1% for SAIC over what it described as excessive subsidies.\nChina's commerce ministry said the investigation was protectionism.\n"

VARIANT_DUTIES = "The European Commission said on Wednesday it would impose provisional duties on electric vehicles imported from China.\nBYD models would incur an additional {extra} per cent duty{total}, while Geely faces 20 per cent.\nChina's commerce ministry said the investigation was protectionism.\n"


def test_plain_rate_against_a_sentence_giving_both_variants(feed: Feed) -> None:
    """'17.4% for BYD' is neither the 'additional 17.1' nor the '27.1 in total' another report gives BYD:
    a confident conflict. Without the total, the plain 27.1 may be the total: only a doubt."""
    timeline = feed(
        ("p", PLAIN_DUTIES, "2024-06-12", "Wire A", "EU sets duties on Chinese EVs"),
        ("v", VARIANT_DUTIES.format(extra="17.1", total=" (27.1 per cent in total)"), "2024-06-12", "Wire B", "EU sets duties on Chinese EVs"),
    )  # fmt: skip
    [alert] = _confident(timeline, EV)
    assert "17.4%" in alert.summary and "17.1 per cent" in alert.summary and "BYD" in alert.summary
    assert any("additional 17.1 per cent" in evidence.quote for evidence in alert.evidence)
    doubtful = feed(
        ("p2", PLAIN_DUTIES.replace("17.4%", "27.1%"), "2024-06-12", "Wire A", "EU sets duties on Chinese EVs"),
        ("v2", VARIANT_DUTIES.format(extra="17.1", total=""), "2024-06-12", "Wire B", "EU sets duties on Chinese EVs"),
    )  # fmt: skip
    assert _confident(doubtful, EV) == []


SHARE = "South Korea and the United States signed an agreement on the defense cost of U.S. troops in Seoul on Friday, strengthening the alliance.\nFor 2026, the two sides agreed to raise defense cost by 8.3% to 1.52 trillion won ({dollars}), the South Korean foreign ministry said.\n"


def test_converted_amounts_differ_as_exchange_rates_do(feed: Feed) -> None:
    """'1.52 trillion won ($1.14 billion)' and '($1.13 billion)' convert one amount at two days' rates: no
    conflict; '($11.3 billion)' is an impossible rate: a confident conflict quoting it."""
    timeline = feed(
        ("d1", SHARE.format(dollars="$1.14 billion"), "2024-10-04", "Wire A", "South Korea, US sign defence cost-sharing deal"),
        ("d2", SHARE.format(dollars="$1.13 billion"), "2024-10-04", "Wire B", "South Korea, US sign defence cost-sharing deal"),
    )  # fmt: skip
    assert timeline.of(US, "new_event") and _confident(timeline, US) == []
    feed(("d3", SHARE.format(dollars="$11.3 billion"), "2024-10-04", "Wire C", "South Korea, US sign defence cost-sharing deal"), timeline=timeline)  # fmt: skip
    [alert] = _confident(timeline, US)
    assert any("$11.3 billion" in evidence.quote for evidence in alert.evidence)


STATEMENT = "A powerful earthquake struck central Myanmar near Mandalay on Friday.\nAccording to a statement from the junta's information team, {dead} people are known to have died in Friday's shallow 7.7-magnitude quake and {hurt} were injured.\n"

LATER_TOLL = "A powerful earthquake struck central Myanmar near Mandalay on Friday.\nState television said on Sunday that 1,644 people were killed in the disaster as rescuers searched collapsed buildings.\n"


def test_one_statement_gives_one_toll_but_later_reports_may_give_more(feed: Feed) -> None:
    """Two rewrites of the junta's statement, '1,002' and '1,020 people are known to have died' (both with
    2,376 injured), are one moment's count: a conflict. A later report of 1,644 killed, in other words or in
    the same words with more injured (a later statement), is an update."""
    timeline = feed(
        ("s1", STATEMENT.format(dead="1,002", hurt="2,376"), "2025-03-29", "Wire A", "Myanmar quake toll passes 1,000"),
        ("l", LATER_TOLL, "2025-03-30", "Wire C", "Myanmar quake toll climbs"),
        ("s3", STATEMENT.format(dead="1,644", hurt="3,408"), "2025-03-30", "Wire D", "Myanmar quake toll climbs"),
    )  # fmt: skip
    assert _confident(timeline, QUAKE) == []
    feed(("s2", STATEMENT.format(dead="1,020", hurt="2,376"), "2025-03-29", "Wire B", "Myanmar quake toll passes 1,000"), timeline=timeline)  # fmt: skip
    [alert] = _confident(timeline, QUAKE)
    assert "1,002" in alert.summary and "1,020" in alert.summary
    assert {evidence.article_id for evidence in alert.evidence} == {"s1", "s2"}


TOWER = "A powerful earthquake struck central Myanmar near Mandalay on Friday, and in Bangkok a {tower} under construction collapsed.\nRescuers in Bangkok searched the rubble through the night.\n"


def test_measures_of_different_things_are_not_confidently_compared(feed: Feed) -> None:
    """A '30-storey building' against a '33-storey building' is a conflict; against a '33-storey hotel' of
    another report it may be another building: at most a doubt."""
    timeline = feed(
        ("b30", TOWER.format(tower="30-storey building"), "2025-03-28", "Wire A", "Myanmar earthquake topples Bangkok tower"),
        ("h33", TOWER.format(tower="33-storey hotel"), "2025-03-28", "Wire B", "Myanmar earthquake topples Bangkok tower"),
    )  # fmt: skip
    assert _confident(timeline, QUAKE) == []
    same = feed(
        ("s30", TOWER.format(tower="30-storey building"), "2025-03-28", "Wire A", "Myanmar earthquake topples Bangkok tower"),
        ("s33", TOWER.format(tower="33-storey building"), "2025-03-28", "Wire C", "Myanmar earthquake topples Bangkok tower"),
    )  # fmt: skip
    [alert] = _confident(same, QUAKE)
    assert "30-storey" in alert.summary and "33-storey" in alert.summary


MANIFESTO = "Rishi Sunak launched the Conservative manifesto for the general election at Silverstone on Tuesday.\n{line}\n"


def test_durations_of_one_party_are_of_different_things(feed: Feed) -> None:
    """'nearly three weeks of campaigning' and '14 years in government' are both the Tories' durations but
    not of the same thing: never a confident conflict."""
    timeline = feed(
        ("c", MANIFESTO.format(line="After nearly three weeks of campaigning the Tories remain stubbornly behind in the polls."), "2024-06-11", "Wire A", "Sunak launches Tory manifesto"),
        ("g", MANIFESTO.format(line='Sunak said the document proved the Tories still had "bold" ideas after 14 years in government.'), "2024-06-11", "Wire B", "Sunak launches Tory manifesto"),
    )  # fmt: skip
    assert timeline.of("uk-election-2024", "new_event")
    assert _confident(timeline, "uk-election-2024") == []


RANKED = "A powerful earthquake struck central Myanmar near Mandalay on Friday.\n{line}\n"


def test_ranks_of_different_things_are_not_one_series(feed: Feed) -> None:
    """'the second-largest city' and 'the fourth-largest economy' are ranks of different things, not places
    in one series of the storyline's events: never a confident conflict."""
    timeline = feed(
        ("r2", RANKED.format(line="The quake flattened buildings in Mandalay, Myanmar's second-largest city."), "2025-03-28", "Wire A", "Myanmar earthquake"),
        ("r4", RANKED.format(line="The quake also shook Thailand, Southeast Asia's fourth-largest economy."), "2025-03-28", "Wire B", "Myanmar earthquake"),
    )  # fmt: skip
    assert timeline.of(QUAKE, "new_event")
    assert _confident(timeline, QUAKE) == []


def test_a_rate_named_as_an_entity_is_its_owners_key_rate() -> None:
    """'The Reserve Bank's Monetary Policy Board voted to lift the Official Cash Rate to 4.1%': the figure
    belongs to the bank (a body named after its owner's possessive is the owner's; an entity named as a rate
    is the measure, not an owner), the same key rate as 'its benchmark rate' in another report."""
    from monitor.detect.facts import claim_fact
    from monitor.lexicon import load_lexicon
    from monitor.models import CanonicalEntity, Claim, Evidence, Mention

    sentence = "The Reserve Bank's Monetary Policy Board voted on Tuesday to lift the Official Cash Rate by 0.25% to 4.1%."

    def entity(name: str, label: str) -> CanonicalEntity:
        start = sentence.find(name)
        mention = Mention(text=name, start=start, end=start + len(name), label=label)
        return CanonicalEntity(
            id=name.casefold().replace(" ", "-"), name=name, label=label, known=False, count=1,
            surface_forms=(name,), mentions=(mention,),
        )  # fmt: skip

    entities = (
        entity("Reserve Bank", "ORG"),
        entity("Monetary Policy Board", "ORG"),
        entity("Official Cash Rate", "ORG"),
    )
    level = Claim(kind="percent", text="4.1%", value=4.1, unit="%", subject="Official Cash Rate",
                  evidence=Evidence(sentence=sentence, start=0, end=len(sentence)))  # fmt: skip
    fact = claim_fact(level, "a", load_lexicon(), entities)
    assert fact is not None and fact.referents == ["reserve-bank"]
