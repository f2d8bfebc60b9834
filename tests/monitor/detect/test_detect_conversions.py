"""Currency conversions are facts: a rate far from another report's for the same pair is a conflict."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from detect_builders import make_article

from monitor.detect.compare import compare
from monitor.detect.facts import conversion_facts
from monitor.detect.state import EventState, HeldFact
from monitor.models import Article, EnrichedArticle

Enrich = Callable[[Article], EnrichedArticle]


def _rates(enrich: Enrich, article_id: str, text: str) -> list[HeldFact]:
    enriched = enrich(make_article(article_id, text, published="2026-02-10T09:00:00+00:00"))
    return conversion_facts(enriched.claims, article_id)


def _event(held: list[HeldFact]) -> EventState:
    now = datetime(2026, 2, 10, tzinfo=UTC)
    return EventState(id="e", title="deal", first_published=now, last_published=now, facts=held)


def test_a_slipped_decimal_in_a_conversion_conflicts() -> None:
    """'2.4 billion euros ($2.6 billion)' against '2.4 billion euros (about $26 billion)': an impossible rate,
    a confident conflict quoting both sentences."""
    first = HeldFact(slot="rate:eur/usd", kind="rate", value="1.08", number=1.08, quote="A", article_id="a")
    second = HeldFact(slot="rate:eur/usd", kind="rate", value="10.8", number=10.8, quote="B", article_id="b")
    findings = compare(_event([first]), [second])
    assert len(findings) == 1 and findings[0].kind == "conflict" and findings[0].confidence >= 0.5
    assert {findings[0].fact.quote, findings[0].held is not None and findings[0].held.quote} == {"A", "B"}


def test_rates_a_few_percent_apart_agree() -> None:
    """Rates of 1.08 and 1.10 dollars to the euro are both possible: nothing is raised."""
    first = HeldFact(slot="rate:eur/usd", kind="rate", value="1.08", number=1.08, article_id="a")
    second = HeldFact(slot="rate:eur/usd", kind="rate", value="1.1", number=1.10, article_id="b")
    assert compare(_event([first]), [second]) == []


def test_conversion_is_read_only_from_a_parenthesis_right_after_the_amount(enrich: Enrich) -> None:
    """'pay 500 million euros ($540 million)' is a conversion; two amounts side by side are not."""
    converted = _rates(enrich, "a", "The company will pay 500 million euros ($540 million) in fines.\n")
    assert len(converted) == 1 and converted[0].slot.startswith("rate:")
    assert converted[0].number is not None and 1.0 < converted[0].number < 1.2
    apart = _rates(enrich, "b", "The company paid 500 million euros in fines and $540 million in damages.\n")
    assert apart == []
