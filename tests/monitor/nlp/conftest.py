"""Shared fixtures: the spaCy pipeline is loaded once per test session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from spacy.language import Language

from monitor.models import Article, EnrichedArticle
from monitor.nlp.enrich import enrich_batch
from monitor.storylines.config import Storyline

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "seeds"
LABELED = ROOT / "tests" / "data" / "nlp" / "labeled.yaml"


@pytest.fixture(scope="session")
def seed_articles() -> list[Article]:
    """The five seed articles with their publication dates from the manifest."""
    manifest = yaml.safe_load((SEEDS / "manifest.yaml").read_text(encoding="utf-8"))
    return [
        Article(
            id=item["file"].split("_")[0],
            title=item["title"],
            text=(SEEDS / item["file"]).read_text(encoding="utf-8"),
            published=item["published"],
            ingested_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for item in manifest
    ]


@pytest.fixture(scope="session")
def enriched_seeds(
    nlp: Language, seed_articles: list[Article], storylines: tuple[Storyline, ...]
) -> dict[str, EnrichedArticle]:
    """The seeds enriched once, by article id ("000" ... "004")."""
    return {e.article.id: e for e in enrich_batch(nlp, seed_articles, storylines)}


@pytest.fixture(scope="session")
def make_article() -> Callable[..., Article]:
    """Build an article for a test text, published at a given ISO time."""

    def build(text: str, published: str = "2024-03-14T09:00:00+00:00", ident: str = "t") -> Article:
        return Article(
            id=ident,
            text=text,
            published=datetime.fromisoformat(published),
            ingested_at=datetime(2026, 1, 1, tzinfo=UTC),
        )

    return build
