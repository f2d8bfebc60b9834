"""Typed slots: who did a singular act, where an act happened.

The NLP stage reads ``act`` claims from the dependency parse (:mod:`monitor.nlp.acts`): an act (the
lexicon's ``place_acts`` and ``single_agent_acts``, with the thing a verb acts on: 'dissolve|parliament'),
a role ('agent' or 'place') and its value (a person; a place, with the larger place it was written with).
Each claim of a sentence about the event gives a fact in the slot ``act:<act>|<object>|<role>``.

Two reports of one event conflict on a slot only when the act is the same, both report it done, and the
values are of the same type and cannot both hold: different people (no word of their names alike), or
places of which neither is written inside the other (by either report, or any held report of the event)
and neither is a country or a world region. A venue ('at the White House') is compared with venues only,
a town with towns. An act's noun naming another occurrence ('the next meeting') gives no fact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor.detect.roles import same_office, same_person
from monitor.detect.state import HeldFact
from monitor.detect.text import Sentence, fold, tokens
from monitor.lexicon import Lexicon, Slot
from monitor.models import Claim

ACT_KIND = "act"
WITHIN = "within:"  # a mark: the larger place a place was written with ('Key Largo in Monroe County')
SOLE = "sole"  # a mark: the report says the act had one agent
HELD = "held"
AGENT, PLACE = "agent", "place"
AGENT_CONFIDENCE = 0.75
PLACE_CONFIDENCE = 0.7


def _key(sentence: str) -> str:
    return fold(" ".join(sentence.split()))


def _label(act: str, what: str, role: str) -> str:
    """What the value is a value of, as the alert says it: 'person who dissolved parliament', 'person behind
    the dissent', 'place of the meeting'."""
    if role == AGENT:
        return f"person who {what.lower()}" if what != act else f"person behind the {act}"
    return f"place of the {act}"


def act_reason(fact: HeldFact) -> str:
    """Why two values of an act's slot cannot both hold: 'there is one person who dissolved parliament'."""
    act, _, role = fact.slot.removeprefix(f"{ACT_KIND}:").partition("|")
    if role.endswith(AGENT):
        return f"there is one {fact.subject}"
    return f"one {act} took place in one place"


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def current_before_reference(sentence: Sentence, year: int, lexicon: Lexicon) -> bool:
    """True when a sentence read as background is so only after a reference marker: its own act is current
    ('Steinmeier dissolved parliament on Friday, following the collapse of the government last month')."""
    marker = lexicon.language.reference.search(sentence.text)
    if marker is None:
        return False
    own = sentence.text[: marker.start()]
    years = {int(found) for found in _YEAR.findall(own)}
    return not lexicon.language.background.search(own) and years <= {year, year + 1}


def slot_facts(claims: Sequence[Claim], sentences: Sequence[Sentence], article_id: str) -> list[HeldFact]:
    """The facts of the act claims read from the given sentences (those about the event, not background)."""
    wanted = [_key(sentence.text) for sentence in sentences]
    facts: list[HeldFact] = []
    for claim in claims:
        value = claim.value
        if claim.kind != ACT_KIND or not isinstance(value, dict) or claim.qualifier == "other":
            continue
        quote = _key(claim.evidence.sentence)
        if not any(quote in text or text in quote for text in wanted):
            continue
        act, obj, role = (str(value.get(key) or "") for key in ("act", "object", "role"))
        name, label, within = str(value.get("name") or ""), str(value.get("label") or ""), value.get("within")
        if not (act and role and name):
            continue
        facts.append(
            HeldFact(
                slot=f"{ACT_KIND}:{act}|{obj}|{role}",
                kind=ACT_KIND,
                value=name,
                unit=label,
                subject=_label(act, claim.subject, role),
                qualifier=claim.qualifier,
                terms=tokens(name) if role == AGENT else [fold(name)],
                marks=[
                    *([f"{WITHIN}{fold(within)}"] if isinstance(within, str) and within else []),
                    *([SOLE] if value.get("sole") else []),
                ],
                text=name,
                quote=claim.evidence.sentence,
                article_id=article_id,
            )
        )
    return facts


def _within(fact: HeldFact) -> set[str]:
    return {mark.removeprefix(WITHIN) for mark in fact.marks if mark.startswith(WITHIN)}


def _same_place(one: HeldFact, other: HeldFact, pool: Sequence[HeldFact]) -> bool:
    """True when two places may be one: the same name, one part of the other's name, or one written inside
    the other by any report ('Anchorage, Alaska' makes Alaska hold Anchorage)."""
    first, second = fold(one.value), fold(other.value)
    if first in second or second in first:
        return True
    inside: dict[str, set[str]] = {}
    for fact in pool:
        if fact.kind == ACT_KIND and fact.slot.endswith(f"|{PLACE}"):
            inside.setdefault(fold(fact.value), set()).update(_within(fact))
    return second in inside.get(first, set()) or first in inside.get(second, set())


def compare_slot(
    fact: HeldFact, held_facts: Sequence[HeldFact], siblings: Sequence[HeldFact], lexicon: Lexicon
) -> tuple[HeldFact, float] | None:
    """The held fact the new one conflicts with, and how sure that is; None when they may both hold."""
    if fact.qualifier != HELD:
        return None
    same = [held for held in held_facts if held.slot == fact.slot and held.unit == fact.unit]
    if not same:
        return None
    pool = [*held_facts, *siblings]
    if fact.slot.endswith(f"|{AGENT}"):
        if any(same_person(held.terms, fact.terms) for held in same):
            return None
        same = [held for held in same if SOLE in held.marks or SOLE in fact.marks]  # else there may be more
        agree = AGENT_CONFIDENCE
    else:
        if lexicon.places.is_coarse(fact.value) or any(_same_place(fact, held, pool) for held in same):
            return None
        agree = PLACE_CONFIDENCE
    own = {fold(other.value) for other in siblings if other.slot == fact.slot}
    others = [
        held for held in same
        if held.article_id != fact.article_id and held.qualifier == HELD and fold(held.value) not in own
        and not lexicon.places.is_coarse(held.value)
    ]  # fmt: skip
    return (others[0], agree) if others else None


ROLE_CONFIDENCE = 0.8


def compare_role(
    fact: HeldFact, held_facts: Sequence[HeldFact], participants: list[str]
) -> tuple[HeldFact, float] | None:
    """One office ('NATO Secretary General') held by another person (no name word alike) in another report.

    A bare title stands for the event's one qualified office it ends (:func:`same_office`)."""
    same = same_office(fact, list(held_facts), participants)
    if not same or any(same_person(held.terms, fact.terms) for held in same):
        return None
    others = [held for held in same if held.article_id != fact.article_id]
    return (others[0], ROLE_CONFIDENCE) if others else None


def without_other_occurrences(facts: list[HeldFact], claims: Sequence[Claim]) -> list[HeldFact]:
    """The facts less an event place its own sentence gives to another occurrence of the act ('inviting
    Trump to a future meeting in Moscow'): that is the next meeting's place, not this one's."""
    elsewhere = {
        (fold(str(claim.value.get("name") or "")), _key(claim.evidence.sentence))
        for claim in claims
        if claim.kind == ACT_KIND and claim.qualifier == "other" and isinstance(claim.value, dict)
        and claim.value.get("role") == PLACE
    }  # fmt: skip
    if not elsewhere:
        return facts
    return [
        fact for fact in facts
        if not (fact.slot == Slot.PLACE and (fold(fact.value), _key(fact.quote)) in elsewhere)
    ]  # fmt: skip
