"""Timelines with contradicting and look-alike reports: conflicts carry both sides, look-alikes do not alert."""

# ruff: noqa: E501  (news prose and test sentences are kept on one line)
from __future__ import annotations

from collections.abc import Callable

from detect_builders import Timeline, make_article

from monitor.models import Article, EnrichedArticle

Enrich = Callable[[Article], EnrichedArticle]
US = "us-alliance"
JK = "japan-korea-summits"

TROOPS_A = "The Pentagon is considering withdrawing about 4,500 troops from South Korea, US officials said."
TROOPS_B = (
    "The Trump administration is considering withdrawing 10,000 troops from South Korea, officials said."
)
TROOPS_C = "Reports say the Pentagon may withdraw roughly 4,400 troops from South Korea."
JAPAN_TROOPS = "About 54,000 US troops are stationed in Japan, the largest overseas deployment of US forces."


def _troops(article_id: str, lead: str, *, day: str, source: str) -> Article:
    text = (
        f"{lead}\n"
        "The United States keeps troops in South Korea to deter North Korea under the alliance.\n"
        "President Donald Trump has repeatedly complained about the cost of stationing US troops abroad, "
        "and Seoul's defense ministry said it had not been consulted.\n"
    )
    article = make_article(article_id, text, published=f"2025-05-{day}T09:00:00+00:00", source=source,
                           title="US weighs troop cut in South Korea")  # fmt: skip
    return article


def test_troop_count_conflict_carries_both_quotes(timeline: Timeline, enrich: Enrich) -> None:
    """Two outlets give 4,500 vs 10,000 troops for the same cut: one conflict, both quotes, refs and values."""
    first = _troops("a", TROOPS_A, day="22", source="Defense Desk")
    second = _troops("b", TROOPS_B, day="23", source="Capital Report")
    timeline.push(enrich(first))
    raised = timeline.push(enrich(second))
    conflicts = [alert for alert in raised if alert.kind == "conflict"]
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict.confidence >= 0.8
    assert {ref.id for ref in conflict.articles} == {"a", "b"}
    assert [e.quote for e in conflict.evidence] == [TROOPS_A, TROOPS_B]
    assert "4,500" in conflict.summary and "10,000" in conflict.summary
    assert "Defense Desk" in conflict.summary and "Capital Report" in conflict.summary


def test_approximate_figure_within_tolerance_is_no_conflict(timeline: Timeline, enrich: Enrich) -> None:
    """'about 4,500' then 'roughly 4,400' troops: the same figure approximately, so nothing is raised."""
    first = _troops("a", TROOPS_A, day="22", source="Defense Desk")
    second = _troops("c", TROOPS_C, day="23", source="Briefing")
    timeline.push(enrich(first))
    assert [alert for alert in timeline.push(enrich(second)) if alert.kind == "conflict"] == []


def test_figures_about_different_countries_are_no_conflict(timeline: Timeline, enrich: Enrich) -> None:
    """4,500 troops from South Korea vs 54,000 troops in Japan measure different things: no conflict."""
    first = _troops("a", TROOPS_A, day="22", source="Defense Desk")
    second = _troops("j", f"{TROOPS_C} {JAPAN_TROOPS}", day="23", source="Explainer")
    timeline.push(enrich(first))
    assert [alert for alert in timeline.push(enrich(second)) if alert.kind == "conflict"] == []


def test_proposed_versus_agreed_figure_is_low_confidence_with_reason(
    timeline: Timeline, enrich: Enrich
) -> None:
    """A threatened 25% tariff vs the agreed 15% is reported, if at all, below 0.5 confidence with the reason."""
    agreed = "Trump said the United States and Japan reached a trade deal that sets a 15% tariff on Japanese imports."
    threatened = "Japanese carmakers rallied after Trump had threatened a 25% tariff on Japanese imports before the deal."
    body = "\nPrime Minister Shigeru Ishiba said the deal protects Japan, a key US ally, and the alliance.\n"
    first = make_article(
        "t1", agreed + body, published="2025-07-23T02:00:00+00:00", title="US-Japan tariff deal"
    )
    second = make_article(
        "t2", threatened + body, published="2025-07-24T02:00:00+00:00", title="Carmakers rally"
    )
    timeline.push(enrich(first))
    raised = timeline.push(enrich(second))
    conflicts = [alert for alert in raised if alert.kind == "conflict"]
    assert all(alert.confidence < 0.5 and "low confidence:" in alert.summary for alert in conflicts)
    [event] = timeline.states[US].events  # both reports are about the same deal
    assert [ref.id for ref in event.articles] == ["t1", "t2"]


SUMMIT = (
    "South Korean President Lee Jae-myung and Japanese Prime Minister Shigeru Ishiba held their summit in Tokyo "
    "on {day}, pledging closer ties between the neighbours.\n"
    "The two leaders agreed to revive shuttle diplomacy and discussed North Korea and economic security.\n"
)


def test_two_outlets_giving_different_summit_dates_conflict(timeline: Timeline, enrich: Enrich) -> None:
    """'August 23, 2025' vs 'August 24, 2025' for the same Tokyo summit: a confident date conflict."""
    first = make_article("d1", SUMMIT.format(day="August 23, 2025"), published="2025-08-23T15:00:00+00:00",
                         source="Japan Press Agency", title="Lee, Ishiba meet in Tokyo")  # fmt: skip
    second = make_article("d2", SUMMIT.format(day="August 24, 2025"), published="2025-08-25T04:00:00+00:00",
                          source="Regional Digest", title="Lee and Ishiba pledge closer ties")  # fmt: skip
    timeline.push(enrich(first))
    conflicts = [alert for alert in timeline.push(enrich(second)) if alert.kind == "conflict"]
    assert len(conflicts) == 1
    assert conflicts[0].confidence >= 0.8
    assert {e.claim for e in conflicts[0].evidence} == {"date: 2025-08-23", "date: 2025-08-24"}
    assert {ref.source for ref in conflicts[0].articles} == {"Japan Press Agency", "Regional Digest"}


def test_held_versus_postponed_is_a_status_conflict(timeline: Timeline, enrich: Enrich) -> None:
    """A report that the Busan summit took place, then a claim that it was postponed: a status conflict."""
    held = (
        "South Korean President Lee Jae-myung and Japanese Prime Minister Shigeru Ishiba met in Busan on Tuesday "
        "and agreed to set up a consultative body on low birth rates and ageing.\n"
    )
    postponed = (
        "The summit between South Korean President Lee Jae-myung and Japanese Prime Minister Shigeru Ishiba in "
        "Busan was postponed, according to posts shared online on Tuesday.\n"
    )
    timeline.push(
        enrich(make_article("h", held, published="2025-09-30T13:00:00+00:00", title="Lee, Ishiba meet"))
    )
    raised = timeline.push(
        enrich(make_article("p", postponed, published="2025-09-30T18:00:00+00:00", title="Summit postponed"))
    )
    conflicts = [alert for alert in raised if alert.kind == "conflict"]
    assert len(conflicts) == 1 and "postponed" in conflicts[0].summary and "held" in conflicts[0].summary


def test_repeated_coverage_never_alerts(timeline: Timeline, enrich: Enrich) -> None:
    """A syndicated copy (new id, same text) and a rewrite restating known facts raise nothing."""
    report = make_article("r1", SUMMIT.format(day="Saturday"), published="2025-08-23T15:00:00+00:00",
                          title="Lee, Ishiba meet in Tokyo")  # fmt: skip
    copy = make_article("r2", SUMMIT.format(day="Saturday"), published="2025-08-23T18:00:00+00:00",
                        title="Leaders meet", source="Other Wire")  # fmt: skip
    rewrite = make_article(
        "r3",
        "At their summit in Tokyo on Saturday, Lee Jae-myung and Shigeru Ishiba agreed to revive shuttle diplomacy "
        "between the neighbours.\nThe leaders of South Korea and Japan also discussed North Korea.\n",
        published="2025-08-24T08:00:00+00:00",
        title="Shuttle diplomacy revived",
    )
    assert timeline.push(enrich(report))
    assert timeline.push(enrich(copy)) == []
    assert timeline.push(enrich(rewrite)) == []


def test_a_newly_named_participant_is_a_development(timeline: Timeline, enrich: Enrich) -> None:
    """A later report that a third leader joined the meeting adds a participants development."""
    first = make_article(
        "p1",
        "South Korean President Yoon Suk Yeol and Japanese Prime Minister Fumio Kishida met in Seoul on Sunday "
        "for their second summit in two months.\nThe two leaders discussed North Korea and supply chains.\n",
        published="2023-05-07T08:00:00+00:00",
        title="Yoon and Kishida meet in Seoul",
    )
    second = make_article(
        "p2",
        "US President Joe Biden joined Yoon Suk Yeol and Fumio Kishida by video link during their talks in Seoul "
        "on Sunday, the presidential office said.\n"
        "Biden, Yoon and Kishida discussed North Korea's missile launches and supply chains.\n",
        published="2023-05-07T12:00:00+00:00",
        title="Biden joins Yoon and Kishida by video link",
    )
    timeline.push(enrich(first))
    raised = [alert for alert in timeline.push(enrich(second)) if alert.storyline_id == JK]
    assert [alert.kind for alert in raised] == ["new_development"]
    assert "participants now reported as" in raised[0].summary and "Joe Biden" in raised[0].summary


def test_a_weekday_that_disagrees_with_its_date_is_a_confident_conflict(
    timeline: Timeline, enrich: Enrich
) -> None:
    """'tomorrow, Saturday, August 22' (22 August 2025 is a Friday) against another preview's 'Saturday
    (August 23)': a confident date conflict quoting the erring sentence, saying why it cannot be right, even
    though that sentence's 'tomorrow' names the other report's day too."""
    right = (
        "South Korean President Lee Jae-myung and Japanese Prime Minister Shigeru Ishiba will hold their summit "
        "in Tokyo on Saturday (August 23), officials said.\n"
        "The two leaders are expected to revive shuttle diplomacy and discuss North Korea.\n"
    )
    wrong = (
        "South Korean President Lee Jae-myung and Japanese Prime Minister Shigeru Ishiba will hold their summit "
        "in Tokyo tomorrow, Saturday, August 22, officials said.\n"
        "The two leaders are expected to revive shuttle diplomacy and discuss North Korea.\n"
    )
    timeline.push(enrich(make_article("w1", right, published="2025-08-20T09:00:00+00:00",
                                      source="Japan Press Agency", title="Lee, Ishiba to meet in Tokyo")))  # fmt: skip
    raised = timeline.push(enrich(make_article("w2", wrong, published="2025-08-22T06:00:00+00:00",
                                               source="Market Digest", title="Lee, Ishiba to meet")))  # fmt: skip
    conflicts = [alert for alert in raised if alert.kind == "conflict"]
    assert len(conflicts) == 1 and conflicts[0].confidence >= 0.8
    assert wrong.splitlines()[0] in [evidence.quote for evidence in conflicts[0].evidence]
    assert "Saturday, August 22" in conflicts[0].summary and "Friday" in conflicts[0].summary


def test_a_report_is_compared_with_reports_not_with_the_preview(timeline: Timeline, enrich: Enrich) -> None:
    """A preview's 23 August, a report's 23 August, then a report's 24 August: the two reports conflict
    (a preview against a report would be a change of plan, not a conflict)."""
    preview = SUMMIT.replace("held their summit", "will hold their summit")
    timeline.push(enrich(make_article("p1", preview.format(day="August 23, 2025"),
                                      published="2025-08-20T09:00:00+00:00", title="Lee, Ishiba to meet")))  # fmt: skip
    timeline.push(enrich(make_article("r1", SUMMIT.format(day="August 23, 2025"),
                                      published="2025-08-23T15:00:00+00:00", title="Lee, Ishiba meet")))  # fmt: skip
    raised = timeline.push(enrich(make_article("r2", SUMMIT.format(day="August 24, 2025"),
                                               published="2025-08-25T04:00:00+00:00", title="Lee, Ishiba meet")))  # fmt: skip
    conflicts = [alert for alert in raised if alert.kind == "conflict"]
    assert len(conflicts) == 1 and conflicts[0].confidence >= 0.8
    assert {ref.id for ref in conflicts[0].articles} == {"r1", "r2"}


LEAD = (
    "{when} South Korean President Lee Jae-myung and Japanese Prime Minister Shigeru Ishiba stood before "
    "reporters in Tokyo and, to the surprise of many, announced a summit of their own{said}.\n"
    "The two leaders agreed to revive shuttle diplomacy and discussed North Korea.\n"
)


def test_the_only_day_of_a_lead_naming_the_event_once_is_the_events_day(
    timeline: Timeline, enrich: Enrich
) -> None:
    """'On Tuesday evening ... announced a summit' against 'On Wednesday ...': each lead gives one day and
    names the event once, so the days are the event's and conflict at a usable confidence; a day that is
    only when someone said something ('..., the ministry said on Wednesday') is not."""
    timeline.push(enrich(make_article("l1", LEAD.format(when="On Tuesday evening", said=""),
                                      published="2025-08-20T06:00:00+00:00", title="Lee, Ishiba surprise")))  # fmt: skip
    raised = timeline.push(enrich(make_article("l2", LEAD.format(when="On Wednesday", said=""),
                                               published="2025-08-21T06:00:00+00:00", title="Lee, Ishiba")))  # fmt: skip
    conflicts = [alert for alert in raised if alert.kind == "conflict"]
    assert len(conflicts) == 1 and conflicts[0].confidence >= 0.5
    said = timeline.push(enrich(make_article("l3", LEAD.format(when="", said=", the ministry said on Monday"),
                                             published="2025-08-21T08:00:00+00:00", title="Summit")))  # fmt: skip
    assert all(alert.confidence < 0.5 for alert in said if alert.kind == "conflict")


def test_a_report_a_few_days_off_that_agrees_on_the_rest_is_the_same_event(
    timeline: Timeline, enrich: Enrich
) -> None:
    """The Tokyo summit of the same two leaders, reported the same day as on 23 and on 18 August: one event
    and a date conflict, not a second new_event."""
    timeline.push(enrich(make_article("s1", SUMMIT.format(day="August 23, 2025"),
                                      published="2025-08-24T06:00:00+00:00", title="Lee, Ishiba meet")))  # fmt: skip
    raised = timeline.push(enrich(make_article("s2", SUMMIT.format(day="August 18, 2025"),
                                               published="2025-08-24T09:00:00+00:00", title="Lee, Ishiba")))  # fmt: skip
    assert [alert.kind for alert in raised if alert.kind == "new_event"] == []
    conflicts = [alert for alert in raised if alert.kind == "conflict"]
    assert len(conflicts) == 1 and conflicts[0].confidence >= 0.8
    assert len(timeline.states[JK].events) == 1


def test_the_same_leaders_reported_days_apart_are_two_events(timeline: Timeline, enrich: Enrich) -> None:
    """A Tokyo summit on 18 August reported that day, and one on 23 August reported five days later: two
    meetings of the same leaders, two events, no conflict."""
    timeline.push(enrich(make_article("m1", SUMMIT.format(day="August 18, 2025"),
                                      published="2025-08-18T15:00:00+00:00", title="Lee, Ishiba meet")))  # fmt: skip
    raised = timeline.push(enrich(make_article("m2", SUMMIT.format(day="August 23, 2025"),
                                               published="2025-08-23T15:00:00+00:00", title="Lee, Ishiba")))  # fmt: skip
    assert [alert.kind for alert in raised if alert.kind in {"new_event", "conflict"}] == ["new_event"]
    assert len(timeline.states[JK].events) == 2


def test_a_day_after_publication_for_something_done_is_an_impossible_day(
    timeline: Timeline, enrich: Enrich
) -> None:
    """A report published on 25 August of a press conference 'after their summit in Tokyo on November 23':
    that day cannot be right (a typo for August). The report joins the event, raises a confident date
    conflict however far the days are apart, quotes its sentence, and never dates the event."""
    timeline.push(enrich(make_article("i1", SUMMIT.format(day="August 23, 2025"),
                                      published="2025-08-24T06:00:00+00:00", title="Lee, Ishiba meet")))  # fmt: skip
    wrong = (
        "Lee Jae-myung said he and Shigeru Ishiba had confirmed the will to cooperate at a joint press "
        "conference after their summit in Tokyo on November 23.\n"
        "The two leaders agreed to revive shuttle diplomacy and discussed North Korea and economic security.\n"
    )
    raised = timeline.push(enrich(make_article("i2", wrong, published="2025-08-25T06:00:00+00:00",
                                               title="Lee, Ishiba pledge closer ties")))  # fmt: skip
    assert [alert.kind for alert in raised if alert.kind == "new_event"] == []
    conflicts = [alert for alert in raised if alert.kind == "conflict"]
    assert len(conflicts) == 1 and conflicts[0].confidence >= 0.8
    assert wrong.splitlines()[0] in [evidence.quote for evidence in conflicts[0].evidence]
    [event] = timeline.states[JK].events
    assert event.date is not None and event.date.isoformat() == "2025-08-23"


KISHIDA_VISIT = "\nOn Wednesday he will meet U.S. President Joe Biden at the White House for talks on the alliance and a state dinner.\n"


def test_two_reports_of_one_arrival_on_different_days_conflict(timeline: Timeline, enrich: Enrich) -> None:
    """'Kishida landed at Joint Base Andrews outside Washington on Monday' against 'Kishida ... arrived in
    Washington on Tuesday': the same participant's arrival day for the same visit, a conflict naming who
    arrived; the day of the talks ('On Wednesday he will meet Biden') is not an arrival day."""
    landed = (
        "Japanese Prime Minister Fumio Kishida landed at Joint Base Andrews outside Washington on Monday."
    )
    arrived = "Japanese Prime Minister Fumio Kishida and his wife arrived in Washington on Tuesday for a state visit."
    timeline.push(enrich(make_article("k1", landed + KISHIDA_VISIT, published="2024-04-09T05:00:00+00:00",
                                      source="Japan News", title="Kishida arrives for state visit")))  # fmt: skip
    raised = timeline.push(enrich(make_article("k2", arrived + KISHIDA_VISIT, published="2024-04-10T00:30:00+00:00",
                                               source="Wire", title="Bidens greet Kishida")))  # fmt: skip
    conflicts = [alert for alert in raised if alert.kind == "conflict" and "arrived" in alert.summary]
    assert len(conflicts) == 1 and conflicts[0].confidence >= 0.5
    assert "Kishida arrived" in conflicts[0].summary
    assert arrived in [evidence.quote for evidence in conflicts[0].evidence]
