"""The kind of event an article reports: its headline's news, else the kind it names most."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Sequence

from monitor.detect.text import fold
from monitor.lexicon import Lexicon, Profile, phrase_pattern
from monitor.models import CanonicalEntity

_CAUSE_REACH = 4  # words from a cause marker to the event word it makes a cause ('amid Myanmar quake')


def headline_kind(title: str, profile: Profile, lexicon: Lexicon) -> str | None:
    """The kind of event the headline reports: its first event word that is the news, not its cause.

    An event word right before another ('quake ceasefire', 'quake relief') qualifies the next one; one after a
    cause marker ('ceasefire following earthquake', 'building collapses amid quake') is why the news happened.
    A kind of weight 1 (a response: 'rescue efforts continue') is no event of its own: the article's news is
    then the kind it names most.
    """
    found = list(profile.trigger_pattern.finditer(title))
    for index, match in enumerate(found):
        following = found[index + 1] if index + 1 < len(found) else None
        if following is not None and not title[match.end() : following.start()].strip():
            continue  # a modifier of the next event word
        before = title[found[index - 1].end() if index else 0 : match.start()].split()[-_CAUSE_REACH:]
        if lexicon.language.cause.search(" ".join(before)):
            continue
        kind = profile.kind_of(match.group(0))
        if kind is not None and profile.kind_rank[kind.noun][0] > 1:
            return kind.noun
    return None


def event_noun(text: str, profile: Profile) -> str:
    """The noun naming the event: the profile's event kind mentioned most, weighted by the kind's weight."""
    counts: Counter[str] = Counter()
    for match in profile.trigger_pattern.finditer(text):
        found = profile.kind_of(match.group(0))
        if found is not None:
            counts[found.noun] += 1
    if not counts:
        return "event"
    rank = profile.kind_rank
    return max(counts, key=lambda noun: (counts[noun] + rank[noun][0] - 1, -rank[noun][1]))


_CALENDAR = frozenset(fold(name) for name in (*calendar.day_name, *calendar.month_name) if name)
_WORD = re.compile(r"[\w][\w'’\-]*")
_APPLIES_WORDS = 3  # a measure's object: at most this many words ('battery electric vehicles')


def applies_to(texts: Sequence[str], profile: Profile, lexicon: Lexicon) -> str:
    """What a measure applies to, from the first of ``texts`` naming it: the profile's ``applies_to`` word
    right after an event word ('probe into EU brandy', 'duties on Chinese-made EVs'), then the goods, less
    leading ``applies_skip`` words and the places qualifying them ('EU', 'French'), up to an
    ``applies_stop`` word: 'into brandy', 'on EVs'. Empty where the profile names no such words."""
    if not profile.applies_to:
        return ""
    after = re.compile(rf"^\s+({phrase_pattern(profile.applies_to).pattern})\s+", re.IGNORECASE)
    skip = re.compile(rf"^(?:{phrase_pattern(profile.applies_skip).pattern})\s+", re.IGNORECASE)
    stop = {fold(word) for word in (*profile.applies_stop, *profile.applies_to)}
    for text in texts:
        for trigger in profile.trigger_pattern.finditer(text):
            marker = after.match(text[trigger.end() :])
            if marker is None:
                continue
            rest = text[trigger.end() + marker.end() :]
            while (skipped := skip.match(rest)) is not None:
                rest = rest[skipped.end() :]
            words: list[str] = []
            words_end = 0
            for found in _WORD.finditer(rest):
                word = found.group(0)
                participle = word[:1].islower() and len(word) > 4 and word.endswith("ed")  # 'received'
                if fold(word) in stop or participle or (words and rest[words_end : found.start()].strip()):
                    break
                words.append(word)
                words_end = found.end()
            words = [w for w in words if not _qualifier(w, lexicon)][:_APPLIES_WORDS]
            common = [w for w in words if w[:1].islower()]
            goods = common or [w for w in words[-1:] if fold(w) not in _CALENDAR]
            if goods:
                return f"{marker.group(1).lower()} {' '.join(goods)}"
    return ""


def _qualifier(word: str, lexicon: Lexicon) -> bool:
    """A place word qualifying goods: a country, a body or a demonym ('EU', 'French', 'Chinese-made')."""
    places = lexicon.places
    base = re.sub(r"-(?:made|built|produced|origin)$", "", word, flags=re.IGNORECASE)
    folded = fold(base)
    bodies = {fold(name) for body in places.data.bodies for name in (body.name, *body.aliases)}
    return places.country(base) is not None or folded in places.demonyms() or folded in bodies


def organiser(texts: Sequence[str], profile: Profile, names: Sequence[str]) -> str:
    """The organisation an event is named after, right before its word in the first of ``texts`` naming
    one ('the ITV debate', 'the APEC summit'): one of ``names`` (organisations the article names that are
    neither the storyline's nor the event's participants). Empty when none is."""
    forms = sorted({name for name in names if name.strip()}, key=lambda name: (-len(name), name))
    if not forms:
        return ""
    before = re.compile(rf"(?<![\w-])({'|'.join(re.escape(form) for form in forms)})(?:'s|’s)?\s+$")
    for text in texts:
        for trigger in profile.trigger_pattern.finditer(text):
            found = before.search(text[max(0, trigger.start() - 60) : trigger.start()])
            if found is not None:
                return found.group(1)
    return ""


def event_name(texts: Sequence[str], entities: Sequence[CanonicalEntity], profile: Profile, noun: str) -> str:
    """The name the reports give an event of kind ``noun``: an event the NLP read ('Typhoon Haiyan', 'Storm
    Boris') whose first word is one of the kind's words, the one the first of ``texts`` (headline, lead)
    names first. Empty when none is named there."""
    names = {
        name
        for entity in entities
        if entity.label == "EVENT"
        for name in (entity.name, *entity.surface_forms)
        if len(name.split()) > 1
        and (kind := profile.kind_of(name.split()[0])) is not None
        and kind.noun == noun
    }
    for text in texts:
        found = [
            (m.start(), name)
            for name in names
            if (m := re.search(rf"(?<![\w-]){re.escape(name)}(?!\w)", text))
        ]
        if found:
            return min(found)[1]
    return ""
