"""An amount of one thing given in two currencies must convert at about the going rate."""

from __future__ import annotations

from monitor.detect.currencies import currency_clash
from monitor.detect.state import HeldFact
from monitor.lexicon import load_lexicon


def _amount(article: str, number: float, unit: str, measured: str = "loan", **extra: object) -> HeldFact:
    return HeldFact(
        slot=f"money:{unit.casefold()}", kind="money", value=f"{number:g}", number=number, unit=unit,
        measured=measured, referents=["kenya"], text=f"{number:g} {unit}", article_id=article, **extra,
    )  # fmt: skip


def test_the_same_digits_in_two_currencies_off_par_clash() -> None:
    """'a $2.1 billion loan to Kenya' against 'a loan of 2.1 billion euros': one changed the currency."""
    held = _amount("a", 2.1e9, "USD")
    clash = currency_clash(_amount("b", 2.1e9, "EUR"), [held], load_lexicon())
    assert clash is not None and clash[0] is held


def test_a_fair_conversion_or_another_measured_thing_does_not_clash() -> None:
    """'$380 million' and 'about 350 million euros' convert; a loan and a grant are two things; a report's own
    two currencies are its own conversion; so far apart amounts are not read (other days' rates, years)."""
    lexicon = load_lexicon()
    assert currency_clash(_amount("b", 3.5e8, "EUR"), [_amount("a", 3.8e8, "USD")], lexicon) is None
    assert currency_clash(_amount("b", 3.5e7, "EUR"), [_amount("a", 3.8e8, "USD")], lexicon) is None
    assert currency_clash(_amount("b", 2.1e9, "EUR", "grant"), [_amount("a", 2.1e9, "USD")], lexicon) is None
    assert currency_clash(_amount("a", 2.1e9, "EUR"), [_amount("a", 2.1e9, "USD")], lexicon) is None
    assert (
        currency_clash(_amount("b", 2.1e9, "EUR"), [_amount("a", 2.1e9, "USD", background=True)], lexicon)
        is None
    )
