"""The storylines file: validated, with errors naming the storyline and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import ConfigError
from monitor.storylines.config import entity_id, load_storylines, parse_storylines

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def test_bundled_storylines_load() -> None:
    """The demo storylines file defines the two tracked storylines."""
    storylines = load_storylines(SEEDS / "storylines.yaml")
    assert [s.id for s in storylines] == ["japan-korea-summits", "us-alliance"]
    names = {e.name for e in storylines[0].entities}
    assert {"Yoon Suk Yeol", "Lee Jae-myung", "Fumio Kishida", "Shigeru Ishiba"} <= names


def test_entity_ids_fold_spelling() -> None:
    """Entity ids fold case, hyphens and spacing."""
    assert entity_id("Lee Jae-myung") == entity_id("Lee Jae Myung") == "lee-jae-myung"


def test_bad_storyline_names_index_and_key() -> None:
    """A storyline without a title is reported as '<index>.title'."""
    with pytest.raises(ConfigError, match=r"1\.title"):
        parse_storylines([{"id": "a", "title": "A"}, {"id": "b"}])


def test_duplicate_ids_rejected() -> None:
    """Two storylines cannot share an id."""
    with pytest.raises(ConfigError, match="duplicate"):
        parse_storylines([{"id": "a", "title": "A"}, {"id": "a", "title": "B"}])


def test_ids_are_slugs() -> None:
    """Storyline ids are lower-case slugs (they become Kafka keys and URLs)."""
    with pytest.raises(ConfigError, match=r"0\.id"):
        parse_storylines([{"id": "Japan Korea", "title": "A"}])
