"""A stand-in enrichment from the storylines' own entity lists.

Used by scoring and tests when the spaCy stage (``monitor.nlp``) is not
available: it finds the storylines' entities by name and alias and returns an
:class:`~monitor.models.EnrichedArticle` with those entities and no claims
(unless claims are given).
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.detect.text import DEMONYMS, fold, term_pattern
from monitor.models import Article, CanonicalEntity, Claim, EnrichedArticle, Mention, Timings
from monitor.storylines.config import Storyline


def family_name(name: str) -> str:
    """The family name of a person: 'Lee' for 'Lee Jae-myung', 'Kishida' for 'Fumio Kishida'."""
    parts = name.split()
    if len(parts) >= 2 and "-" in parts[-1]:
        return parts[0]
    return parts[-1] if parts else name


def gazetteer_entities(text: str, storylines: Sequence[Storyline]) -> tuple[CanonicalEntity, ...]:
    """Storyline entities found in the text, one canonical entity per id."""
    found: dict[str, CanonicalEntity] = {}
    for storyline in storylines:
        for spec in storyline.entities:
            if spec.id in found:
                continue
            names = {spec.name, *spec.aliases}
            if spec.label in {"GPE", "NORP", "LOC"}:
                names.update(DEMONYMS.get(fold(spec.name), ()))
            if spec.label == "PERSON" and not any(" " not in alias for alias in spec.aliases):
                names.add(family_name(spec.name))
            mentions: list[Mention] = []
            forms: list[str] = []
            for name in sorted(names):
                for match in term_pattern(name).finditer(text):
                    mentions.append(
                        Mention(text=match.group(0), start=match.start(), end=match.end(), label=spec.label)
                    )
                    if match.group(0) not in forms:
                        forms.append(match.group(0))
            if mentions:
                mentions.sort(key=lambda mention: mention.start)
                found[spec.id] = CanonicalEntity(
                    id=spec.id,
                    name=spec.name,
                    label=spec.label,
                    known=True,
                    count=len(mentions),
                    surface_forms=tuple(forms),
                    mentions=tuple(mentions),
                )
    return tuple(found.values())


def gazetteer_enrich(
    article: Article, storylines: Sequence[Storyline], claims: Sequence[Claim] = ()
) -> EnrichedArticle:
    """An enriched article built from storyline entity names (no spaCy)."""
    return EnrichedArticle(
        article=article,
        entities=gazetteer_entities(article.text, storylines),
        claims=tuple(claims),
        timings=Timings(nlp_seconds=0.0, claims_seconds=0.0),
    )
