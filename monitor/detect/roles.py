"""Who holds a named office in a report: 'NATO Secretary General Mark Rutte', 'Russian Foreign Minister
Sergei Lavrov'.

A person named right after a capitalised title that holds one of the lexicon's ``role_words`` and names a
country of the article (a place or people entity: 'US', 'Russian') or an organisation by its acronym
('NATO') gives a fact in the slot ``role:<title>``, its value the person. Within one event an office has
one holder, so two reports naming different people (no word of their names alike) for one title conflict.
A one-word bare title ('President Donald Trump') names no country and gives no fact: two countries'
presidents are not one office. A longer bare title ('Secretary of State Antony Blinken') gives a fact marked
``bare``: it stands for the event's one qualified office it ends ('US Secretary of State') when the event has
exactly one such office, and its holder is none of the event's participants. A title after a former
marker ('former', 'then-') is someone's past office.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from monitor.detect.state import HeldFact
from monitor.detect.text import Sentence, fold, term_pattern
from monitor.lexicon import Lexicon
from monitor.models import CanonicalEntity

ROLE_KIND = "role"
BARE = "bare"  # a title naming no country ('Secretary of State …'): compared only with one office it ends
_TITLE = re.compile(r"((?:(?:[A-Z][\w.’'&-]*|of|for)\s+){1,6})$")
_QUALIFIER_LABELS = frozenset({"GPE", "NORP"})  # an ORG inside a title is often the title ("State")
_ACRONYM = re.compile(r"^[A-Z]{2,}$")


def _qualified(title: str, entities: Sequence[CanonicalEntity]) -> bool:
    """True when the title names a country, its people or an organisation's acronym ('US', 'Russian',
    'NATO')."""
    if any(_ACRONYM.match(word.strip(".")) for word in title.split()):
        return True
    return any(
        term_pattern(form).search(title)
        for entity in entities if entity.label in _QUALIFIER_LABELS
        for form in {entity.name, *entity.surface_forms} if form.strip()
    )  # fmt: skip


_NAME_WORD = re.compile(r"[^\W\d_]{3,}")
SAME_NAME = 0.8  # how alike two name words are when one is the other's spelling ('Zelensky', 'Zelenskiy')


def _name_words(name: str) -> list[str]:
    """The folded words of a name ('Yoon Suk-yeol' -> yoon, suk, yeol); suffixes like 'Jr' are too short."""
    return [word for word in _NAME_WORD.findall(fold(name)) if len(word) >= 3]


def same_person(first: Sequence[str], second: Sequence[str]) -> bool:
    """True when two names share a word, however spelt ('Volodymyr Zelensky', 'Volodymyr Zelenskiy'): two
    spellings of one person are no conflict."""
    return any(SequenceMatcher(None, one, other).ratio() >= SAME_NAME for one in first for other in second)


def role_facts(
    sentences: Sequence[Sentence], entities: Sequence[CanonicalEntity], article_id: str, lexicon: Lexicon
) -> list[HeldFact]:
    """Office holders the event's sentences name, one fact per (title, person)."""
    language = lexicon.language
    people = [entity for entity in entities if entity.label == "PERSON"]
    found: dict[tuple[str, str], HeldFact] = {}
    for sentence in sentences:
        text = sentence.text
        for person in people:
            forms = sorted({f for f in (person.name, *person.surface_forms) if len(f.split()) >= 2}, key=len)
            for form in reversed(forms):
                for match in term_pattern(form).finditer(text):
                    title_match = _TITLE.search(text[: match.start()])
                    if title_match is None:
                        continue
                    words = title_match.group(1).split()
                    while words and words[0] in {"of", "for"}:
                        words.pop(0)
                    title = " ".join(words)
                    lead = text[max(0, title_match.start() - 12) : title_match.start() + len(title)]
                    if not title or not language.role.search(title) or language.former.search(lead):
                        continue
                    bare = not _qualified(title, entities)
                    if bare and len(words) < 2:
                        continue  # 'President …': too common a word to know the office from
                    names = _name_words(form)
                    key = (fold(title), " ".join(names))
                    found.setdefault(
                        key,
                        HeldFact(
                            slot=f"{ROLE_KIND}:{fold(title)}", kind=ROLE_KIND, value=form, terms=names,
                            subject=title, text=f"{title} {form}", quote=text, article_id=article_id,
                            qualifier=BARE if bare else "",
                        ),
                    )  # fmt: skip
    facts = list(found.values())
    return [fact for fact in facts if fact.qualifier != BARE or not _shared(fact, facts)]


def _shared(bare: HeldFact, facts: Sequence[HeldFact]) -> bool:
    """True when the report names another holder of a title ending the bare one: the bare title then names
    offices of several countries ('National Security Advisor' of both delegations)."""
    title = bare.slot.partition(":")[2]
    return any(
        fact is not bare
        and fact.slot.partition(":")[2].endswith(title)
        and not same_person(fact.terms, bare.terms)
        for fact in facts
    )


def office_of_bare(bare: HeldFact, held_facts: list[HeldFact], participants: list[str]) -> str | None:
    """The one qualified office of the event a bare title ends ('secretary of state' -> 'us secretary of
    state'); None when there are none or several, or the bare holder is an event participant or holds a
    qualified office himself."""
    title = bare.slot.partition(":")[2]
    offices = {
        held.slot for held in held_facts
        if held.kind == ROLE_KIND and held.qualifier != BARE and held.slot.endswith(f" {title}")
    }  # fmt: skip
    holders = [held.terms for held in held_facts if held.kind == ROLE_KIND and held.qualifier != BARE]
    if len(offices) != 1 or any(same_person(terms, bare.terms) for terms in holders):
        return None
    if any(same_person(bare.terms, [fold(word) for word in name.split()]) for name in participants):
        return None
    return offices.pop()


def same_office(fact: HeldFact, held_facts: list[HeldFact], participants: list[str]) -> list[HeldFact]:
    """The held facts naming the office of a role fact: its own slot, and bare titles standing for it (or,
    for a bare fact, the one qualified office it stands for, :func:`office_of_bare`)."""
    if fact.qualifier == BARE:
        office = office_of_bare(fact, held_facts, participants)
        return [held for held in held_facts if held.slot == office]
    return [held for held in held_facts if held.slot == fact.slot] + [
        held for held in held_facts
        if held.kind == ROLE_KIND and held.qualifier == BARE
        and office_of_bare(held, [*held_facts, fact], participants) == fact.slot
    ]  # fmt: skip
