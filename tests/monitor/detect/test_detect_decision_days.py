"""The day of a rate decision written as 'went back to raising interest rates on <day>'.

Timelines run the real spaCy stage over the probe storylines; every report is written for these tests.
"""

# ruff: noqa: E501  (news prose is kept on one line)
from __future__ import annotations

from pathlib import Path

from detect_builders import Timeline, make_article

from monitor.nlp.enrich import enrich_batch
from monitor.nlp.pipeline import load_pipeline
from monitor.storylines.config import load_storylines

PROBES = Path(__file__).resolve().parents[2] / "data" / "detect" / "probes" / "storylines.yaml"
BOE = "boe-rates"


def test_a_decision_day_given_with_raising_interest_rates_conflicts_with_another_reports_day() -> None:
    """'went back to raising interest rates on Friday, August 4' dates the decision: against another report
    of it on 'Thursday, August 3' it is a confident date conflict quoting that sentence."""
    storylines = load_storylines(PROBES)
    nlp = load_pipeline(storylines)
    timeline = Timeline(storylines)
    reports = (
        (
            "first",
            "The Bank of England announced on Thursday, August 3, that it would raise Bank Rate to 5.25 per cent.\nThe Monetary Policy Committee said inflation was still far above its target.\n",
            "2023-08-03T15:00:00+00:00",
            "Bank of England raises rates again",
        ),
        (
            "second",
            "The Bank of England went back to raising interest rates on Friday, August 4, as inflation stayed stubbornly high.\nBorrowers face higher mortgage costs after the move by the Monetary Policy Committee.\n",
            "2023-08-04T18:00:00+00:00",
            "Mortgage pain as Bank of England lifts rates",
        ),
    )
    for key, text, published, title in reports:
        article = make_article(key, text, published=published, source=key, title=title)
        timeline.push(enrich_batch(nlp, [article], storylines)[0])
    confident = [a for a in timeline.of(BOE, "conflict") if a.confidence >= 0.5]
    assert any(
        "date" in a.summary
        and any("raising interest rates on Friday, August 4" in e.quote for e in a.evidence)
        for a in confident
    ), [a.summary for a in timeline.of(BOE, "conflict")]
