"""enrich_batch as a whole, and the quality score on the hand-labeled set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from spacy.language import Language

from monitor.models import Article, EnrichedArticle
from monitor.nlp.enrich import enrich_batch
from monitor.nlp.scoring import LabeledSetError, format_report, score
from monitor.storylines.config import Storyline

LABELED = Path(__file__).resolve().parents[2] / "data" / "nlp" / "labeled.yaml"


def test_enrich_batch_keeps_order_and_articles(
    seed_articles: list[Article], enriched_seeds: dict[str, EnrichedArticle]
) -> None:
    """One result per article, carrying the article unchanged, with timings and some entities and claims."""
    assert list(enriched_seeds) == [a.id for a in seed_articles]
    for article in seed_articles:
        enriched = enriched_seeds[article.id]
        assert enriched.article == article
        assert enriched.timings.nlp_seconds > 0 and enriched.timings.claims_seconds > 0
        assert enriched.entities and enriched.claims
        EnrichedArticle.model_validate_json(enriched.model_dump_json())  # serializes for Kafka


def test_score_on_labeled_set(nlp: Language, storylines: tuple[Storyline, ...]) -> None:
    """Entity canonicalization and claim extraction reach at least 0.85 precision and 0.8 recall."""
    result = score(LABELED, storylines, nlp=nlp)
    assert result["documents"] >= 10
    assert result["entities"]["precision"] >= 0.9 and result["entities"]["recall"] >= 0.9
    assert result["claims"]["precision"] >= 0.85 and result["claims"]["recall"] >= 0.8
    report = format_report(result)
    assert "entities" in report and "claims" in report and "meeting" in report


def test_score_rejects_bad_labeled_file(
    tmp_path: Path, storylines: tuple[Storyline, ...], nlp: Language
) -> None:
    """A labeled file that is not a list of documents raises LabeledSetError."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("documents: 3\n", encoding="utf-8")
    with pytest.raises(LabeledSetError):
        score(bad, storylines, nlp=nlp)


def test_empty_and_undated_articles(
    nlp: Language, storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """Empty texts give no entities or claims; without a publication date only absolute dates resolve."""
    undated = make_article("On Monday, Kishida met Yoon in Seoul. The summit in October 2011 was the last.")
    undated = undated.model_copy(update={"published": None})
    empty, blank, result = enrich_batch(nlp, [make_article(""), make_article(" \n\n "), undated], storylines)
    assert not empty.entities and not empty.claims and not blank.entities and not blank.claims
    dates = {c.text: c.value for c in result.claims if c.kind == "date"}
    assert dates == {"October 2011": "2011-10-01"}
    meeting = next(c for c in result.claims if c.kind == "meeting")
    assert meeting.value == {
        "participants": ["fumio-kishida", "yoon-suk-yeol"],
        "place": "seoul",
        "date": None,
    }
