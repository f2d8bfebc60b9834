"""Places an article names together: a place written with the larger place it lies in."""

from __future__ import annotations

import re

from monitor.models import CanonicalEntity

_NOT_A_LIST = (
    r"\b(?!\s*(?:,|and\b|or\b|&))"  # 'Seoul, Tokyo and Washington' is a list, not a town and its state
)


def prefer_contained(weights: dict[str, float], places: list[CanonicalEntity], text: str) -> None:
    """A place written with the larger place it lies in ('Woodside, California', 'Hualien, Taiwan') is where
    the event is: the article's other mentions of the larger place ('a summit in California') are the same
    place at a coarser grain, so they count for the smaller one, and the larger one counts half.

    ``weights`` (place name as shown -> weight) is updated in place; lists of places are no such pair."""
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
