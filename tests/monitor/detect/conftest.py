"""Fixtures for detection tests: demo storylines, hand-built enrichment, real NLP on the seeds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from detect_builders import SEEDS, Timeline, seed_articles

from monitor.detect.gazetteer import gazetteer_enrich
from monitor.models import Article, Claim, EnrichedArticle
from monitor.storylines.config import Storyline, load_storylines


@pytest.fixture(scope="session")
def storylines() -> tuple[Storyline, ...]:
    """The bundled demo storylines."""
    return load_storylines(SEEDS / "storylines.yaml")


@pytest.fixture
def enrich(storylines: tuple[Storyline, ...]) -> Callable[..., EnrichedArticle]:
    """Hand-built enrichment: storyline entities found by name, plus the given claims."""

    def build(article: Article, claims: Sequence[Claim] = ()) -> EnrichedArticle:
        return gazetteer_enrich(article, storylines, claims)

    return build


@pytest.fixture
def timeline(storylines: tuple[Storyline, ...]) -> Timeline:
    """An empty timeline over the demo storylines."""
    return Timeline(storylines)


@pytest.fixture(scope="session")
def nlp_seeds(storylines: tuple[Storyline, ...]) -> list[EnrichedArticle]:
    """The seeds enriched by the real spaCy stage (skipped when it is unavailable)."""
    try:
        from monitor.nlp.enrich import enrich_batch
        from monitor.nlp.pipeline import load_pipeline
    except ImportError as exc:  # pragma: no cover - depends on the NLP stage being present
        pytest.skip(f"monitor.nlp unavailable: {exc}")
    nlp: Any = load_pipeline(storylines)
    return enrich_batch(nlp, seed_articles(), storylines)
