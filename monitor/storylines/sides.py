"""Who an article is about: the storyline's sides named in its lead.

A *side* of a storyline is a country or international body it lists (with every
name news uses for it: aliases, demonyms, capital, short forms) or one of its
people. A person named with a country ("Japanese Prime Minister Fumio
Kishida", "Japan's Kishida") stands for that country; a person named alone
counts as a side of their own.

News of relations between countries is about the sides its lead names: a
report whose headline and first sentence name one side of a storyline and a
third country (one side's leader meeting someone else, another country's
tariffs on the same goods) is another story, even when the other side is
mentioned further down.

Place names are found longest first, so a short form ("Korea") counts only
where no longer name ("North Korea") covers it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from itertools import pairwise

from monitor.detect.text import Sentence, fold, term_pattern
from monitor.lexicon import load_lexicon
from monitor.storylines.config import Storyline

_PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "ORG"})
# A person's qualifier: a place name, then at most four capitalised words (titles, given names).
_QUALIFIER_GAP = re.compile(r"^(?:'s|’s)?(?:[^\S\n]+[A-Z][\w.\-]*){0,4}[^\S\n]+$")
# A place qualifying a person: the place, then one to four capitalised words ("U.S. President Joe Biden").
_QUALIFIES = re.compile(r"^(?:'s|’s)?(?:[^\S\n]+[A-Z][\w.\-]*){1,4}")
_WINDOW = 60
# Between a person's name and a word making it a modifier: a possessive, at most one capitalised word.
_NAMESAKE_GAPS = (
    re.compile(r"(?:'s|’s)?[^\S\n]+[A-Z][\w.\-]*[^\S\n]+"),
    re.compile(r"(?:'s|’s)?[^\S\n]+"),
)


def _namesake(text: str, end: int) -> bool:
    """The name ending at ``end`` modifies someone acting for them ('the Trump administration', "President
    Biden's special envoy": the language's ``namesake_words``): the person is not there."""
    namesake = load_lexicon().language.namesake
    return any(
        namesake.match(text, gap.end()) is not None
        for gap in (pattern.match(text, end) for pattern in _NAMESAKE_GAPS)
        if gap is not None
    )


def present(patterns: Sequence[re.Pattern[str]], text: str) -> bool:
    """One of a person's names is in the text as the person, not as a modifier (:func:`_namesake`)."""
    return any(not _namesake(text, m.end()) for pattern in patterns for m in pattern.finditer(text))


def _forms_pattern(forms: Sequence[str]) -> re.Pattern[str]:
    parts = sorted({form.strip() for form in forms if form.strip()}, key=lambda f: (-len(f), f))
    body = "|".join(r"[\s\-‐–]+".join(re.escape(w) for w in part.split()) for part in parts)
    return re.compile(rf"(?<!\w)(?:{body})s?(?!\w)")


@lru_cache(maxsize=1)
def _known_places() -> dict[str, str]:
    """Every form of every country and body of the lexicon -> its place name (first listing wins)."""
    places = load_lexicon().places.data
    forms: dict[str, str] = {}
    for country in places.countries:
        names = [country.name, *country.aliases, *country.demonyms, *country.short_forms]
        if country.capital:
            names += [country.capital, country.capital.split(",")[0]]
        for name in names:
            forms.setdefault(name, country.name)
    for body in places.bodies:
        for name in (body.name, *body.aliases):
            forms.setdefault(name, body.name)
    for region in places.regions:
        forms.setdefault(region, "")  # no side: it covers a country's name inside it ('South China Sea')
    return forms


def _place_of(name: str) -> str | None:
    places = load_lexicon().places
    country = places.country(name)
    if country is not None:
        return country.name
    folded = fold(name)
    for body in places.data.bodies:
        if folded in {fold(form) for form in (body.name, *body.aliases)}:
            return body.name
    return None


@lru_cache(maxsize=256)
def _storyline_places(storyline: Storyline) -> tuple[re.Pattern[str], dict[str, str], frozenset[str]]:
    """The place pattern for one storyline, folded form -> place, and the storyline's own places."""
    forms: dict[str, str] = {}
    own: set[str] = set()
    for spec in storyline.entities:
        place = _place_of(spec.name) if spec.label in _PLACE_LABELS else None
        if place is None:
            continue
        own.add(place)
        for name in (spec.name, *spec.aliases):
            forms.setdefault(name, place)
    for name, place in _known_places().items():
        forms.setdefault(name, place)
    folded = {fold(name): place for name, place in forms.items()}
    return _forms_pattern(list(forms)), folded, frozenset(own)


def _place_at(match: re.Match[str], folded: dict[str, str]) -> str | None:
    text = " ".join(re.split(r"[\s\-‐–]+", match.group(0)))
    return folded.get(fold(text)) or folded.get(fold(text[:-1])) or None


def own_places(storyline: Storyline) -> frozenset[str]:
    """The countries and bodies a storyline lists."""
    return _storyline_places(storyline)[2]


def places_in(storyline: Storyline, text: str) -> set[str]:
    """The storyline's own places a text names."""
    pattern, folded, own = _storyline_places(storyline)
    return {place for m in pattern.finditer(text) if (place := _place_at(m, folded)) in own}


_NOT_SIDE_REACH = 4  # words from a 'not a side' marker to its country ('against a resurgent China')


_POSSESSIVE = re.compile(r"(?:'s|’s)?\s+")


def _envoy_of(head: str, m: re.Match[str]) -> bool:
    """The place ``m`` qualifies a person whose name modifies someone acting for them ("US President Donald
    Trump's special envoy")."""
    person = _QUALIFIES.match(head[m.end() :])
    return person is not None and _namesake(head, m.end() + person.end())


def _sent_envoys(storyline: Storyline, head: str) -> set[str]:
    """The storyline's places the lead names only through someone acting for their leader: a person named
    alone does not stand for them (the envoy's host is the other side)."""
    pattern, folded, own = _storyline_places(storyline)
    return {
        place for m in pattern.finditer(head) if (place := _place_at(m, folded)) in own and _envoy_of(head, m)
    }


def _acting_places(storyline: Storyline, head: str) -> set[str]:
    """The storyline's own places a lead names as sides, not as what they answer (the profile's ``not_sides``
    markers a few words before: 'defence ties against a resurgent China') nor as a topic (its
    ``topics_after`` right after: 'Russian oil', "Russia's war")."""
    pattern, folded, own = _storyline_places(storyline)
    profile = load_lexicon().profile(storyline.profile)
    markers = profile.not_sides_pattern
    found: set[str] = set()
    for m in pattern.finditer(head):
        place = _place_at(m, folded)
        if place not in own:
            continue
        before = " ".join(head[max(0, m.start() - _WINDOW) : m.start()].split()[-_NOT_SIDE_REACH:])
        gap = _POSSESSIVE.match(head, m.end())
        topic = gap is not None and profile.topics_after_pattern.match(head, gap.end()) is not None
        if _envoy_of(head, m):
            continue  # 'US President Donald Trump's special envoy': the envoy acts, not the place
        if place is not None and not markers.search(before) and not topic:
            found.add(place)
    return found


@lru_cache(maxsize=16)
def people_places(storylines: tuple[Storyline, ...]) -> dict[str, str]:
    """Person (folded name) -> the one country or body every storyline listing them shares.

    A person a storyline lists with its countries belongs to one of them; listed by several storylines
    (a leader in each of their country's relations), they belong to the place those storylines have in
    common. A person whose storylines share no single place stays unknown.
    """
    shared: dict[str, frozenset[str]] = {}
    for storyline in storylines:
        own = own_places(storyline)
        if not own:
            continue
        for spec in storyline.entities:
            if spec.label == "PERSON":
                key = fold(spec.name)
                shared[key] = shared[key] & own if key in shared else own
    return {person: next(iter(places)) for person, places in shared.items() if len(places) == 1}


def _people(storyline: Storyline) -> dict[str, tuple[re.Pattern[str], ...]]:
    return {
        spec.name: tuple(term_pattern(form) for form in (spec.name, *spec.aliases) if form.strip())
        for spec in storyline.entities
        if spec.label == "PERSON"
    }


def _qualifier(storyline: Storyline, text: str, start: int) -> str | None:
    """The place named right before a person's name ("Japanese Prime Minister ...")."""
    pattern, folded, _ = _storyline_places(storyline)
    window = text[max(0, start - _WINDOW) : start]
    found = None
    for m in pattern.finditer(window):
        if _QUALIFIER_GAP.match(window[m.end() :]):
            found = _place_at(m, folded)
    return found


def _countries_of_people(storyline: Storyline, text: str) -> dict[str, str]:
    """Person -> the place the article names them with, wherever in the article."""
    found: dict[str, str] = {}
    for person, patterns in _people(storyline).items():
        for pattern in patterns:
            for m in pattern.finditer(text):
                place = _qualifier(storyline, text, m.start())
                if place is not None:
                    found.setdefault(person, place)
    return found


_LISTED = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)$")  # between two names of one list


def _listed_with_a_third(storyline: Storyline, head: str) -> bool:
    """The lead lists one of the storyline's places with a country or body outside it ("U.S., Japan and
    South Korea agree ..."): the storyline's side acts with the third, not with its other side."""
    pattern, folded, own = _storyline_places(storyline)
    named = [(m, _place_at(m, folded)) for m in pattern.finditer(head)]
    return any(
        first is not None
        and second is not None
        and (first in own) != (second in own)
        and _LISTED.match(head[a.end() : b.start()]) is not None
        for (a, first), (b, second) in pairwise(named)
    )


def _third_parties(storyline: Storyline, head: str) -> bool:
    """The lead names someone of a country or body outside the storyline ("Philippine President ..."), or
    a trip to one ("departs for U.S.", "left for Washington", "visit to Brazil": the profile's travel and
    visit words), or lists such a
    country with one of the storyline's ("U.S., Japan and South Korea")."""
    pattern, folded, own = _storyline_places(storyline)
    profile = load_lexicon().profile(storyline.profile)
    if _listed_with_a_third(storyline, head):
        return True
    venues = _venues(storyline, head)
    return any(
        (place := _place_at(m, folded)) is not None
        and place not in own
        and (
            _QUALIFIES.match(head[m.end() :]) is not None
            or (
                place not in venues
                and _TRIP.search(before := head[max(0, m.start() - _TRIP_REACH) : m.start()]) is not None
                and (profile.transit_pattern.search(before) or profile.visits_pattern.search(before))
                is not None
            )
        )
        for m in pattern.finditer(head)
    )


_AT = re.compile(r"^\s+(?:in|at)\s+")


def _venues(storyline: Storyline, head: str) -> set[str]:
    """Places the lead names as where an event is held ('summit in Helsinki'): a trip there is to the
    meeting, not to a third party."""
    pattern, folded, _ = _storyline_places(storyline)
    found: set[str] = set()
    for trigger in load_lexicon().profile(storyline.profile).trigger_pattern.finditer(head):
        at = _AT.match(head[trigger.end() :])
        m = pattern.match(head, trigger.end() + at.end()) if at is not None else None
        if m is not None and (place := _place_at(m, folded)) is not None:
            found.add(place)
    return found


_TRIP = re.compile(r"\b(?:for|to)\s+(?:the\s+)?$", re.IGNORECASE)  # 'departs for ', 'heading to '
_TRIP_REACH = 20


def _third_people(storyline: Storyline, head: str, whole: str, others: Sequence[str]) -> bool:
    """The lead names someone outside the storyline's people (``others``: the article's people) whom the
    article names with a third country somewhere ('Israeli Prime Minister ...' further down)."""
    own = own_places(storyline)
    people = [pattern for patterns in _people(storyline).values() for pattern in patterns]
    for form in others:
        if any(pattern.search(form) for pattern in people):
            continue
        found = term_pattern(form)
        if found.search(head) is None:
            continue
        for m in found.finditer(whole):
            place = _qualifier(storyline, whole, m.start())
            if place and place not in own:
                return True
    return False


def lead_sides(
    storyline: Storyline,
    sentences: Sequence[Sentence],
    lead: int,
    known: Mapping[str, str] | None = None,
    others: Sequence[str] = (),
) -> tuple[set[str], int]:
    """The storyline's places the first ``lead`` sentences name, and how many sides its people add.

    A person named with one of the storyline's places stands for it, and so does a person ``known`` to
    belong to it (:func:`people_places`: 'President Trump' for the US). A person named alone ("President
    Yoon") stands for a place the lead does not name, unless the lead names a third party the person may
    be meeting (someone of a country or body outside the storyline, in the lead or, for the article's
    ``others`` people, anywhere in the article) and none of the storyline's people
    of a named side, who would meet them together ('Yoon in Washington for a summit with the US President
    and Japanese Prime Minister Kishida'). When the lead names a third country
    at all, the person stands only for a side the article names somewhere: 'Trump sends envoy to Moscow'
    is no news of a US ally the article never names.
    """
    whole = "\n".join(sentence.text for sentence in sentences)
    head = "\n".join(sentence.text for sentence in sentences[:lead])
    own = own_places(storyline)
    sides = _acting_places(storyline, head)
    countries = _countries_of_people(storyline, whole)
    alone = placed = 0
    for person, patterns in _people(storyline).items():
        if present(patterns, head):
            place = countries.get(person) or (known or {}).get(fold(person))
            if place is None:
                alone += 1
            elif place in own:
                sides.add(place)
                placed += 1
    if (
        alone
        and not placed
        and (_third_parties(storyline, head) or _third_people(storyline, head, whole, others))
    ):
        alone = 0
    missing = own - sides - _sent_envoys(storyline, head)
    if _names_a_third(storyline, head):
        missing &= places_in(storyline, whole)
    return sides, min(alone, len(missing))


def _names_a_third(storyline: Storyline, head: str) -> bool:
    """The lead names a country or body outside the storyline."""
    pattern, folded, own = _storyline_places(storyline)
    return any(
        (place := _place_at(m, folded)) is not None and place not in own for m in pattern.finditer(head)
    )


def title_places(storyline: Storyline) -> set[str]:
    """The storyline's own places its title names: what the storyline is about first."""
    return places_in(storyline, storyline.title)
