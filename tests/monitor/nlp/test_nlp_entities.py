"""Canonical entities: one entity per real-world name, whatever the spelling."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.language import Language

from monitor.models import Article, CanonicalEntity, EnrichedArticle
from monitor.nlp.enrich import enrich_batch
from monitor.storylines.config import Storyline


def _by_id(entities: tuple[CanonicalEntity, ...]) -> dict[str, CanonicalEntity]:
    return {e.id: e for e in entities}


@pytest.mark.parametrize(
    ("ident", "spellings"),
    [
        ("yoon-suk-yeol", {"Yoon Suk-yeol", "Yoon Suk Yeol", "Yoon"}),
        ("lee-jae-myung", {"Lee Jae Myung", "Lee Jae-myong", "Lee Jae-Myung", "Lee"}),
        ("fumio-kishida", {"Fumio Kishida", "Kishida"}),
        ("shigeru-ishiba", {"Shigeru Ishiba", "Ishiba", "Ishiba Shigeru"}),
    ],
)
def test_leaders_resolve_to_one_entity_across_seeds(
    enriched_seeds: dict[str, EnrichedArticle], ident: str, spellings: set[str]
) -> None:
    """Every spelling of a leader in the seeds lands on one PERSON entity; no other entity holds one."""
    forms: set[str] = set()
    for enriched in enriched_seeds.values():
        entities = _by_id(enriched.entities)
        if ident in entities:
            entity = entities[ident]
            assert entity.label == "PERSON" and entity.known
            assert entity.count == len(entity.mentions)
            forms |= set(entity.surface_forms)
        strays = [
            e.id for e in enriched.entities if e.id != ident and set(e.surface_forms) & (spellings - {"Lee"})
        ]
        assert not strays, strays
    assert spellings <= forms


def test_mentions_point_at_the_text(enriched_seeds: dict[str, EnrichedArticle]) -> None:
    """Each mention's offsets cut exactly its text out of the article."""
    for enriched in enriched_seeds.values():
        for entity in enriched.entities:
            for mention in entity.mentions:
                assert enriched.article.text[mention.start : mention.end] == mention.text


def test_titles_possessives_and_partial_names(
    nlp: Language, storylines: tuple[Storyline, ...], make_article: Callable[..., Article]
) -> None:
    """Titles and possessives are stripped; a surname alone joins the full name said in the article."""
    text = (
        "German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris. "
        "Scholz's office said Macron's team agreed. South Korean national security adviser "
        "Cho Tae-yong met Takeo Akiba. Cho and Akiba discussed trade."
    )
    entities = _by_id(enrich_batch(nlp, [make_article(text)], storylines)[0].entities)
    assert set(entities["olaf-scholz"].surface_forms) == {"Olaf Scholz", "Scholz"}
    assert entities["olaf-scholz"].label == "PERSON"
    assert set(entities["emmanuel-macron"].surface_forms) == {"Emmanuel Macron", "Macron"}
    assert set(entities["cho-tae-yong"].surface_forms) == {"Cho Tae-yong", "Cho"}
    assert entities["takeo-akiba"].count == 2
    assert not entities["paris"].known and entities["paris"].label == "GPE"


def test_known_entities_override_statistical_labels(enriched_seeds: dict[str, EnrichedArticle]) -> None:
    """Kyiv (read as a person by the model) is a GPE; "Kishida marks" is Fumio Kishida."""
    seed = _by_id(enriched_seeds["000"].entities)
    assert seed["kyiv"].label == "GPE"
    assert "Kishida" in seed["fumio-kishida"].surface_forms
    assert not any("marks" in form for e in seed.values() for form in e.surface_forms)


def test_unknown_entities_keep_the_model_label(enriched_seeds: dict[str, EnrichedArticle]) -> None:
    """Names no storyline knows are kept, unknown, with spaCy's label and a slug id."""
    seed = _by_id(enriched_seeds["002"].entities)
    assert seed["toshihiro-nikai"].label == "PERSON" and not seed["toshihiro-nikai"].known
    assert set(seed["toshihiro-nikai"].surface_forms) == {"Toshihiro Nikai", "Nikai"}
    assert seed["liberal-democratic-party"].label == "ORG"


def test_storyline_alias_brings_a_new_spelling(make_article: Callable[..., Article]) -> None:
    """An alias added in the storylines file makes a new romanization resolve to the entity."""
    from monitor.nlp.pipeline import load_pipeline
    from monitor.storylines.config import parse_storylines

    stories = parse_storylines(
        [{"id": "s", "title": "S", "entities": [{"name": "Kim Jong Un", "aliases": ["Kim Jong-eun"]}]}]
    )
    custom = load_pipeline(stories)
    text = "Kim Jong-eun inspected a factory. Kim Jong Un later spoke."
    entities = _by_id(enrich_batch(custom, [make_article(text)], stories)[0].entities)
    assert set(entities["kim-jong-un"].surface_forms) == {"Kim Jong-eun", "Kim Jong Un"}
    assert entities["kim-jong-un"].known


def test_heading_words_are_not_names(enriched_seeds: dict[str, EnrichedArticle]) -> None:
    """Capitalized words of heading lines ("Ishiba and Lee Meet in Tokyo") make no unknown entities."""
    seed = _by_id(enriched_seeds["002"].entities)
    assert not {"lee-meet", "key-objectives", "historical-sensitivities", "personnel-hosted"} & set(seed)
    assert "toshihiro-nikai" in seed and "shigeru-ishiba" in seed
