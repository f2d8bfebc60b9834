"""Amounts of one thing given in two currencies: a conversion that cannot be right.

Reports of one event often give the same amount in different currencies ('$7.4 billion', '7.4 billion
euros'). Two such amounts of one measured thing (the parse's word, one lexicon name: :mod:`facts`) of one
referent can both hold only if they convert into each other at about the going rate. The lexicon holds
rough levels of each currency per US dollar (``currency_per_usd``); rates drift, so only one clash is read:
the same digits in currencies off par (one report kept the number and changed the currency). Amounts
further apart than a drifting rate explains ('$612 million', 'roughly 56 million euros') are not read yet:
reports convert at other days' rates and give amounts of other years.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.detect.figures import identity_gap
from monitor.detect.state import HeldFact
from monitor.detect.text import fold
from monitor.lexicon import Lexicon

PAR = 0.05  # currencies whose rate is within this share of each other are at par: equal digits may hold


def currency_clash(
    fact: HeldFact, held_facts: Sequence[HeldFact], lexicon: Lexicon
) -> tuple[HeldFact, str] | None:
    """A held amount of the same measured thing in another currency written with the new amount's digits,
    though the two currencies are not at par, with the reason; None when there is none."""
    rates = lexicon.language.currency_rates
    mine = rates.get(fold(fact.unit))
    if (
        fact.kind != "money"
        or not fact.measured
        or fact.background
        or fact.bound
        or not mine
        or not fact.number
    ):
        return None
    for held in held_facts:
        theirs = rates.get(fold(held.unit))
        if (
            held.kind != "money" or held.measured != fact.measured or not theirs or theirs == mine
            or held.article_id == fact.article_id or held.background or held.bound or not held.number
            or ("proposed" in {held.qualifier, fact.qualifier} and held.qualifier != fact.qualifier)
            or identity_gap(tuple(fact.referents), tuple(held.referents), fact.marks, held.marks)
        ):  # fmt: skip
            continue
        rate = mine / theirs  # units of the new amount's currency per unit of the held one's
        if fact.number == held.number and abs(rate - 1) > PAR:
            return (
                held,
                "the same digits in two currencies that are not at par: one report changed the currency",
            )
    return None
