"""Who takes part in an event: not an organisation's own body, nor the people of another event a sentence names."""

# ruff: noqa: E501  (news prose is kept on one line)

from __future__ import annotations

from monitor.detect.participants import own_part, without_own_bodies
from monitor.detect.text import Sentence
from monitor.lexicon import load_lexicon
from monitor.models import CanonicalEntity


def _entity(entity_id: str, name: str, label: str, *forms: str) -> CanonicalEntity:
    return CanonicalEntity(
        id=entity_id, name=name, label=label, known=True, count=1, surface_forms=(name, *forms), mentions=()
    )


def _sentences(*texts: str) -> list[Sentence]:
    return [Sentence(index=i, start=0, end=len(text), text=text) for i, text in enumerate(texts)]


BANK = _entity("bank-of-england", "Bank of England", "ORG", "BoE")
MPC = _entity("monetary-policy-committee", "Monetary Policy Committee", "ORG", "MPC")


def test_a_body_named_as_the_organisations_own_is_not_a_second_party() -> None:
    """LBC (1 Aug 2024): 'The Bank's nine-member Monetary Policy Committee' is the Bank of England's own
    committee, named by the bank's short name: the decision is the bank's alone."""
    sentences = _sentences(
        "The Bank of England has cut interest rates to 5% from a 16-year high of 5.25%.",
        "The Bank's nine-member Monetary Policy Committee voted on Thursday to bring borrowing costs down.",
    )
    kept = without_own_bodies([(1.0, BANK), (0.4, MPC)], sentences)
    assert [entity.id for _, entity in kept] == ["bank-of-england"]


def test_a_body_named_on_its_own_stays_and_people_are_never_owned() -> None:
    """A committee never written as the bank's stays a participant; and "Kishida's South Korean counterpart
    Yoon" names a second party, since people are never another's body."""
    apart = _sentences("The Monetary Policy Committee voted 5-4, the Bank of England said on Thursday.")
    assert len(without_own_bodies([(1.0, BANK), (0.4, MPC)], apart)) == 2
    kishida = _entity("fumio-kishida", "Fumio Kishida", "PERSON", "Kishida")
    yoon = _entity("yoon-suk-yeol", "Yoon Suk Yeol", "PERSON", "Yoon")
    talks = _sentences("Kishida's South Korean counterpart Yoon Suk Yeol welcomed him in Seoul on Sunday.")
    assert len(without_own_bodies([(1.0, kishida), (0.9, yoon)], talks)) == 2


def test_people_of_the_event_a_sentence_prepares_are_not_its_own() -> None:
    """ABC7 (11 Nov 2023): in 'A meeting between Yellen and He is paving the way for the meeting between Biden
    and Xi', Biden and Xi are the other meeting's; a trip 'for a summit with Yoon' names no event before the
    marker, so Yoon stays the sentence's own."""
    lexicon = load_lexicon()
    meeting = lexicon.profile("diplomatic-meeting")
    text = "A meeting between U.S. Treasury Secretary Janet Yellen and her Chinese counterpart, Vice Premier He Lifeng, is paving the way for the meeting between President Joe Biden and Chinese President Xi Jinping."
    own = own_part(text, meeting, lexicon)
    assert "Yellen" in own and "Biden" not in own and "Xi" not in own
    trip = "Japanese Prime Minister Fumio Kishida arrived in Seoul on Sunday for a summit with President Yoon Suk Yeol."
    assert own_part(trip, meeting, lexicon) == trip
