"""Known names: storyline entities (with their aliases) plus the built-in gazetteer.

Every spelling is indexed by a *key* that ignores case, spaces, hyphens,
periods and apostrophes, so "Lee Jae Myung", "Lee Jae-myung" and
"LEE JAE-MYUNG" share one key; other romanizations ("Lee Jae-myong") come in
as aliases from the storylines file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from monitor.nlp.gazetteer import gazetteer
from monitor.storylines.config import EntitySpec, Storyline

_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def name_key(text: str) -> str:
    """Matching key of a name: case-folded letters and digits only."""
    return _NON_ALNUM.sub("", text.casefold())


def name_words(text: str) -> tuple[str, ...]:
    """Case-folded words of a name, split at spaces, hyphens and periods."""
    return tuple(w for w in _NON_ALNUM.split(text.casefold()) if w)


@dataclass(frozen=True)
class CatalogEntry:
    """One entity the pipeline knows by name."""

    id: str
    name: str
    label: str
    known: bool
    forms: tuple[str, ...]


@dataclass
class Catalog:
    """Storyline entities first, then gazetteer entries whose names they do not claim."""

    entries: dict[str, CatalogEntry] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)

    def add(self, spec: EntitySpec, *, known: bool) -> None:
        """Add an entity (or more forms of one); forms claimed by another entry are skipped."""
        previous = self.entries.get(spec.id)
        forms = [f for f in dict.fromkeys((spec.name, *spec.aliases)) if name_key(f)]
        fresh = [f for f in forms if self.by_key.get(name_key(f), spec.id) == spec.id]
        if previous is not None:
            fresh = [f for f in fresh if f not in previous.forms]
            forms_all = (*previous.forms, *fresh)
            entry = CatalogEntry(previous.id, previous.name, previous.label, previous.known, forms_all)
        else:
            entry = CatalogEntry(spec.id, spec.name, spec.label, known, tuple(fresh))
        self.entries[spec.id] = entry
        for form in fresh:
            self.by_key.setdefault(name_key(form), spec.id)

    def lookup(self, text: str) -> CatalogEntry | None:
        """The entry whose name or alias has the same key as ``text``."""
        ident = self.by_key.get(name_key(text))
        return None if ident is None else self.entries[ident]


def build_catalog(storylines: Sequence[Storyline], *, with_gazetteer: bool = True) -> Catalog:
    """The catalog for a set of storylines."""
    catalog = Catalog()
    for storyline in storylines:
        for spec in storyline.entities:
            catalog.add(spec, known=True)
    if with_gazetteer:
        for spec in gazetteer():
            catalog.add(spec, known=False)
    return catalog
