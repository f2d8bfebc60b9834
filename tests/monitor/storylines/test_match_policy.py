"""Policy-decision storylines match an institution's decisions, not other news of its people."""

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
def central_bank() -> tuple[Storyline, ...]:
    """A plain central-bank storyline."""
    return parse_storylines(
        [
            {"id": "rbi-rates", "profile": "policy-decision", "title": "Reserve Bank of India rate decisions",
             "entities": [{"name": "Reserve Bank of India", "label": "ORG", "aliases": ["RBI"]},
                          {"name": "Monetary Policy Committee", "label": "ORG", "aliases": ["MPC"]},
                          {"name": "Sanjay Malhotra", "aliases": ["Malhotra"]}],
             "keywords": ["repo rate", "interest rates", "rate cut", "monetary policy", "basis points"]},
        ]
    )  # fmt: skip


def _matched(storylines: tuple[Storyline, ...], title: str, text: str) -> bool:
    stamp = datetime(2025, 6, 6, tzinfo=UTC)
    article = Article(id="a", title=title, text=text, published=stamp, ingested_at=stamp)
    enriched = enrich_batch(load_pipeline(storylines), [article], storylines)[0]
    return any(m.storyline_id == "rbi-rates" for m in match_storylines(enriched, storylines, min_score=0.5))


def test_a_chairs_conference_remarks_or_a_members_confirmation_are_not_a_decision(
    central_bank: tuple[Storyline, ...],
) -> None:
    """A governor's address to a symposium and a parliament confirming a new committee member name the
    bank, its people and its rates, but are not one of its decisions; the decision itself is."""
    symposium = (
        "Malhotra says inflation outlook leaves room for easier policy",
        "RBI Governor Sanjay Malhotra told an economic symposium in Mumbai on Friday that monetary policy could ease further as interest rates bite.\nHe said a rate cut was not yet decided and that the Monetary Policy Committee would weigh the data.\nThe RBI's repo rate stands at 5.5%.\n",
    )
    confirmation = (
        "Parliament confirms new member of RBI rate panel",
        "India's parliament confirmed an economist to the Reserve Bank of India's Monetary Policy Committee on Monday, days before it decides on interest rates.\nThe new member is expected to favour a rate cut of 25 basis points.\nThe RBI's repo rate stands at 5.5%.\n",
    )
    decision = (
        "RBI cuts repo rate by 50 basis points",
        "The Reserve Bank of India cut its repo rate by 50 basis points to 5.5% on Friday, a bigger rate cut than expected.\nGovernor Sanjay Malhotra said the Monetary Policy Committee voted unanimously.\nMonetary policy will stay accommodative, he said.\n",
    )
    assert not _matched(central_bank, *symposium)
    assert not _matched(central_bank, *confirmation)
    assert _matched(central_bank, *decision)


def test_a_headline_naming_its_own_person_with_a_decision_in_the_lead_matches(
    central_bank: tuple[Storyline, ...],
) -> None:
    """A headline naming the storyline's own person ('Malhotra says ...') whose lead reports the bank's
    decision in words other than the analyst's keywords ('the decision to lower its benchmark rate') is the
    storyline's news, though no keyword of the analyst's is written."""
    remarks = (
        "Malhotra says he sees no rift with the finance ministry",
        "Governor Sanjay Malhotra said on Wednesday that he saw no rift with the finance ministry over the rupee.\nHe spoke at a news conference in Mumbai after the Reserve Bank of India's decision to lower its benchmark rate by a quarter point.\nThe rupee weakened slightly after his remarks.\n",
    )
    assert _matched(central_bank, *remarks)


def test_a_market_fall_after_the_decision_is_its_news_but_another_banks_cut_is_not(
    central_bank: tuple[Storyline, ...],
) -> None:
    """The bank named after a reference word ('after', 'following') is the model of another bank's act of
    the same kind (a cut reported done before it), not its news; a market's fall after its statement is no
    act of the profile's kind: the bank's decision is still the news."""
    market = (
        "Sensex slides as investors weigh outlook",
        "Indian shares fell 1.5% on Wednesday after the Reserve Bank of India said it now expects fewer rate cuts this year than investors had hoped.\nThe Monetary Policy Committee signalled that inflation would stay above target for longer.\nBank stocks led the losses.\n",
    )
    neighbour = (
        "Sri Lanka's central bank lowers policy rate, following RBI",
        "Sri Lanka's central bank lowered its policy rate by 25 basis points on Thursday, following the Reserve Bank of India's rate cut a day earlier.\nThe bank said inflation was subdued and monetary policy could ease further.\nIts governor said the rupee was stable.\n",
    )
    assert _matched(central_bank, *market)
    assert not _matched(central_bank, *neighbour)
