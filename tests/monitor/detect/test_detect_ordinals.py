"""Ordinal facts count a series named by its event kind, however the event is worded."""

from __future__ import annotations

from monitor.detect.ordinals import ordinal_facts
from monitor.detect.text import Sentence
from monitor.lexicon import load_lexicon


def _slots(text: str, profile: str | None = None) -> list[tuple[str, str]]:
    lexicon = load_lexicon()
    sentence = Sentence(index=0, start=0, end=len(text), text=text)
    return [
        (fact.slot, fact.value) for fact in ordinal_facts([sentence], "a", lexicon, lexicon.profile(profile))
    ]


def test_the_nth_time_two_people_met_counts_the_same_series_as_their_nth_meeting() -> None:
    """'the third time the two ministers have met this year' and 'her second meeting with him this year'
    count one series (the kind 'met' and 'meeting' both signal), so the two reports are compared."""
    times = _slots(
        "Footage showed Ms Wong greeting Mr Wang, the third time the two ministers have met this year."
    )
    meeting = _slots("Ms Wong flew to Beijing on Monday for her second meeting with Mr Wang this year.")
    assert times == [("ordinal:meet", "3")]
    assert meeting == [("ordinal:meet", "2")]


def test_an_event_word_in_another_clause_does_not_name_the_repeated_series() -> None:
    """'for a fourth straight time as it met in Lima': the meeting is where the decision was taken; the
    repetition is of the profile's own first kind (a rate decision), as in a report without the clause."""
    with_clause = _slots(
        "The central bank lowered its policy rate for a fourth straight time as it met in Lima on Thursday.",
        "policy-decision",
    )
    plain = _slots("The central bank lowered its policy rate for a fourth straight time.", "policy-decision")
    assert with_clause == plain
    assert with_clause and with_clause[0][0] != "ordinal:meet"
