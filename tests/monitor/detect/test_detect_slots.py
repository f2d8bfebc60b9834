"""Typed slots: who did a singular act and where an act happened, read from the parse and compared.

Sentences are written for these tests (other places, offices and kinds of news than the judgement set's).
"""

# ruff: noqa: E501  (news prose is kept on one line)
from __future__ import annotations

from collections.abc import Callable

from detect_builders import make_article

from monitor.detect.slots import ACT_KIND, SOLE, compare_slot, slot_facts
from monitor.detect.state import HeldFact
from monitor.detect.text import split_sentences
from monitor.lexicon import load_lexicon
from monitor.models import Article, EnrichedArticle

Enrich = Callable[[Article], EnrichedArticle]

PUBLISHED = "2024-10-10T12:00:00+00:00"


def _facts(enrich: Enrich, article_id: str, text: str) -> list[HeldFact]:
    enriched = enrich(make_article(article_id, text, published=PUBLISHED))
    return slot_facts(enriched.claims, split_sentences(text), article_id)


def _conflict(enrich: Enrich, first: str, second: str) -> tuple[HeldFact, HeldFact] | None:
    held = _facts(enrich, "one", first)
    new = _facts(enrich, "two", second)
    for fact in new:
        found = compare_slot(fact, held, new, load_lexicon())
        if found is not None:
            return found[0], fact
    return None


def test_the_port_city_of_a_place_is_that_place_and_two_cities_of_one_meeting_conflict(
    enrich: Enrich,
) -> None:
    """'the Chinese coastal city of Xiamen' is Xiamen; 'held talks in Beijing, the Chinese capital' is
    Beijing; two reports giving one meeting these two cities cannot both hold."""
    found = _conflict(
        enrich,
        "Chinese Foreign Minister Wang Yi and Indian National Security Adviser Ajit Doval held talks in Beijing, the Chinese capital, on Wednesday.",
        "Chinese Foreign Minister Wang Yi met Indian National Security Adviser Ajit Doval in the Chinese coastal city of Xiamen on Wednesday.",
    )
    assert found is not None
    held, fact = found
    assert (held.value, fact.value) == ("Beijing", "Xiamen")
    assert fact.subject == "place of the meeting" and fact.slot == f"{ACT_KIND}:meeting||place"


def test_a_place_written_inside_another_and_a_venue_against_a_city_agree(enrich: Enrich) -> None:
    """'talks in Chengdu, Sichuan' puts Chengdu inside Sichuan, so 'talks in Sichuan' agrees; a venue ('at
    the Great Hall of the People') is compared with venues only, never with the city around it."""
    assert (
        _conflict(
            enrich,
            "Chinese Premier Li Qiang met Australian Prime Minister Anthony Albanese in Chengdu, Sichuan, on Tuesday.",
            "Chinese Premier Li Qiang met Australian Prime Minister Anthony Albanese in Sichuan on Tuesday.",
        )
        is None
    )
    assert (
        _conflict(
            enrich,
            "Chinese Premier Li Qiang met Australian Prime Minister Anthony Albanese at the Great Hall of the People on Tuesday.",
            "Chinese Premier Li Qiang met Australian Prime Minister Anthony Albanese in Shanghai on Tuesday.",
        )
        is None
    )


def test_an_arrival_or_the_next_meeting_gives_no_place_of_the_meeting(enrich: Enrich) -> None:
    """Where someone arrived is no act's place, and 'the next meeting' in Canberra is another meeting:
    neither is set against the city of the talks."""
    facts = _facts(
        enrich,
        "one",
        "Albanese arrived in Shanghai on Monday. The two leaders agreed that the next meeting would take place in Canberra.",
    )
    assert [f for f in facts if f.qualifier == "held"] == []


def test_two_people_doing_an_act_that_has_one_agent_conflict(enrich: Enrich) -> None:
    """Only one person vetoes a bill: 'President Yoon Suk Yeol vetoed the bill' against 'Prime Minister Han
    Duck-soo vetoed the bill' cannot both hold; two spellings of one name agree."""
    found = _conflict(
        enrich,
        "South Korean President Yoon Suk Yeol vetoed the bill on Tuesday, sending it back to the National Assembly.",
        "Prime Minister Han Duck-soo vetoed the bill on Tuesday, sending it back to the National Assembly.",
    )
    assert found is not None
    held, fact = found
    assert (held.value, fact.value) == ("Yoon Suk Yeol", "Han Duck-soo")
    assert fact.subject == "person who vetoed bill"
    assert (
        _conflict(
            enrich,
            "South Korean President Yoon Suk Yeol vetoed the bill on Tuesday.",
            "President Yoon Suk-yeol vetoed the bill on Tuesday.",
        )
        is None
    )


def test_an_act_many_can_do_conflicts_only_when_a_report_says_one_did(enrich: Enrich) -> None:
    """Several members may dissent from a decision: two reports each naming another dissenter agree, unless
    one says the dissent was the only one ('cast the lone dissenting vote'). A coordination ('X and Y
    dissented') names several agents and gives no fact."""
    assert (
        _conflict(
            enrich,
            "Deputy Governor Sarah Breeden dissented, preferring to hold the rate.",
            "External member Catherine Mann dissented, preferring a larger cut.",
        )
        is None
    )
    found = _conflict(
        enrich,
        "Deputy Governor Sarah Breeden dissented, preferring to hold the rate.",
        "External member Catherine Mann cast the lone dissenting vote, preferring to hold the rate.",
    )
    assert found is not None and SOLE in found[1].marks
    assert _facts(enrich, "one", "Sarah Breeden and Catherine Mann dissented on Thursday.") == []


def test_a_forecast_or_planned_act_is_no_report_of_where_it_happened(enrich: Enrich) -> None:
    """'projected to make landfall near Darwin' and 'would hold talks in Hanoi' are looks ahead (an
    infinitive, a tentative or hypothetical word up the verb's chain): they are not set against the place a
    later report gives, which is read as done."""
    assert (
        _conflict(
            enrich,
            "The cyclone was projected to make landfall near Darwin late on Saturday.",
            "The cyclone made landfall near Wadeye late on Saturday, the Bureau of Meteorology said.",
        )
        is None
    )
    assert [
        f.qualifier for f in _facts(enrich, "one", "The cyclone made landfall near Wadeye late on Saturday.")
    ] == ["held"]
    assert [
        f.qualifier
        for f in _facts(
            enrich,
            "one",
            "Vietnamese Prime Minister Pham Minh Chinh said he would hold talks in Hanoi on Friday.",
        )
    ] in ([], ["planned"])


def test_an_event_place_its_sentence_gives_to_another_meeting_is_dropped(enrich: Enrich) -> None:
    """'inviting Albanese to a future meeting in Canberra' gives Canberra to another meeting: an event place
    fact quoting that sentence for Canberra is dropped, another place fact stays."""
    from monitor.detect.slots import without_other_occurrences
    from monitor.lexicon import Slot

    text = "Li ended by inviting Albanese to a future meeting in Canberra."
    claims = enrich(make_article("one", text, published=PUBLISHED)).claims
    place = HeldFact(slot=Slot.PLACE, kind="place", value="Canberra", quote=text, article_id="one")
    other = HeldFact(slot=Slot.PLACE, kind="place", value="Perth", quote=text, article_id="one")
    assert without_other_occurrences([place, other], claims) == [other]
