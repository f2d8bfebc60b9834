"""A bound word the NLP stage keeps inside a figure's text ('less than three hours') makes it a bound."""

from __future__ import annotations

import pytest
from detect_builders import figure

from monitor.detect.figures import figure_context
from monitor.lexicon import load_lexicon


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("less than three hours", "upper"),
        ("fewer than 40 minutes", "upper"),
        ("more than two hours", "lower"),
        ("at least 90 minutes", "lower"),
        ("two hours", ""),
    ],
)
def test_a_bound_word_inside_the_figure_makes_it_a_bound(text: str, bound: str) -> None:
    """'The presidents talked for less than three hours in Vienna' gives an upper bound, not three hours."""
    sentence = f"The presidents talked for {text} in Vienna on Tuesday."
    claim = figure("duration", text, 0.0003, sentence, unit="years", subject="talked")
    assert figure_context(claim, (), load_lexicon()).bound == bound
