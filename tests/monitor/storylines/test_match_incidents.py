"""Incident storylines that follow one named event (a storm) match its news, not another storm's."""

# ruff: noqa: E501  (news prose is kept on long lines)

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.models import Article
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline
from monitor.storylines.config import Storyline, parse_storylines
from monitor.storylines.match import match_storylines


@pytest.fixture(scope="module")
def typhoon() -> tuple[Storyline, ...]:
    """A plain incident storyline named after its storm."""
    return parse_storylines(
        [
            {"id": "haiyan", "profile": "incident", "title": "Typhoon Haiyan 2013",
             "entities": [{"name": "Typhoon Haiyan", "label": "EVENT", "aliases": ["Haiyan"]},
                          {"name": "Philippines", "label": "GPE"}, {"name": "Tacloban", "label": "GPE"}],
             "keywords": ["typhoon", "landfall", "storm surge", "evacuation", "death toll"]},
        ]
    )  # fmt: skip


def _matched(storylines: tuple[Storyline, ...], title: str, text: str) -> bool:
    stamp = datetime(2013, 11, 12, tzinfo=UTC)
    article = Article(id="a", title=title, text=text, published=stamp, ingested_at=stamp)
    enriched = enrich_batch(load_pipeline(storylines), [article], storylines)[0]
    return any(m.storyline_id == "haiyan" for m in match_storylines(enriched, storylines, min_score=0.5))


def test_another_named_storm_in_the_lead_is_another_story(typhoon: tuple[Storyline, ...]) -> None:
    """A lead about 'Typhoon Bopha' in the same country, never naming Haiyan, is not Haiyan's news; a Haiyan
    report that recalls Bopha is."""
    other = (
        "Philippines marks a year since deadly typhoon struck Mindanao",
        "Survivors of Typhoon Bopha in the southern Philippines still live in tents a year after the storm "
        "made landfall, officials said on Tuesday.\nThe typhoon's death toll passed 1,000 and the storm surge "
        "destroyed thousands of homes.\nEvacuation centres remain open in the Philippines.\n",
    )
    own = (
        "Typhoon Haiyan death toll rises in the Philippines",
        "The death toll from Typhoon Haiyan in the central Philippines rose on Tuesday as rescuers reached "
        "Tacloban, where the storm surge flattened whole streets.\nThe typhoon made landfall on Friday, a year "
        "after Typhoon Bopha hit Mindanao.\nEvacuation centres in Tacloban are full.\n",
    )
    assert not _matched(typhoon, *other)
    assert _matched(typhoon, *own)
