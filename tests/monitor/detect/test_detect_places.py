"""Continents and world regions are too coarse to be an event's place."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from monitor.detect.events import _elsewhere_another_day
from monitor.detect.extract import Signature
from monitor.detect.state import EventState, HeldFact
from monitor.lexicon import Slot, load_lexicon
from monitor.models import ArticleRef


def test_a_continent_is_no_place_that_sets_an_event_elsewhere() -> None:
    """An event in Strasbourg and a report placing it 'in Europe' a day off: the continent is too coarse to
    say the report is of another event, so the two may still be one (and their days compared)."""
    lexicon = load_lexicon()
    assert lexicon.places.is_coarse("Europe") and lexicon.places.is_coarse("France")
    assert not lexicon.places.is_coarse("Strasbourg")
    held = HeldFact(slot=Slot.DATE, kind="date", value="2026-09-16", article_id="a")
    published = datetime(2026, 9, 16, 18, tzinfo=UTC)
    event = EventState(
        id="e", title="probe", first_published=published, last_published=published, facts=[held],
        place="Strasbourg", date=date(2026, 9, 16),
    )  # fmt: skip
    ref = ArticleRef(id="b", url="https://example.org/b", title="Probe", source="Wire", published=published)
    sig = Signature(
        ref=ref, published=published, participants=[], names={},
        weights={}, people=[], place="Europe", place_explicit=True, place_quote="", date=date(2026, 9, 15),
        date_explicit=False, date_quote="The probe was announced on Tuesday.", status=None, misdated=False,
        status_quote="", noun="investigation",
    )  # fmt: skip
    assert not _elsewhere_another_day(event, sig, lexicon)
    assert _elsewhere_another_day(event, replace(sig, place="Brussels"), lexicon)
