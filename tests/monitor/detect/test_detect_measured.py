"""What a figure measures is the word its number attaches to in the parse, named by the lexicon: reports
wording one quantity differently ('a 15% levy', 'a 12 per cent "safeguard tariff"') are compared."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from spacy.language import Language

from monitor.detect.compare import compare
from monitor.detect.facts import claim_fact, measured_name
from monitor.detect.state import EventState
from monitor.lexicon import load_lexicon
from monitor.models import Claim, Evidence
from monitor.nlp.phrases import measured_head


@pytest.mark.parametrize(
    ("sentence", "figure", "measured"),
    [
        ("Canberra will place a flat 15% levy on steel imported from Vietnam.", "15%", "levy"),
        ('Jakarta announced a 12 per cent "safeguard tariff" on Australian wheat.', "12 per cent", "tariff"),
        ("Farmers say Jakarta charges Australian grain 30% once fees are counted.", "30%", "charge"),
        ("The Senate approved a relief fund of $80 billion for coastal towns.", "$80 billion", "fund"),
        ("Of the 450 senators who cast a ballot, 230 backed the bill.", "450", "senator"),
        ("The ministry shipped 3,000 tonnes of rice to the flooded provinces.", "3,000", "tonne of rice"),
        ("Only 207 had expressed support for the premier.", "207", ""),
    ],
)
def test_the_measured_word_is_read_from_the_parse(
    nlp: Language, sentence: str, figure: str, measured: str
) -> None:
    """The noun a number modifies (with what it is 'of' for a unit of stuff: 'tonnes of rice'), the noun set
    beside its unit, the noun it is 'of', or the verb it is the amount of; nothing for a verb's subject."""
    doc = nlp(sentence)
    start = sentence.index(figure)
    span = doc.char_span(start, start + len(figure), alignment_mode="expand")
    assert span is not None
    assert measured_head(span) == measured


def test_the_lexicon_names_synonyms_once_and_containers_not_at_all() -> None:
    """'levy', 'tariff' and 'duty' are one measured thing; 'a peak of 4%' says nothing of what peaked."""
    lexicon = load_lexicon()
    assert measured_name("levy", lexicon) == measured_name("tariff", lexicon) == "duty"
    assert measured_name("Lawmaker", lexicon) == measured_name("deputy", lexicon)
    assert measured_name("peak", lexicon) == ""
    assert measured_name("fund", lexicon) == "fund"


def _percent(text: str, sentence: str, subject: str, measured: str, article: str) -> Claim:
    return Claim(
        kind="percent", text=text, value=float(text.split()[0].rstrip("%")), unit="%", subject=subject,
        measured=measured, evidence=Evidence(sentence=sentence, start=0, end=len(sentence)),
    )  # fmt: skip


def _conflicts(first: Claim, second: Claim) -> list[str]:
    lexicon = load_lexicon()
    held = claim_fact(first, "a", lexicon)
    fact = claim_fact(second, "b", lexicon)
    assert held is not None and fact is not None
    now = datetime(2025, 5, 2, tzinfo=UTC)
    event = EventState(id="e", title="t", first_published=now, last_published=now, facts=[held])
    return [f"{f.confidence}" for f in compare(event, [fact], lexicon=lexicon) if f.kind == "conflict"]


def test_two_wordings_of_one_levy_conflict_confidently() -> None:
    """'a flat 15% levy on steel' against 'a 12 per cent "safeguard tariff"': the same measured thing (the
    parse's word, one lexicon name) in sentences sharing no other word is a confident conflict."""
    levy = _percent(
        "15%",
        "Exporters said the flat 15% levy imposed on the region's steel could have been far worse.",
        "levy imposed on the region's steel",
        "levy",
        "a",
    )
    tariff = _percent(
        "12 per cent",
        'Canberra announced a 12 per cent "safeguard tariff" on the goods.',
        "Canberra announced",
        "tariff",
        "b",
    )
    assert [float(c) for c in _conflicts(levy, tariff)] == [0.85]


def test_two_values_of_different_measured_things_stay_apart() -> None:
    """'a 15% levy' and 'a 12 per cent rebate' worded alike otherwise are not values of one thing."""
    levy = _percent("15%", "Exporters said the flat 15% levy could have been far worse.", "levy", "levy", "a")
    rebate = _percent(
        "12 per cent",
        "Canberra announced a 12 per cent rebate on the goods.",
        "Canberra announced",
        "rebate",
        "b",
    )
    assert _conflicts(levy, rebate) == []
