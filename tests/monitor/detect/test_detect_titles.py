"""Event titles name people as the articles and the storyline name them, with no naming convention assumed."""

# ruff: noqa: E501  (news prose and test names are kept on one line)
from __future__ import annotations

from collections.abc import Callable

from detect_builders import make_article

from monitor.detect.extract import short_name
from monitor.models import Article, EnrichedArticle

Enrich = Callable[[Article], EnrichedArticle]


def _person(enriched: EnrichedArticle, name: str):  # type: ignore[no-untyped-def]
    return next(entity for entity in enriched.entities if entity.label == "PERSON" and entity.name == name)


def test_particle_names_keep_their_particles(enrich: Enrich) -> None:
    """'Ursula von der Leyen', called 'von der Leyen' by the article, is not shortened to 'Leyen'."""
    text = (
        "European Commission President Ursula von der Leyen said on Wednesday the EU would open an investigation.\n"
        "Von der Leyen told lawmakers in Strasbourg that von der Leyen's team had the evidence.\n"
    )
    enriched = enrich(make_article("vdl", text, published="2023-09-13T10:00:00+00:00"))
    person = next(
        entity for entity in enriched.entities if entity.label == "PERSON" and "Leyen" in entity.name
    )
    assert "Leyen" in {mention.text for mention in person.mentions}  # the bare form the title must not use
    assert short_name(person) == "von der Leyen"


def test_storyline_alias_names_the_person(enrich: Enrich) -> None:
    """The analyst's alias wins: 'Yoon' for 'Yoon Suk Yeol' even where the article only writes the full name."""
    text = (
        "South Korean President Yoon Suk Yeol met Japanese Prime Minister Fumio Kishida in Seoul on Sunday.\n"
    )
    enriched = enrich(make_article("y", text, published="2023-05-07T10:00:00+00:00"))
    person = _person(enriched, "Yoon Suk Yeol")
    assert short_name(person) == "Yoon Suk Yeol"  # the article never writes a shorter form
    assert short_name(person, ("Yoon Suk Yeol", "Yoon Suk-yeol", "Yoon")) == "Yoon"
