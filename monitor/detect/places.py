"""Places an article names together: a place written with the larger place it lies in."""

from __future__ import annotations

import re

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
