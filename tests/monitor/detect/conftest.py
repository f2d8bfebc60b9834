"""Fixtures for detection tests: demo storylines and the real spaCy enrichment, loaded once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from detect_builders import Timeline, seed_articles
from spacy.language import Language

from monitor.models import Article, EnrichedArticle
from monitor.nlp.enrich import enrich_batch
from monitor.storylines.config import Storyline

Enrich = Callable[[Article], EnrichedArticle]


@pytest.fixture(scope="session")
def enrich(nlp: Language, storylines: tuple[Storyline, ...]) -> Enrich:
    """Real enrichment of an article (entities and claims read by spaCy), cached per article."""
    cache: dict[tuple[str, str, str, str], EnrichedArticle] = {}

    def build(article: Article) -> EnrichedArticle:
        key = (article.id, article.title, article.text, str(article.published))
        if key not in cache:
            cache[key] = enrich_batch(nlp, [article], storylines)[0]
        return cache[key]

    return build


@pytest.fixture
def timeline(storylines: tuple[Storyline, ...]) -> Timeline:
    """An empty timeline over the demo storylines."""
    return Timeline(storylines)


@pytest.fixture(scope="session")
def nlp_seeds(enrich: Enrich) -> list[EnrichedArticle]:
    """The seeds enriched by the real spaCy stage, in publication order (shares ``enrich``'s cache)."""
    return [enrich(article) for article in seed_articles()]
