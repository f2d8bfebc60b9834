"""A small built-in gazetteer of places and international bodies common in news.

The entries are the lexicon's data (``monitor/lexicon/data/places.yaml``).

Storyline entities always win over these. Gazetteer entries are matched by the
entity ruler (so ``Kyiv`` is a GPE even where the statistical model says
PERSON) and give stable ids, but they are not "known" storyline entities.

Names that are also common given names or words (Jordan, Chad, Georgia, ...)
are left out on purpose: the statistical model decides those.
"""

from __future__ import annotations

from monitor.lexicon import load_lexicon
from monitor.storylines.config import EntitySpec, entity_id


def gazetteer() -> tuple[EntitySpec, ...]:
    """The built-in gazetteer entries as entity specs: the lexicon's countries, cities and bodies."""
    places = load_lexicon().places.data
    specs = [EntitySpec(name=c.name, label="GPE", aliases=c.aliases) for c in places.countries]
    specs += [EntitySpec(name=c.name, label="GPE", aliases=c.aliases) for c in places.cities]
    specs += [EntitySpec(name=b.name, label="ORG", aliases=b.aliases) for b in places.bodies]
    return tuple(specs)


def demonym_countries() -> dict[str, str]:
    """Country entity ids by case-folded demonym ("south korean" -> "south-korea")."""
    return {demonym: entity_id(country) for demonym, country in load_lexicon().places.demonyms().items()}
