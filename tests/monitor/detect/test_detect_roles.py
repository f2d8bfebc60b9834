"""Office holders: within one event an office named with its country has one holder.

Sentences are written for these tests (other offices and countries than the judgement set's).
"""

# ruff: noqa: E501  (news prose is kept on one line)
from __future__ import annotations

from datetime import UTC, datetime

from monitor.detect.compare import compare
from monitor.detect.roles import BARE, ROLE_KIND, role_facts
from monitor.detect.state import EventState, HeldFact
from monitor.detect.text import Sentence
from monitor.lexicon import load_lexicon
from monitor.models import CanonicalEntity


def _entity(name: str, label: str, *forms: str) -> CanonicalEntity:
    return CanonicalEntity(
        id=name.casefold().replace(" ", "-"), name=name, label=label, known=False, count=1,
        surface_forms=(name, *forms), mentions=(),
    )  # fmt: skip


ENTITIES = (
    _entity("Penny Wong", "PERSON"),
    _entity("Julie Bishop", "PERSON"),
    _entity("Wang Yi", "PERSON"),
    _entity("Volodymyr Zelenskyy", "PERSON", "Volodymyr Zelensky"),
    _entity("Australian", "NORP"),
    _entity("Chinese", "NORP"),
    _entity("Ukrainian", "NORP"),
    _entity("State", "ORG"),
)


def _roles(text: str, article: str = "a") -> list[HeldFact]:
    return role_facts([Sentence(0, 0, len(text), text)], ENTITIES, article, load_lexicon())


def _event(held: list[HeldFact]) -> EventState:
    now = datetime(2024, 3, 20, tzinfo=UTC)
    return EventState(id="e", title="talks", first_published=now, last_published=now, facts=held)


def test_a_person_after_a_countrys_title_holds_that_office() -> None:
    """'Australian Foreign Minister Penny Wong' gives the office (the title, with its country) and its
    holder; the Chinese minister in the same sentence holds another office."""
    facts = _roles(
        "Australian Foreign Minister Penny Wong met Chinese Foreign Minister Wang Yi in Canberra on Wednesday."
    )
    assert {(f.slot, f.value) for f in facts} == {
        (f"{ROLE_KIND}:australian foreign minister", "Penny Wong"),
        (f"{ROLE_KIND}:chinese foreign minister", "Wang Yi"),
    }


def test_a_bare_or_former_title_gives_no_office() -> None:
    """'Foreign Minister Penny Wong' names no country: its fact is marked bare (two countries' ministers are
    not one office); an organisation spaCy finds inside a title ('State') is no country; a one-word bare
    title gives nothing; 'former Australian Foreign Minister Julie Bishop' held the office before."""
    assert [f.qualifier for f in _roles("Foreign Minister Penny Wong met her counterpart on Wednesday.")] == [
        BARE
    ]
    assert [f.qualifier for f in _roles("Secretary of State Penny Wong met her counterpart.")] == [BARE]
    assert _roles("Minister Penny Wong met her counterpart on Wednesday.") == []
    assert (
        _roles(
            "The talks were the first since former Australian Foreign Minister Julie Bishop visited Beijing."
        )
        == []
    )


def test_two_holders_of_one_office_conflict_but_two_spellings_of_one_do_not() -> None:
    """'Australian Foreign Minister Julie Bishop' in a report of talks another report gives to 'Australian
    Foreign Minister Penny Wong' is a conflict; 'Volodymyr Zelensky' and 'Volodymyr Zelenskyy' are one
    person spelt two ways."""
    held = _roles(
        "Australian Foreign Minister Penny Wong met Chinese Foreign Minister Wang Yi in Canberra on Wednesday."
    )
    wrong = _roles("Australian Foreign Minister Julie Bishop hosted Wang Yi in Canberra on Wednesday.", "b")
    findings = compare(_event(held), wrong)
    assert [(f.kind, f.fact.value, f.held and f.held.value) for f in findings] == [
        ("conflict", "Julie Bishop", "Penny Wong")
    ]
    assert findings[0].confidence >= 0.5
    spelt = _roles("Ukrainian President Volodymyr Zelensky spoke to both sides.", "c")
    other = _roles("Ukrainian President Volodymyr Zelenskyy spoke to both sides.", "d")
    assert spelt and other and compare(_event(spelt), other) == []


def test_a_bare_title_stands_for_the_events_one_office_it_ends() -> None:
    """'led by Foreign Minister Julie Bishop' in a report of talks another report gives to 'Australian Foreign
    Minister Penny Wong' conflicts, as long as the event has one foreign minister's office named with its
    country. With two such offices (the Chinese one too) the bare title is ambiguous; so it is when its own
    report names two bare holders of the title (each delegation's), or when it is an event participant."""
    held = _roles("Australian Foreign Minister Penny Wong opened the talks in Canberra on Wednesday.")
    wrong = _roles("The delegation was led by Foreign Minister Julie Bishop, officials said.", "b")
    findings = compare(_event(held), wrong)
    assert [(f.kind, f.fact.value, f.held and f.held.value) for f in findings] == [
        ("conflict", "Julie Bishop", "Penny Wong")
    ]
    reverse = compare(_event(wrong), held)
    assert [(f.kind, f.fact.value, f.held and f.held.value) for f in reverse] == [
        ("conflict", "Penny Wong", "Julie Bishop")
    ]
    both = _roles(
        "Australian Foreign Minister Penny Wong met Chinese Foreign Minister Wang Yi in Canberra on Wednesday."
    )
    assert compare(_event(both), wrong) == []
    two = _roles("Foreign Minister Julie Bishop and Foreign Minister Wang Yi spoke to reporters.", "c")
    assert compare(_event(held), two) == []
    event = _event(held)
    event.names = {"julie-bishop": "Julie Bishop"}
    assert compare(event, wrong) == []
