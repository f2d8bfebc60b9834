"""Builders for detection tests: articles, claims, seeds and a timeline runner."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import yaml

from monitor.detect.developments import detect
from monitor.detect.state import StorylineState
from monitor.models import Article, Claim, Development, EnrichedArticle, Evidence
from monitor.storylines.config import Storyline
from monitor.storylines.match import match_storylines

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "seeds"
DATASET = ROOT / "tests" / "data" / "detect" / "dataset.yaml"
HELDOUT = ROOT / "tests" / "data" / "detect" / "heldout.yaml"


def make_article(
    article_id: str, text: str, *, published: str, title: str = "", source: str = "Test Wire", url: str = ""
) -> Article:
    """An article as the ingester would produce it."""
    stamp = datetime.fromisoformat(published)
    return Article(
        id=article_id,
        url=url or f"https://example.org/{article_id}",
        title=title,
        text=text,
        source=source,
        published=stamp,
        ingested_at=stamp,
    )


def figure(kind: str, text: str, value: float, sentence: str, *, unit: str = "", subject: str = "",
           approximate: bool = False, qualifier: str = "") -> Claim:  # fmt: skip
    """A figure claim as the NLP stage writes it, with its evidence sentence."""
    return Claim(
        kind=kind,
        text=text,
        value=value,
        unit=unit,
        subject=subject,
        approximate=approximate,
        qualifier=qualifier,
        evidence=Evidence(sentence=sentence, start=0, end=len(sentence)),
    )


def seed_articles() -> list[Article]:
    """The five seed articles with manifest metadata, in publication order."""
    manifest = yaml.safe_load((SEEDS / "manifest.yaml").read_text("utf-8"))
    articles = [
        Article(
            id=item["file"].split("_")[0],
            url=f"https://example.org/seeds/{item['file']}",
            title=item["title"],
            text=(SEEDS / item["file"]).read_text("utf-8"),
            source=item["source"],
            published=item["published"],
            ingested_at=item["published"],
        )
        for item in manifest
    ]
    return sorted(articles, key=lambda article: article.published or article.ingested_at)


@dataclass
class Timeline:
    """Pushes articles through matching and detection like the stream does."""

    storylines: Sequence[Storyline]
    states: dict[str, StorylineState] = field(default_factory=dict)
    alerts: list[Development] = field(default_factory=list)

    def push(self, enriched: EnrichedArticle, *, now: datetime | None = None) -> list[Development]:
        """Feed one enriched article; returns the developments it raised."""
        article = enriched.article
        clock = now or (article.published or article.ingested_at) + timedelta(minutes=30)
        raised: list[Development] = []
        by_id = {storyline.id: storyline for storyline in self.storylines}
        for match in match_storylines(enriched, self.storylines, min_score=0.5):
            storyline = by_id[match.storyline_id]
            state, found = detect(self.states.get(match.storyline_id), match, now=clock, storyline=storyline)
            self.states[match.storyline_id] = state
            raised.extend(found)
        self.alerts.extend(raised)
        return raised

    def push_all(self, items: Iterable[EnrichedArticle]) -> list[Development]:
        """Feed several articles in order; returns everything they raised."""
        return [development for item in items for development in self.push(item)]

    def of(self, storyline_id: str, kind: str | None = None) -> list[Development]:
        """Alerts raised so far for one storyline (and kind)."""
        return [a for a in self.alerts if a.storyline_id == storyline_id and (kind is None or a.kind == kind)]
