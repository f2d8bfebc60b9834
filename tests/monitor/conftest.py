"""Fixtures shared by the unit tests of ``monitor/``: the demo storylines and the real spaCy
pipeline, each loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from monitor.nlp.pipeline import load_pipeline
from monitor.storylines.config import Storyline, load_storylines

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="session")
def storylines() -> tuple[Storyline, ...]:
    """The bundled demo storylines (entities and aliases of the seed stories)."""
    return load_storylines(SEEDS / "storylines.yaml")


@pytest.fixture(scope="session")
def nlp(storylines: tuple[Storyline, ...]) -> Language:
    """The enrichment pipeline (monitor.nlp), loaded once."""
    return load_pipeline(storylines)
