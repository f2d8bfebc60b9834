"""Fixtures for detection tests: demo storylines and the real spaCy enrichment, loaded once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from detect_builders import SEEDS, Timeline, seed_articles
from spacy.language import Language

from monitor.models import Article, EnrichedArticle
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline
from monitor.storylines.config import Storyline, load_storylines

Enrich = Callable[[Article], EnrichedArticle]


@pytest.fixture(scope="session")
def storylines() -> tuple[Storyline, ...]:
    """The bundled demo storylines."""
    return load_storylines(SEEDS / "storylines.yaml")


@pytest.fixture(scope="session")
def nlp(storylines: tuple[Storyline, ...]) -> Language:
    """The enrichment pipeline (monitor.nlp), loaded once per session."""
    return load_pipeline(storylines)


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
