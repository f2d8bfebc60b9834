"""Rate moves: the size of a move however it is written, in basis points, and which decision it is of.

Sentences are written for these tests (other banks than the judgement set's).
"""

# ruff: noqa: E501  (news prose is kept on one line)
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from detect_builders import Timeline, make_article

from monitor.detect.moves import MOVE_SLOT, move_facts
from monitor.detect.text import Sentence
from monitor.lexicon import load_lexicon
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline
from monitor.storylines.config import load_storylines

PROBES = Path(__file__).resolve().parents[2] / "data" / "detect" / "probes" / "storylines.yaml"
BOE = "boe-rates"
DAY = date(2023, 2, 2)


def _moves(text: str, *, background: bool = False) -> list[tuple[str, float, str]]:
    sentence = Sentence(0, 0, len(text), text)
    current, old = ([], [sentence]) if background else ([sentence], [])
    return [
        (fact.slot, fact.number or 0.0, fact.qualifier)
        for fact in move_facts(current, old, "a", load_lexicon(), DAY)
    ]


@pytest.mark.parametrize(
    ("text", "size"),
    [
        (
            "The Reserve Bank of New Zealand cut its cash rate by a quarter point to 5.25 per cent on Thursday.",
            25.0,
        ),
        ("The central bank lowered rates by 25 basis points on Thursday.", 25.0),
        ("Policymakers approved a 0.25 percentage-point reduction in the key rate on Thursday.", 25.0),
        ("The bank raised interest rates by half a percentage point on Thursday.", 50.0),
        ("The Norwegian central bank delivered a 50-basis-point hike to its policy rate on Thursday.", 50.0),
        ("The bank lifted rates by 0.75%, its biggest move in three decades.", 75.0),
        ("Policymakers opted for a three-quarters of a percentage point rise in the policy rate.", 75.0),
    ],
)
def test_a_rate_move_is_read_in_basis_points_however_written(text: str, size: float) -> None:
    """'a quarter point', '25 basis points', '0.25 percentage-point', 'by 0.75%' after a rate move word are
    one measure: the move's size in basis points, of the event's own decision."""
    assert (MOVE_SLOT, size, "") in _moves(text)


@pytest.mark.parametrize(
    "text",
    [
        "The bank held its key rate at 4.5% on Thursday.",  # a rate's level, not a move
        "Unemployment rose by 0.3 percentage points to 4.1% in the quarter.",  # no rate moved
        "Retailers cut prices by 25% in the January sales.",  # a cut, but of no rate
    ],
)
def test_a_level_or_another_change_is_no_rate_move(text: str) -> None:
    """A rate's level ('held its key rate at 4.5%') or a change of something else is no move."""
    assert _moves(text) == []


def test_a_move_named_by_another_month_is_that_decisions_and_kept_from_background() -> None:
    """'a 50-basis-point increase in November' in a report of February's decision is November's move, kept
    even in a background sentence; the event's own move in background is not kept; a member who 'wanted' a
    bigger move gives a proposed size."""
    assert _moves("The bank had approved a 50-basis-point increase in November.", background=True) == [
        (f"{MOVE_SLOT}november", 50.0, "")
    ]
    assert _moves("The bank raised rates by 25 basis points.", background=True) == []
    assert _moves("Two members wanted a half-point rise in the key rate instead.") == [
        (MOVE_SLOT, 50.0, "proposed")
    ]


def test_an_unlikely_size_is_proposed_but_a_decision_as_expected_is_not() -> None:
    """'a 75-basis-point rise is seen as unlikely' is an expectation; 'raised rates by a quarter point to
    5.5% on Thursday, as had been widely expected by the markets' is the decision itself."""
    assert _moves("A bigger 75-basis-point rise in the key rate is seen as unlikely this month.") == [
        (MOVE_SLOT, 75.0, "proposed")
    ]
    decided = "The central bank raised rates by a quarter point to 5.5% on Thursday, as had been widely expected by the markets."
    assert _moves(decided) == [(MOVE_SLOT, 25.0, "")]


def _push(*reports: tuple[str, str, str, str]) -> Timeline:
    storylines = load_storylines(PROBES)
    nlp = load_pipeline(storylines)
    timeline = Timeline(storylines)
    for key, text, published, title in reports:
        article = make_article(key, text, published=published, source=key, title=title)
        timeline.push(enrich_batch(nlp, [article], storylines)[0])
    return timeline


FIRST = "The Bank of England raised interest rates by half a percentage point to 4 per cent on Thursday, its tenth rise in a row.\nThe Monetary Policy Committee said inflation had probably peaked.\n"


def test_two_sizes_of_one_move_worded_differently_conflict_confidently() -> None:
    """'by half a percentage point' against 'a 25 basis point rise' of the same decision is a confident
    conflict quoting the second sentence; 'by 50 basis points' agrees with it and raises none."""
    wrong = "The Bank of England approved a 25 basis point rise in Bank Rate on Thursday as inflation stayed high.\nThe Monetary Policy Committee voted for the increase.\n"
    timeline = _push(
        ("first", FIRST, "2023-02-02T13:00:00+00:00", "Bank of England raises rates to 4%"),
        ("second", wrong, "2023-02-02T18:00:00+00:00", "Bank of England lifts rates again"),
    )
    confident = [a for a in timeline.of(BOE, "conflict") if a.confidence >= 0.5]
    assert any(any("a 25 basis point rise" in e.quote for e in a.evidence) for a in confident), [
        a.summary for a in timeline.of(BOE, "conflict")
    ]
    same = "The Bank of England lifted Bank Rate by 50 basis points on Thursday as inflation stayed high.\nThe Monetary Policy Committee voted for the increase.\n"
    timeline = _push(
        ("first", FIRST, "2023-02-02T13:00:00+00:00", "Bank of England raises rates to 4%"),
        ("second", same, "2023-02-02T18:00:00+00:00", "Bank of England lifts rates again"),
    )
    assert not [a for a in timeline.of(BOE, "conflict") if a.confidence >= 0.5 and "move" in a.summary]


def test_a_size_economists_argued_over_is_their_estimate() -> None:
    """'settling a debate among economists, who had been divided over a 75 basis point rise' gives the
    economists' figure, an estimate: no confident conflict with the decided half point."""
    debate = "The Bank of England raised Bank Rate by half a percentage point on Thursday, settling a debate among economists, who had been divided over a 75 basis point rise.\nThe Monetary Policy Committee said inflation had probably peaked.\n"
    timeline = _push(
        ("first", FIRST, "2023-02-02T13:00:00+00:00", "Bank of England raises rates to 4%"),
        ("second", debate, "2023-02-02T18:00:00+00:00", "Bank of England lifts rates again"),
    )
    assert not [a for a in timeline.of(BOE, "conflict") if a.confidence >= 0.5], [
        a.summary for a in timeline.of(BOE, "conflict")
    ]


def test_a_percentage_that_is_a_moves_size_is_not_the_rates_level() -> None:
    """'lift the cash rate by 0.25% to 4.1%': 0.25% is the move (a move fact), only 4.1% is the rate's level."""
    from monitor.detect.moves import is_move_size

    sentence = "The board voted to lift the cash rate by 0.25% to 4.1% on Tuesday."
    assert is_move_size("0.25%", sentence, load_lexicon())
    assert not is_move_size("4.1%", sentence, load_lexicon())


def test_a_figure_someone_argued_for_is_a_proposal() -> None:
    """'one member argued for a cut to 3.5%' is that member's preference: the figure is qualified proposed."""
    from detect_builders import figure

    from monitor.detect.facts import qualifier_of

    sentence = "The board held the cash rate at 3.75%, while one member argued for a cut to 3.5%."
    claim = figure("percent", "3.5%", 3.5, sentence, unit="%")
    assert qualifier_of(claim, load_lexicon()) == "proposed"
