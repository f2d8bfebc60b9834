"""An event that covers many places (a storm's path: the profile kind's ``spread``) has no one place to
conflict over; a quake's place still conflicts."""

from __future__ import annotations

from datetime import UTC, date, datetime

from monitor.detect.compare import compare
from monitor.detect.state import EventState, HeldFact
from monitor.lexicon import Slot, load_lexicon


def _place(value: str, article: str) -> HeldFact:
    quote = f"The storm battered {value} overnight, officials said."
    return HeldFact(slot=Slot.PLACE, kind="place", value=value, text=value, quote=quote, article_id=article)


def _compare(noun: str, held: HeldFact, new: HeldFact) -> list[tuple[str, float]]:
    """(kind, confidence) of the findings when an incident event ``noun`` holding ``held`` gets ``new``."""
    now = datetime(2022, 9, 29, tzinfo=UTC)
    event = EventState(id="e", title=noun, noun=noun, first_published=now, last_published=now, facts=[held])
    lexicon = load_lexicon()
    found = compare(event, [new], date(2022, 9, 29), profile=lexicon.profile("incident"), lexicon=lexicon)
    return [(finding.kind, finding.confidence) for finding in found]


def _findings(noun: str) -> list[str]:
    return [kind for kind, _ in _compare(noun, _place("Fort Myers", "a"), _place("Naples", "b"))]


def test_a_storm_hitting_two_towns_in_two_reports_is_no_place_conflict() -> None:
    """'battered Fort Myers' and 'battered Naples' in two reports of one hurricane are two places it hit."""
    assert _findings("storm") == []


def test_two_places_of_one_earthquake_still_conflict() -> None:
    """An earthquake is at one place: two reports naming two towns for it conflict."""
    assert _findings("earthquake") == ["conflict"]


def _dated(value: str, article: str) -> HeldFact:
    quote = f"The storm brought flooding on {value}, officials said."
    return HeldFact(slot=Slot.DATE, kind="date", value=value, text=value, quote=quote, article_id=article)


def _date_confidences(noun: str) -> list[float]:
    found = _compare(noun, _dated("2022-09-28", "a"), _dated("2022-09-29", "b"))
    return [confidence for kind, confidence in found if kind == "conflict"]


def test_a_storm_dated_a_day_apart_is_only_a_weak_conflict() -> None:
    """A storm lasts days: 'September 28' and 'September 29' in two reports may date two parts of it (low
    confidence); an earthquake's two days conflict confidently."""
    storm = _date_confidences("storm")
    assert storm and all(confidence < 0.5 for confidence in storm)
    assert any(confidence >= 0.5 for confidence in _date_confidences("earthquake"))
