"""Election storylines match the election's news, not later news of its winner."""

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
def election() -> tuple[Storyline, ...]:
    """A plain election storyline."""
    return parse_storylines(
        [
            {"id": "chile-2025", "profile": "election", "title": "Chile presidential election 2025",
             "entities": [{"name": "Chile", "label": "GPE"},
                          {"name": "José Antonio Kast", "aliases": ["Kast"]},
                          {"name": "Jeannette Jara", "aliases": ["Jara"]}],
             "keywords": ["presidential election", "election", "runoff", "president-elect", "vote share"]},
        ]
    )  # fmt: skip


def _matched(storylines: tuple[Storyline, ...], title: str, text: str) -> bool:
    stamp = datetime(2025, 12, 16, tzinfo=UTC)
    article = Article(id="a", title=title, text=text, published=stamp, ingested_at=stamp)
    enriched = enrich_batch(load_pipeline(storylines), [article], storylines)[0]
    return any(m.storyline_id == "chile-2025" for m in match_storylines(enriched, storylines, min_score=0.5))


def test_the_winners_first_trip_abroad_is_not_the_elections_news(election: tuple[Storyline, ...]) -> None:
    """The president-elect's first trip abroad names the winner, the country and the election, but is news of
    his term; the runoff result is the election's."""
    trip = (
        "Kast heads to Buenos Aires on first foreign trip since runoff win",
        "Chile's president-elect José Antonio Kast flew to Buenos Aires on Tuesday on his first foreign trip, a week after winning the election.\nKast, who beat Jeannette Jara in the runoff, will meet Argentina's president.\nChile's election drew a record turnout.\n",
    )
    result = (
        "Kast wins Chile's presidential runoff",
        "José Antonio Kast won Chile's presidential election on Sunday, beating Jeannette Jara in the runoff with 58% of the vote.\nJara conceded the election on Sunday night.\nKast takes office in March as president-elect of Chile.\n",
    )
    assert not _matched(election, *trip)
    assert _matched(election, *result)
