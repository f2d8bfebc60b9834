"""Where an article places its event: place words, its dateline, a place written with the larger one."""

from __future__ import annotations

import re

from monitor.detect.dates import _nearest_kind as nearest_kind
from monitor.detect.text import Sentence, mentions, term_pattern
from monitor.lexicon import Lexicon, Profile
from monitor.models import CanonicalEntity

_NOT_A_LIST = (
    r"\b(?!\s*(?:,|and\b|or\b|&))"  # 'Seoul, Tokyo and Washington' is a list, not a town and its state
)


def prefer_contained(
    weights: dict[str, float], quotes: dict[str, str], places: list[CanonicalEntity], text: str
) -> None:
    """A place written with the larger place it lies in ('Woodside, California', 'Hualien, Taiwan') is where
    the event is: the article's other mentions of the larger place ('a summit in California') are the same
    place at a coarser grain, so they count for the smaller one, and the larger one counts half.

    ``weights`` (place name as shown -> weight) is updated in place, and the smaller place takes the larger
    one's sentence as its evidence (``quotes``) when it has none; lists of places are no such pair."""
    forms = {e.name: sorted({e.name, *e.surface_forms}, key=len, reverse=True) for e in places}
    keys = {name: next((f for f in (name, *forms[name]) if f in weights), None) for name in forms}
    named = [name for name, key in keys.items() if key is not None]
    for inner in named:
        for outer in named:
            inner_key, outer_key = keys[inner], keys[outer]
            if inner == outer or inner_key is None or outer_key is None or inner_key == outer_key:
                continue
            first = "|".join(re.escape(form) for form in forms[inner])
            second = "|".join(re.escape(form) for form in forms[outer])
            pair = re.compile(rf"(?<!,\s)(?<!\band\s)\b(?:{first}),\s+(?:{second}){_NOT_A_LIST}")
            if pair.search(text):
                weights[inner_key] += weights[outer_key]
                weights[outer_key] *= 0.5
                if outer_key in quotes:
                    quotes.setdefault(inner_key, quotes[outer_key])


_NAME = r"[A-Z][\w'.-]*"
_DATELINE = re.compile(rf"\s*({_NAME}(?:\s{_NAME}){{0,2}}),\s+({_NAME}(?:\s{_NAME})?)\s*[-–—(]")


def dateline_place(dateline: str, places: list[CanonicalEntity]) -> tuple[str, str] | None:
    """A dateline 'Woodside, California -' naming, before a known place, one the NLP stage did not read as a
    place: that smaller place and the known one it lies in (as the entity is named). None otherwise."""
    found = _DATELINE.match(dateline)
    if found is None:
        return None
    inner, outer = found.group(1), found.group(2)
    owner = next((e for e in places if outer in {e.name, *e.surface_forms}), None)
    if owner is None or any(inner in {e.name, *e.surface_forms} for e in places):
        return None
    return (inner.title() if inner.isupper() else inner), owner.name


def _situated(before: str, lexicon: Lexicon, profile: Profile) -> bool:
    """The word before a place's 'in' is a noun of a situation (the language's ``situation_words``: 'the
    fighting in', 'an Israeli strike in') that is none of the profile's own kinds of event (an incident's
    'ceasefire' is one): the place is the situation's, not the event's."""
    words = before.split()
    last = words[-1] if words else ""
    own = (kind := profile.kind_of(last)) is not None and kind.core
    return lexicon.language.situation.fullmatch(last) is not None and not own


_TITLED = re.compile(r"\sThe\s")  # a capital 'The' inside a sentence, before a name: a title of a work
_APPOSITION = r"the\s+(?:[\w-]+\s+)?\w+,\s+"  # 'in the Thai capital, Bangkok'


def event_place(
    places: list[CanonicalEntity],
    event_sentences: list[Sentence],
    participants: list[CanonicalEntity],
    dateline: str,
    lexicon: Lexicon,
    profile: Profile,
    noun: str = "",
) -> tuple[str | None, bool, str]:
    """Where the event happens: places after the profile's place words ('in', 'travel to') or before its
    event nouns ('Seoul summit') in event sentences; countries count half, being coarser than cities.

    Where events of different kinds are different events (``separate_kinds``), a place next to another
    kind's word is that event's ('a quake near Sagaing' in a report of a building's collapse in Bangkok)."""
    weights: dict[str, float] = {}
    quotes: dict[str, str] = {}
    before, after = profile.place_pattern_prefix, profile.place_pattern_suffix
    is_country = lexicon.places.is_country
    organisation = lexicon.language.organisation_name
    for entity in places:
        if organisation.search(entity.name):
            continue  # 'Asia-Pacific Economic Cooperation' is a gathering, not a place
        for form in sorted({entity.name, *entity.surface_forms}):
            name = re.escape(form)
            context = re.compile(rf"{before}\s+(?:{_APPOSITION}|the\s+)?{name}\b|\b{name}\s+{after}", re.I)
            shown = entity.name if is_country(form) or not is_country(entity.name) else form
            shown = shown.title() if shown.isupper() and len(shown) > 3 else shown  # a dateline's 'BEIJING'
            for sentence in event_sentences:
                found = context.search(sentence.text)
                if found and profile.separate_kinds and noun:
                    near = nearest_kind(sentence.text, found.start(), found.end(), profile)
                    found = None if near not in {"", noun} else found
                if found and _TITLED.search(found.group(0)) and not form.startswith("The "):
                    found = None  # 'reports in The Sun': a newspaper's (or a ship's) name, not a place
                if found and _situated(sentence.text[: found.start()], lexicon, profile):
                    found = None  # 'the hostage crisis in Gaza': where the crisis is, not the meeting
                if found:
                    weight = 3.0 if sentence.index < 3 else 1.0
                    near = sentence.text[max(0, found.start() - 25) : found.end()]
                    if profile.transit_pattern.search(near):
                        weight *= 0.3  # 'arrived in Washington for the Camp David summit'
                    if any(mentions(person, sentence.text) for person in participants):
                        weight *= 2.0
                    weights[shown] = weights.get(shown, 0.0) + weight
                    quotes.setdefault(shown, sentence.text)
            if term_pattern(form).search(dateline):
                weights[shown] = weights.get(shown, 0.0) + 2.0
    for name in list(weights):
        if is_country(name):
            weights[name] *= 0.5
    inside = dateline_place(dateline, places)  # 'Woodside, California -' with Woodside not read as a place
    if inside is not None:
        inner, outer = inside
        weights[inner] = 2.0 + weights.get(outer, 0.0)
        if outer in weights:
            weights[outer] *= 0.5
            if outer in quotes:
                quotes[inner] = quotes[outer]
    prefer_contained(weights, quotes, places, "\n".join([dateline, *(s.text for s in event_sentences)]))
    if not weights:
        return None, False, ""
    best = max(sorted(weights), key=lambda name: weights[name])
    return best, best in quotes, quotes.get(best, "")
