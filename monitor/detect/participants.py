"""Who met: the article's own participants, and rival accounts of the same meeting.

A *rival* account is a sentence that places a meeting at the event's place on
the event's day but names other people ("A crucial meeting took place in Tokyo
today, August 23, 2025, between Toshihiro Nikai ... and Lee Jong-seok"). It is
compared with the participants held for the event: disjoint people are a
low-confidence participants conflict, since two meetings can share a city and
a day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor.detect.dates import ArticleDates
from monitor.detect.state import HeldFact
from monitor.detect.text import Sentence, fold, term_pattern
from monitor.lexicon import Lexicon, Profile, Slot
from monitor.models import CanonicalEntity

SLOT = Slot.PARTICIPANTS.value


_PARENS = re.compile(r"\([^)]*\)")


def people_in(text: str, persons: Sequence[CanonicalEntity], lexicon: Lexicon) -> list[CanonicalEntity]:
    """People a sentence names outside parentheses; a bare 'Lee' inside 'Lee Jong-seok' is Lee Jong-seok."""
    text = _PARENS.sub(" ", text)
    spans: list[tuple[int, int, str, bool]] = []
    for entity in persons:
        for form in {entity.name, *entity.surface_forms}:
            if form.strip():
                multi = " " in form.strip() or "-" in form
                spans.extend(
                    (m.start(), m.end(), entity.id, multi) for m in term_pattern(form).finditer(text)
                )
    long_spans = [(start, end, pid) for start, end, pid, multi in spans if multi]
    found: set[str] = set()
    for start, end, pid, multi in spans:
        if lexicon.language.former.search(text[max(0, start - 40) : start]):
            continue  # 'former Prime Minister Shinzo Abe' is mentioned, not meeting
        inside_other = any(s <= start and end <= e and other != pid for s, e, other in long_spans)
        if multi or not inside_other:
            found.add(pid)
    return [entity for entity in persons if entity.id in found]


def own_participants(
    article_id: str,
    sentences: Sequence[Sentence],
    chosen: Sequence[CanonicalEntity],
    profile: Profile,
    lexicon: Lexicon,
) -> list[HeldFact]:
    """The article's participants, quoted from the first sentence naming two of them."""
    if len(chosen) < 2:
        return []
    for sentence in sentences:
        named = people_in(sentence.text, chosen, lexicon)
        if len(named) >= 2 and profile.trigger_pattern.search(sentence.text):
            ids = sorted(entity.id for entity in named)
            return [
                HeldFact(
                    slot=SLOT,
                    kind="participants",
                    value=", ".join(sorted(e.name for e in named)),
                    terms=ids,
                    text=", ".join(sorted(e.name for e in named)),
                    quote=sentence.text,
                    article_id=article_id,
                )
            ]
    return []


def rival_participants(
    article_id: str,
    sentences: Sequence[Sentence],
    persons: Sequence[CanonicalEntity],
    chosen: Sequence[CanonicalEntity],
    places: Sequence[CanonicalEntity],
    dates: ArticleDates,
    profile: Profile,
    lexicon: Lexicon,
) -> list[HeldFact]:
    """Meetings on a stated day and place between people who are not the article's participants."""
    mine = {entity.id for entity in chosen}
    facts: list[HeldFact] = []
    for sentence in sentences:
        if not profile.trigger_pattern.search(sentence.text):
            continue
        named = people_in(sentence.text, persons, lexicon)
        if len(named) < 2 or any(entity.id in mine for entity in named):
            continue
        days = [found.value for found in dates.in_sentence(sentence) if found.explicit]
        where = [
            place.name
            for place in places
            if any(
                re.search(rf"\bin\s+{re.escape(form)}\b", sentence.text)
                for form in {place.name, *place.surface_forms}
            )
        ]
        if not days or not where:
            continue
        names = ", ".join(sorted(entity.name for entity in named))
        facts.append(
            HeldFact(
                slot=SLOT,
                kind="participants",
                value=names,
                terms=sorted(entity.id for entity in named),
                subject=f"{fold(where[0])}|{days[0].isoformat()}",
                explicit=False,
                text=names,
                quote=sentence.text,
                article_id=article_id,
            )
        )
    return facts


def _head_word(name: str) -> str:
    """An organisation's short name: 'Bank' of 'Bank of England' and of 'European Central Bank'."""
    words = name.split(" of ")[0].split()
    return words[-1] if words else name


def without_own_bodies(
    weighted: list[tuple[float, CanonicalEntity]], sentences: Sequence[Sentence]
) -> list[tuple[float, CanonicalEntity]]:
    """Drop an organisation the article names as another participant organisation's own body ('The Bank's
    nine-member Monetary Policy Committee', "the ECB's Governing Council"): it is part of that actor, not a
    second party. People are never dropped ("Kishida's counterpart Yoon" names a second party)."""
    orgs = [entity for _, entity in weighted if entity.label == "ORG"]
    owned: set[str] = set()
    for body in orgs:
        body_forms = "|".join(re.escape(form) for form in sorted({body.name, *body.surface_forms}, key=len))
        for owner in orgs:
            if owner.id == body.id or owner.id in owned:
                continue
            owner_forms = {owner.name, *owner.surface_forms, _head_word(owner.name)}
            owner_alt = "|".join(re.escape(form) for form in sorted(owner_forms, key=len, reverse=True))
            pattern = re.compile(rf"\b(?:{owner_alt})(?:'s|’s)\s+(?:[\w-]+\s+){{0,3}}(?:{body_forms})\b")
            if any(pattern.search(sentence.text) for sentence in sentences):
                owned.add(body.id)
                break
    kept = [(weight, entity) for weight, entity in weighted if entity.id not in owned]
    best = max((weight for weight, _ in kept), default=1.0)
    return [(weight / best, entity) for weight, entity in kept] if owned else weighted


_REACH = 3  # words from a cause marker to the event word it introduces ('for Biden's meeting with Xi')


def own_part(text: str, profile: Profile, lexicon: Lexicon) -> str:
    """The part of a sentence about its own event: where it names an event ('A meeting between Yellen and
    He', 'her talks') and then, after a cause marker, another one ('paving the way for the meeting between
    Biden and Xi', 'after the G7 summit with Biden'), the text from that marker on is the other event's."""
    triggers = profile.trigger_pattern
    for marker in lexicon.language.cause.finditer(text):
        if not triggers.search(text[: marker.start()]):
            continue
        after = " ".join(text[marker.end() :].split()[:_REACH])
        if triggers.search(after):
            return text[: marker.start()]
    return text
