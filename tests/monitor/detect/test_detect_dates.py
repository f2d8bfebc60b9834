"""Event dates come from the NLP stage's date claims; detection only places and ranks them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from detect_builders import Timeline, make_article

from monitor.detect.dates import ArticleDates, article_dates
from monitor.detect.extract import is_background
from monitor.detect.facts import article_facts
from monitor.detect.text import Sentence
from monitor.lexicon import load_lexicon
from monitor.models import Article, EnrichedArticle
from monitor.storylines.match import article_sentences, body_offset

Enrich = Callable[[Article], EnrichedArticle]


def _dates(enrich: Enrich, text: str, published: str, title: str = "") -> tuple[list[Sentence], ArticleDates]:
    enriched = enrich(make_article("d", text, published=published, title=title))
    sentences = article_sentences(enriched)
    stamp = enriched.article.published
    assert stamp is not None
    lexicon = load_lexicon()
    return sentences, article_dates(
        enriched, sentences, body_offset(enriched), stamp.date(), lexicon, lexicon.profile()
    )


def test_calendar_date_is_explicit_and_ranked_before_the_weekday(enrich: Enrich) -> None:
    """'on Sunday, May 7, 2023': both resolve to 7 May; the calendar date is explicit and comes first."""
    text = (
        "Yoon Suk Yeol and Fumio Kishida met in Seoul on Sunday, May 7, 2023, and agreed to resume shuttle "
        "diplomacy.\nThe two leaders discussed North Korea.\n"
    )
    sentences, dates = _dates(enrich, text, "2023-05-07T12:00:00+00:00")
    found = dates.in_sentence(sentences[0])
    assert found[0].explicit and found[0].value == date(2023, 5, 7)
    assert {item.value for item in found} == {date(2023, 5, 7)}
    assert not dates.in_sentence(sentences[1])


def test_dates_land_in_the_right_sentence_under_a_prepended_headline(enrich: Enrich) -> None:
    """With the headline put first, claim offsets (into the body) still map to the body's sentences."""
    text = "The leaders will meet in Tokyo on Friday.\nOfficials said preparations were under way.\n"
    sentences, dates = _dates(enrich, text, "2025-08-20T09:00:00+00:00", title="Leaders to meet")
    assert sentences[0].text == "Leaders to meet"
    assert [item.value for item in dates.in_sentence(sentences[1])] == [date(2025, 8, 22)]
    assert not dates.in_sentence(sentences[0]) and not dates.in_sentence(sentences[2])


def test_weekday_nearest_the_meeting_word_is_the_event_date(enrich: Enrich) -> None:
    """'arrived on Sunday ahead of his summit ... on Monday': the coming Monday, the summit's, ranks first."""
    text = (
        "South Korean President Lee Jae-myung arrived in Washington on Sunday ahead of his first summit with "
        "President Donald Trump on Monday.\n"
    )
    sentences, dates = _dates(enrich, text, "2025-08-24T23:00:00+00:00")
    found = dates.in_sentence(sentences[0])
    assert found[0].text.endswith("Monday") and found[0].value == date(2025, 8, 25)
    assert not found[0].explicit


def test_relative_day_resolves_against_publication(enrich: Enrich) -> None:
    """'his summit a day earlier' in a Monday report is the Sunday before, read from the NLP claim."""
    text = "Kishida on Monday said his summit a day earlier with Yoon Suk Yeol had deepened trust.\n"
    sentences, dates = _dates(enrich, text, "2023-05-08T06:00:00+00:00")
    assert dates.in_sentence(sentences[0])[0].value == date(2023, 5, 7)


def test_month_mentions_decide_background_but_since_does_not(enrich: Enrich) -> None:
    """'At the Tokyo summit in March' (two months back) is background; 'since March' describes the present."""
    text = (
        "At the Tokyo summit in March, Yoon and Kishida pledged to rebuild their relations.\n"
        "Relations have improved since March, when Yoon visited Tokyo, officials said on Wednesday.\n"
    )
    sentences, dates = _dates(enrich, text, "2023-05-03T10:00:00+00:00")
    published = date(2023, 5, 3)
    assert is_background(sentences[0], False, published, dates, load_lexicon())
    assert not is_background(sentences[1], False, published, dates, load_lexicon())


def test_a_meeting_dated_only_by_week_gives_no_event_date(enrich: Enrich) -> None:
    """'met in Washington last week': the NLP meeting claim's date is a week, so no date fact is held."""
    text = "Yoon Suk Yeol and Joe Biden met in Washington last week and agreed to deepen the alliance.\n"
    enriched = enrich(make_article("w", text, published="2023-05-03T10:00:00+00:00"))
    meeting = [claim for claim in enriched.claims if claim.kind == "meeting"]
    assert meeting and isinstance(meeting[0].value, dict) and meeting[0].value.get("date")
    people = [entity for entity in enriched.entities if entity.label == "PERSON"]
    assert {entity.id for entity in people} == {"yoon-suk-yeol", "joe-biden"}
    facts = article_facts(
        "w", event_date=date(2023, 5, 3), date_explicit=False, date_quote="", place=None,
        place_explicit=False, place_quote="", status=None, status_quote="", claims=enriched.claims,
        current=[], background=[], participants=people, names={e.id: e.name for e in enriched.entities},
        lexicon=load_lexicon(),
    )  # fmt: skip
    assert not [fact for fact in facts if fact.slot == "date:event"]


def test_a_weekday_its_date_does_not_fall_on_is_marked(enrich: Enrich) -> None:
    """'Saturday, August 22' when 22 August 2025 is a Friday: the calendar day is read and marked as clashing
    with its weekday; 'Saturday (August 23)' agrees with itself."""
    text = (
        "Lee Jae-myung and Shigeru Ishiba will hold their summit in Tokyo on Saturday, August 22.\n"
        "The two leaders will meet again on Saturday (August 23) for dinner.\n"
    )
    sentences, dates = _dates(enrich, text, "2025-08-20T09:00:00+00:00")
    [clashing] = dates.in_sentence(sentences[0])
    assert clashing.value == date(2025, 8, 22) and clashing.explicit and clashing.clash
    [agreeing] = dates.in_sentence(sentences[1])
    assert agreeing.value == date(2025, 8, 23) and not agreeing.clash


def test_another_year_does_not_make_a_sentence_about_today_background(enrich: Enrich) -> None:
    """'cut rates tomorrow, the first cut since ... July 2022' reports the news of the day; a sentence naming
    only another year stays background."""
    text = (
        "The European Central Bank is expected to cut rates tomorrow, its first cut since it began raising "
        "them in July 2022.\n"
        "In July 2022 the European Central Bank began raising rates for the first time in 11 years.\n"
    )
    sentences, dates = _dates(enrich, text, "2024-06-05T09:00:00+00:00")
    published = date(2024, 6, 5)
    assert not is_background(sentences[0], False, published, dates, load_lexicon())
    assert is_background(sentences[1], False, published, dates, load_lexicon())


def test_a_look_ahead_after_the_weekday_does_not_move_it_forward(enrich: Enrich) -> None:
    """'a video meeting on Friday ..., the ministry said the sides would hold talks': the look ahead comes
    after the weekday and is about the talks, so Friday is the one just past."""
    text = (
        "Following a video meeting on Friday between Lee Jae-myung and Shigeru Ishiba, the ministry said the "
        "two sides would hold consultations on trade.\n"
    )
    sentences, dates = _dates(enrich, text, "2025-08-24T07:00:00+00:00")
    assert [found.value for found in dates.in_sentence(sentences[0])] == [date(2025, 8, 22)]


def test_a_day_weeks_ahead_in_a_report_of_today_is_set_for_something(enrich: Enrich) -> None:
    """'called an election tonight ..., naming Thursday, July 4 as polling day': tonight is the event's day,
    July 4 a day set for something (role target), not the reported thing's day."""
    text = (
        "Rishi Sunak pulled the trigger on a summer election tonight in a statement in Downing Street, "
        "naming Thursday, July 4 as polling day.\n"
    )
    sentences, dates = _dates(enrich, text, "2024-05-22T17:30:00+00:00")
    roles = {found.value: found.role for found in dates.in_sentence(sentences[0])}
    assert roles == {date(2024, 5, 22): "event", date(2024, 7, 4): "target"}


def test_coming_back_is_travel(enrich: Enrich) -> None:
    """'came back to Seoul on Sunday after a trilateral summit': the day of the return, not of the summit."""
    text = "President Yoon Suk Yeol came back to Seoul on Sunday after a trilateral summit with Joe Biden.\n"
    sentences, dates = _dates(enrich, text, "2023-08-20T12:00:00+00:00")
    assert [found.role for found in dates.in_sentence(sentences[0])] == ["transit"]


def test_the_events_own_meeting_gives_its_day_before_a_wider_gathering(
    timeline: Timeline, enrich: Enrich
) -> None:
    """A report of the Yoon-Kishida talks that opens with the trilateral meeting with Biden on Thursday and
    then says the two met on their own on Friday: the two leaders' event is dated Friday."""
    text = (
        "San Francisco hosted a trilateral meeting of South Korean President Yoon Suk Yeol, U.S. President "
        "Joe Biden and Japanese Prime Minister Fumio Kishida on Thursday during the APEC summit.\n"
        "The three leaders posed together for a photograph but made no formal remarks.\n"
        "Earlier on Friday, President Yoon and Prime Minister Kishida held a separate meeting where they "
        "committed to fostering deeper cooperation.\n"
    )
    article = make_article("sf", text, published="2023-11-18T09:00:00+00:00", title="Yoon and Kishida meet")
    timeline.push(enrich(article))
    [event] = timeline.states["japan-korea-summits"].events
    assert event.date == date(2023, 11, 17)


def test_a_sentence_opening_on_another_matter_is_background(enrich: Enrich) -> None:
    """'Separately, the Marines announced joint drills starting on Friday' tells of another matter."""
    text = (
        "The carrier will leave Busan on Wednesday to join the Freedom Edge exercise, Yoon Suk Yeol said.\n"
        "Separately, the U.S. Marines announced joint drills around Japan's islands starting on Friday.\n"
    )
    sentences, dates = _dates(enrich, text, "2024-06-25T20:00:00+00:00")
    published = date(2024, 6, 25)
    assert not is_background(sentences[0], False, published, dates, load_lexicon())
    assert is_background(sentences[1], False, published, dates, load_lexicon())


def test_a_day_after_which_something_happens_is_not_its_day(enrich: Enrich) -> None:
    """'should he be returned to Downing Street after July 4': July 4 is a reference day (role target)."""
    text = (
        "Rishi Sunak launched the Conservative manifesto, setting out his programme for government should he "
        "be returned to Downing Street after July 4.\n"
    )
    sentences, dates = _dates(enrich, text, "2024-06-11T12:00:00+00:00")
    assert [(found.value, found.role) for found in dates.in_sentence(sentences[0])] == [
        (date(2024, 7, 4), "target")
    ]


def test_a_meeting_dated_by_a_travel_day_gives_no_event_date(timeline: Timeline, enrich: Enrich) -> None:
    """'came back to Seoul on Sunday after a trilateral summit with Biden and Kishida': the NLP meeting claim
    takes Sunday, a day of travel, so the event gets no date from it."""
    text = (
        "President Yoon Suk Yeol came back to Seoul on Sunday after a trilateral summit with U.S. President "
        "Joe Biden and Japanese Prime Minister Fumio Kishida at Camp David.\n"
        "The summit produced three documents on security and economic cooperation.\n"
    )
    timeline.push(
        enrich(make_article("back", text, published="2023-08-20T00:01:00+00:00", title="Yoon back"))
    )
    events = [event for state in timeline.states.values() for event in state.events]
    assert events and all(event.date is None for event in events)


def test_a_dateline_day_is_the_filing_day_not_the_event_day(enrich: Enrich) -> None:
    """'NAIROBI, March 4 (Reuters) - ... met on Monday': the dateline's day is the day the report was filed
    (role ``dateline``), never the event's; the weekday in the body stays the event's day."""
    text = (
        "NAIROBI, March 4 (Reuters) - Kenyan President William Ruto and Ethiopian Prime Minister "
        "Abiy Ahmed met in Addis Ababa on Monday to discuss a new power line.\n"
    )
    sentences, dates = _dates(enrich, text, "2025-03-04T08:00:00+00:00")
    roles = {item.text: item.role for item in dates.in_sentence(sentences[0])}
    assert roles.get("March 4") == "dateline"
    assert [item.role for item in dates.in_sentence(sentences[0]) if "Monday" in item.text] == ["event"]


def test_a_day_range_states_both_days(enrich: Enrich) -> None:
    """'a two-day summit on July 24-25': the range's first day, then its last as a day of its own, so that a
    report dating the meeting by either day is not read as another day."""
    text = "Leaders of the Pacific Islands Forum will meet in Suva on July 24-25 for their annual summit.\n"
    sentences, dates = _dates(enrich, text, "2025-07-20T08:00:00+00:00")
    values = {item.value for item in dates.in_sentence(sentences[0])}
    assert {date(2025, 7, 24), date(2025, 7, 25)} <= values


def test_a_travel_word_of_the_days_clause_makes_it_a_travel_day(enrich: Enrich) -> None:
    """'landed in the United Arab Emirates on Tuesday for a visit': the travel word is six words before the
    day, still in its clause with no event word between, so the day is travel's; 'arrived in Lima for the
    summit on Friday' dates the summit."""
    text = (
        "Indonesian President Prabowo Subianto landed in the United Arab Emirates on Tuesday for a two-day "
        "visit.\nChilean President Gabriel Boric arrived in Lima for the summit on Friday.\n"
    )
    sentences, dates = _dates(enrich, text, "2025-04-10T08:00:00+00:00")
    assert [item.role for item in dates.in_sentence(sentences[0])] == ["transit"]
    assert [item.role for item in dates.in_sentence(sentences[1])] == ["event"]


def test_a_day_named_as_the_date_of_something_is_set_for_it(enrich: Enrich) -> None:
    """'naming 30 November as the date of the referendum', with no other day in the sentence: the named day is
    set for something (role target), not the day the reported thing (the naming) happened; a day followed
    by 'as' and other words ('on Monday as talks resumed') stays the event's."""
    text = (
        "Prime Minister Anthony Albanese ended weeks of guessing by naming 30 November as the date of the "
        "referendum on an Indigenous voice.\n"
        "Trade ministers met in Jakarta on Monday as talks resumed.\n"
    )
    sentences, dates = _dates(enrich, text, "2023-08-30T09:00:00+00:00")
    assert [found.role for found in dates.in_sentence(sentences[0])] == ["target"]
    assert [found.role for found in dates.in_sentence(sentences[1])] == ["event"]


def test_a_possessive_weekday_of_an_incident_in_a_present_tense_report_is_the_past_one(
    enrich: Enrich,
) -> None:
    """'is questioning the owner over its collapse ... during Tuesday's earthquake', published Thursday: the
    present tense does not make the quake a coming one; an incident is never planned, so Tuesday is the past
    one. A sentence that looks ahead ('will campaign before Sunday's vote') keeps the coming day."""
    text = (
        "Police in Turkey are questioning the owner of a hotel over its collapse in Malatya during Tuesday's "
        "6.1-magnitude earthquake.\n"
    )
    enriched = enrich(make_article("d", text, published="2023-02-09T09:00:00+00:00"))
    sentences = article_sentences(enriched)
    lexicon = load_lexicon()
    dates = article_dates(
        enriched, sentences, body_offset(enriched), date(2023, 2, 9), lexicon, lexicon.profile("incident")
    )
    assert [found.value for found in dates.in_sentence(sentences[0])] == [date(2023, 2, 7)]
    ahead = "The candidates will campaign in Izmir before Sunday's vote.\n"
    sentences, dates = _dates(enrich, ahead, "2023-05-11T09:00:00+00:00")
    assert [found.value for found in dates.in_sentence(sentences[0])] == [date(2023, 5, 14)]
