"""Which held figure a new figure is set against, and which figures are estimates.

Timelines run the real spaCy stage over the probe storylines (other regions and kinds than the judgement
set's); every report is written for these tests.
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

PROBES = Path(__file__).resolve().parents[2] / "data" / "detect" / "probes" / "storylines.yaml"
QUAKE, VOTE = "turkey-quake-2023", "uk-election-2017"
Feed = Callable[..., Timeline]


@pytest.fixture(scope="module")
def feed() -> Feed:
    """Push articles, given as (id, text, day, title), through real enrichment into one timeline."""
    storylines: tuple[Storyline, ...] = load_storylines(PROBES)
    nlp = load_pipeline(storylines)

    def push(*articles: tuple[str, str, str, str]) -> Timeline:
        timeline = Timeline(storylines)
        for key, text, day, title in articles:
            article = make_article(key, text, published=f"{day}T12:00:00+00:00", source=key, title=title)
            timeline.push(enrich_batch(nlp, [article], storylines)[0])
        return timeline

    return push


def _confident(timeline: Timeline, storyline: str) -> list[Development]:
    return [alert for alert in timeline.of(storyline, "conflict") if alert.confidence >= 0.5]


def test_a_variant_figure_is_set_against_the_same_variant_of_the_other_report(feed: Feed) -> None:
    """A magnitude marked as an aftershock's is compared with the other report's aftershock magnitude, not
    with its main shock's (whose words are closer): the two aftershock magnitudes conflict, confidently."""
    first = (
        "A powerful earthquake struck near Gaziantep in southern Turkey before dawn on Monday, toppling apartment blocks.\n"
        "The national seismology institute put the magnitude at 7.2.\n"
        "A magnitude-5.9 aftershock followed 20 minutes later.\n"
        "Rescue teams were searching the rubble of collapsed buildings across the province.\n"
    )
    second = (
        "Rescuers in southern Turkey dug through collapsed buildings on Tuesday after Monday's earthquake near Gaziantep.\n"
        "The strongest aftershock measured magnitude 6.6 and struck 20 minutes after the main shock.\n"
    )
    timeline = feed(
        ("first", first, "2023-02-06", "Strong earthquake hits southern Turkey"),
        ("second", second, "2023-02-07", "Rescuers search rubble after Turkey earthquake"),
    )
    found = _confident(timeline, QUAKE)
    assert any(
        any("6.6" in e.quote for e in alert.evidence) and any("5.9" in e.quote for e in alert.evidence)
        for alert in found
    ), [alert.summary for alert in timeline.of(QUAKE, "conflict")]
    assert not any(any("6.6" in e.quote for e in a.evidence) and "7.2" in a.summary for a in found)


def test_shares_of_people_surveyed_are_estimates(feed: Feed) -> None:
    """'Of those surveyed, 41% said …' is a poll's figure: another poll's share for a like question is no
    confident conflict."""
    first = (
        "Theresa May and Jeremy Corbyn clashed over Brexit and police numbers in the final televised debate of the general election on Friday.\n"
        "Of those surveyed after the debate, 41% said the Prime Minister had the better evening and 39% said the Labour leader did.\n"
    )
    second = (
        "Jeremy Corbyn and Theresa May traded blows over security in the last debate before the general election on Friday.\n"
        "Fewer than one in three (29 per cent) believe the Prime Minister was the more convincing of the two leaders, according to an instant poll for a Sunday newspaper.\n"
    )
    timeline = feed(
        ("first", first, "2017-06-02", "May and Corbyn clash in final election debate"),
        ("second", second, "2017-06-03", "Voters split on the last election debate"),
    )
    assert _confident(timeline, VOTE) == [], [a.summary for a in _confident(timeline, VOTE)]


def test_a_figure_whose_sentence_also_gives_the_other_value_is_another_quantity() -> None:
    """'ended up four votes short, with only 296 in favour' knows the 296 another report gives: the four is a
    shortfall, no rival count of the votes."""
    from datetime import UTC, datetime

    from monitor.detect.compare import compare
    from monitor.detect.state import EventState, HeldFact

    held = HeldFact(slot="quantity:vote", kind="quantity", value="296", number=296, terms=["vote"], text="296 votes",
                    quote="The nominee won only 296 votes in the first round.", article_id="a")  # fmt: skip
    sentence = "The nominee ended up four votes short, with only 296 in favour."
    four = HeldFact(slot="quantity:vote", kind="quantity", value="4", number=4, terms=["vote", "short"], text="four",
                    quote=sentence, article_id="b")  # fmt: skip
    same = HeldFact(slot="quantity:vote", kind="quantity", value="296", number=296, terms=["vote", "favour"],
                    text="296", quote=sentence, article_id="b")  # fmt: skip
    now = datetime(2025, 5, 6, tzinfo=UTC)
    event = EventState(id="e", title="vote", first_published=now, last_published=now, facts=[held])
    assert [f for f in compare(event, [four, same]) if f.kind == "conflict"] == []


def test_sustained_winds_and_gusts_are_different_measures() -> None:
    """'sustained winds of 130 mph' and 'gusts above 170 mph' name two members of one contrast set: variants
    of a storm's wind, never compared as one figure."""
    from monitor.detect.figures import contrast_marks
    from monitor.lexicon import load_lexicon

    lexicon = load_lexicon()
    sustained = {m for m in contrast_marks("maximum sustained winds of 130 mph", lexicon)}
    gusts = {m for m in contrast_marks("gusts above 170 mph", lexicon)}
    shared = {group for group, _ in sustained} & {group for group, _ in gusts}
    assert shared and not sustained & gusts  # one contrast set, two different members


def test_a_meetings_length_is_one_measure_however_worded() -> None:
    """'The talks lasted about two hours' and 'the two leaders spent four hours together' both give the
    meeting's length (terms ``length``, no owner), so they are compared; a duration with no length word
    ('tariffs for five years') is not one."""
    from detect_builders import figure

    from monitor.detect.facts import LENGTH_TERM, claim_fact
    from monitor.lexicon import load_lexicon

    lexicon = load_lexicon()
    lasted = "The talks in Vienna lasted about two hours, officials said."
    spent = (
        "The two leaders spent four hours together before a dinner for the families of Austrian diplomats."
    )
    other = "The tariffs will apply for five years under the agreement."
    first = claim_fact(figure("duration", "about two hours", 0.000228, lasted, unit="years"), "a", lexicon)
    second = claim_fact(figure("duration", "four hours", 0.000456, spent, unit="years"), "b", lexicon)
    third = claim_fact(figure("duration", "five years", 5.0, other, unit="years"), "c", lexicon)
    assert first is not None and second is not None and third is not None
    assert first.terms == second.terms == [LENGTH_TERM] and second.referents == []
    assert third.terms != [LENGTH_TERM]


def test_a_look_ahead_before_but_does_not_make_the_later_figure_a_proposal() -> None:
    """'had expected to meet for five hours but spent less than three hours together': the three hours are
    what happened, not a proposal; the five hours are the expectation."""
    from detect_builders import figure

    from monitor.detect.facts import qualifier_of
    from monitor.lexicon import load_lexicon

    sentence = "The delegations had expected to meet for five hours but spent less than three hours together."
    lexicon = load_lexicon()
    assert qualifier_of(figure("duration", "less than three hours", 0.0003, sentence), lexicon) == ""
    assert qualifier_of(figure("duration", "five hours", 0.0005, sentence), lexicon) == "proposed"
    # the NLP stage gives both figures the sentence's look-ahead word as their qualifier: the clause after
    # 'but' still holds what happened
    after = figure("duration", "less than three hours", 0.0003, sentence, qualifier="expected")
    assert qualifier_of(after, lexicon) == ""


def test_a_figure_beyond_anothers_bound_is_no_close_approximation() -> None:
    """'less than three hours' (an upper bound, read as approximate) against 'four hours': the bound is
    broken, a confident conflict, not 'approximate and close'."""
    from datetime import UTC, datetime

    from monitor.detect.compare import compare
    from monitor.detect.state import EventState, HeldFact

    held = HeldFact(slot="duration:years", kind="duration", value="0.000342", number=0.000342, terms=["length"],
                    bound="upper", approximate=True, text="less than three hours",
                    quote="The talks in Vienna lasted less than three hours.", article_id="a")  # fmt: skip
    fact = HeldFact(slot="duration:years", kind="duration", value="0.000456", number=0.000456, terms=["length"],
                    text="four hours", quote="The talks in Vienna lasted four hours.", article_id="b")  # fmt: skip
    now = datetime(2021, 6, 16, tzinfo=UTC)
    event = EventState(id="e", title="talks", first_published=now, last_published=now, facts=[held])
    found = compare(event, [fact])
    assert [(f.kind, f.confidence >= 0.5) for f in found] == [("conflict", True)], found


def test_a_figure_within_one_bound_still_conflicts_with_another_bound_it_breaks() -> None:
    """'four hours' fits an earlier 'nearly four hours' but breaks another report's 'less than three
    hours': a bound pins no value, so fitting it does not make the figure 'the same again'; the conflict is
    with the bound it breaks. A figure fitting every bound is no conflict."""
    from datetime import UTC, datetime

    from monitor.detect.compare import compare
    from monitor.detect.state import EventState, HeldFact

    def length(value: float, text: str, article: str, bound: str = "") -> HeldFact:
        return HeldFact(slot="duration:years", kind="duration", value=f"{value:g}", number=value,
                        terms=["length"], bound=bound, approximate=bool(bound), text=text,
                        quote=f"The talks in Lima lasted {text}.", article_id=article)  # fmt: skip

    loose = length(0.000456, "nearly four hours", "a", "upper")
    tight = length(0.000342, "less than three hours", "b", "upper")
    now = datetime(2023, 3, 2, tzinfo=UTC)
    event = EventState(id="e", title="talks", first_published=now, last_published=now, facts=[loose, tight])
    found = compare(event, [length(0.000456, "four hours", "c")])
    assert [(f.kind, f.held and f.held.text) for f in found] == [("conflict", "less than three hours")], found
    calm = EventState(id="e", title="talks", first_published=now, last_published=now, facts=[loose])
    assert compare(calm, [length(0.000456, "four hours", "c")]) == []
