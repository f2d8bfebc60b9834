"""Event titles name people as the articles and the storyline name them, with no naming convention assumed."""

# ruff: noqa: E501  (news prose and test names are kept on one line)
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from detect_builders import make_article

from monitor.detect.events import absorb, new_event
from monitor.detect.extract import Signature, short_name
from monitor.lexicon import load_lexicon
from monitor.models import Article, ArticleRef, EnrichedArticle

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


def test_the_third_leader_of_a_trilateral_is_named() -> None:
    """A trilateral summit whose storyline lists only the host: the two visitors are named about as often as
    each other, less than the host, and both are in the title ('Biden–Kishida–Yoon summit')."""
    published = datetime(2023, 8, 18, 21, tzinfo=UTC)
    ref = ArticleRef(
        id="a", url="https://example.org/a", title="Camp David summit", source="Wire", published=published
    )
    names = {"joe-biden": "Biden", "fumio-kishida": "Kishida", "yoon-suk-yeol": "Yoon"}
    sig = Signature(
        ref=ref, published=published, participants=list(names), names=names,
        weights={"joe-biden": 1.0, "yoon-suk-yeol": 0.55, "fumio-kishida": 0.5}, people=list(names),
        place="Camp David", place_explicit=True, place_quote="", date=date(2023, 8, 18), date_explicit=True,
        date_quote="Biden hosted Kishida and Yoon at Camp David on Friday.", status=None, misdated=False,
        status_quote="", noun="summit",
    )  # fmt: skip
    event = new_event("us", sig)
    absorb(event, sig, [], now=published, profile=load_lexicon().profile())
    assert event.title == "Biden–Kishida–Yoon summit in Camp David, 18 August 2023"
