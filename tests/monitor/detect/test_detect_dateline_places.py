"""A dateline naming a town before the larger place it lies in gives the town, even where NLP missed it."""

from __future__ import annotations

from monitor.detect.places import dateline_place
from monitor.models import CanonicalEntity


def _place(name: str, *forms: str) -> CanonicalEntity:
    return CanonicalEntity(
        id=name.lower(),
        name=name,
        label="GPE",
        known=False,
        count=1,
        surface_forms=(name, *forms),
        mentions=(),
    )


def test_a_dateline_town_before_a_known_place_is_that_town() -> None:
    """AFP's 'Woodside, California - President Joe Biden ...' (15 Nov 2023): Woodside lies in California."""
    places = [_place("California"), _place("San Francisco")]
    assert dateline_place("Woodside, California - President Joe Biden and Chinese", places) == (
        "Woodside",
        "California",
    )
    assert dateline_place("WOODSIDE, Calif. (AP) - President", [_place("Calif.")]) == ("Woodside", "Calif.")


def test_a_dateline_with_a_day_or_an_already_known_town_gives_nothing() -> None:
    """CNA's 'Taipei, April 23 (CNA)' names a day, not a larger place; a town the NLP stage already read as a
    place is placed by the usual rules."""
    assert dateline_place("Taipei, April 23 (CNA) The magnitude 6.0", [_place("Taipei")]) is None
    places = [_place("Woodside"), _place("California")]
    assert dateline_place("Woodside, California - President", places) is None
