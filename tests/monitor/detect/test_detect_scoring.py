"""The labeled development set: measured quality stays at the level reported to the lead."""

from __future__ import annotations

from detect_builders import DATASET, HELDOUT

from monitor.detect.scoring import format_report, load_dataset, score


def test_dataset_loads_seeds_and_hand_written_articles_in_order() -> None:
    """The set mixes the five seeds (text from seeds/) with hand-written articles, sorted by publication."""
    rows = load_dataset(DATASET)
    ids = [article.id for article, _ in rows]
    assert {"seed-000", "seed-001", "seed-002", "seed-003", "seed-004"} <= set(ids)
    stamps = [article.published for article, _ in rows]
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    assert len(rows) >= 25


def test_development_set_scores_meet_the_floor() -> None:
    """With the spaCy stage every labeled conflict is found, and no look-alike is reported as confident."""
    result = score(DATASET)
    assert result["enrichment"].startswith("spacy")
    assert result["storylines"]["f1"] == 1.0
    assert result["events"]["bcubed"]["f1"] == 1.0
    assert result["conflicts"]["recall"] == 1.0
    assert result["conflicts"]["precision"] == 1.0
    assert result["replay_alerts"] == 0
    report = format_report(result)
    assert "storyline match" in report and "conflicts" in report and "B-cubed" in report


def test_heldout_set_scores_meet_the_floor() -> None:
    """The later-written check set (Tokyo 2023, Camp David, troop-cost deal) scores as first measured."""
    result = score(HELDOUT)
    assert result["storylines"]["recall"] == 1.0 and result["storylines"]["precision"] >= 0.9
    assert result["events"]["bcubed"]["f1"] == 1.0
    assert result["conflicts"]["recall"] == 1.0 and result["conflicts"]["precision"] == 1.0
    assert result["replay_alerts"] == 0
