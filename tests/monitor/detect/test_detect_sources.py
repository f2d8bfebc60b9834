"""Figures each attributed to a different named source are that source's figures, not one fact."""

from __future__ import annotations

from monitor.detect.figures import same_source, sources
from monitor.detect.state import HeldFact
from monitor.lexicon import load_lexicon


def _fact(quote: str, referent_names: tuple[str, ...] = ()) -> HeldFact:
    return HeldFact(slot="quantity:magnitude", kind="quantity", value="7.8", number=7.8, quote=quote,
                    referent_names=list(referent_names), article_id="a")  # fmt: skip


def test_source_is_read_after_according_to_and_before_said() -> None:
    """'according to the US Geological Survey' and 'Turkey's emergency agency AFAD said' name their sources;
    'officials said' names none."""
    lexicon = load_lexicon()
    usgs = sources(
        _fact("A magnitude 7.8 quake hit Turkey on Monday, according to the US Geological Survey."), lexicon
    )
    afad = sources(_fact("Turkey's emergency agency AFAD said the quake had a magnitude of 7.4."), lexicon)
    assert usgs == ("US", "Geological", "Survey")
    assert "AFAD" in afad and not same_source(usgs, afad)
    assert sources(_fact("The quake had a magnitude of 7.4, officials said."), lexicon) == ()


def test_an_acronym_is_the_same_source_as_its_names() -> None:
    """'USGS' and 'US Geological Survey', 'ECB' and 'European Central Bank' are one source each."""
    assert same_source(("USGS",), ("US", "Geological", "Survey"))
    assert same_source(("European", "Central", "Bank"), ("ECB",))
    assert not same_source(("AFAD",), ("US", "Geological", "Survey"))


def test_the_figures_own_referent_is_not_a_source() -> None:
    """'the Bank of England said it raised Bank Rate to 3%': the bank announcing its own rate is not a
    third-party source."""
    quote = "The Bank of England said it raised Bank Rate to 3 per cent."
    assert sources(_fact(quote, ("Bank of England",)), load_lexicon()) == ()
