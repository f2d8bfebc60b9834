"""Who holds a named office in a report: 'NATO Secretary General Mark Rutte', 'Russian Foreign Minister
Sergei Lavrov'.

A person named right after a capitalised title that holds one of the lexicon's ``role_words`` and names a
country of the article (a place or people entity: 'US', 'Russian') or an organisation by its acronym
('NATO') gives a fact in the slot ``role:<title>``, its value the person. Within one event an office has
one holder, so two reports naming different people (no word of their names alike) for one title conflict.
A bare title ('President Donald Trump', 'Foreign Minister …') names no country and gives no fact: two
countries' presidents are not one office. A title after a former marker ('former', 'then-') is someone's
past office.
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
                    if (
                        not title
                        or not language.role.search(title)
                        or language.former.search(lead)
                        or not _qualified(title, entities)
                    ):
                        continue
                    names = _name_words(form)
                    key = (fold(title), " ".join(names))
                    found.setdefault(
                        key,
                        HeldFact(
                            slot=f"{ROLE_KIND}:{fold(title)}", kind=ROLE_KIND, value=form, terms=names,
                            subject=title, text=f"{title} {form}", quote=text, article_id=article_id,
                        ),
                    )  # fmt: skip
    return list(found.values())
