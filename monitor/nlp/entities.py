"""Canonical entities: every name mention in a document resolved to one entity.

Resolution, per mention (spaCy entity span):

1. clean the span: drop leading titles ("President", "Japanese Prime
   Minister", "then-President"), a leading "the", a trailing possessive
   ("Yoon’s"), trailing lower-case words ("Kishida marks"), and re-attach a
   hyphenated name part the model cut off ("Cho Tae" + "-yong");
2. a span the entity ruler found, or whose key matches a storyline name or
   alias (or the built-in gazetteer), is that entity, with its label;
3. a shorter name that is the first or last word(s) of a person named
   elsewhere in the same article ("Yoon" / "Yoon Suk" for "Yoon Suk Yeol",
   "Akiba" for "Takeo Akiba") is that person — the nearest preceding full
   mention wins, else the nearest following one;
4. anything else is an unknown entity with spaCy's label and an id slugged
   from its longest spelling.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from monitor.models import CanonicalEntity, Mention
from monitor.nlp.catalog import Catalog, name_key, name_words
from monitor.storylines.config import entity_id

NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
TITLES = frozenset(
    {
        "president",
        "presidents",
        "prime",
        "minister",
        "ministers",
        "pm",
        "premier",
        "chancellor",
        "secretary",
        "general",
        "foreign",
        "defense",
        "defence",
        "finance",
        "trade",
        "vice",
        "deputy",
        "former",
        "then",
        "late",
        "acting",
        "incoming",
        "outgoing",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "dame",
        "king",
        "queen",
        "prince",
        "princess",
        "emperor",
        "empress",
        "crown",
        "pope",
        "senator",
        "sen",
        "rep",
        "representative",
        "governor",
        "gov",
        "mayor",
        "chairman",
        "chairwoman",
        "chair",
        "ceo",
        "leader",
        "envoy",
        "ambassador",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "adviser",
        "advisor",
        "chief",
        "justice",
        "judge",
        "lord",
        "lady",
        "gen",
        "col",
        "lt",
        "capt",
        "cmdr",
        "adm",
        "admiral",
        "sgt",
        "commander",
        "counterpart",
        "national",
        "security",
        "state",
    }
)
PERSON_TITLES = frozenset(
    {"president", "minister", "chancellor", "pm", "premier", "mr", "mrs", "ms", "dr", "senator", "sen",
     "rep", "governor", "mayor", "ceo", "executive", "spokesman", "spokeswoman", "spokesperson", "secretary",
     "king", "queen", "prince", "princess", "emperor", "pope", "adviser", "advisor", "ambassador", "envoy",
     "chairman", "chairwoman", "counterpart", "gen", "lt", "col", "admiral", "professor", "prof"}
)  # fmt: skip
_DEMONYM_ENDINGS = ("ese", "an", "ish", "ean", "i", "ch")
_POSSESSIVES = frozenset({"'s", "’s", "‘s", "'", "’", "s"})
_HYPHENS = frozenset({"-", "‐", "‑"})
_PARTICLES = frozenset({"de", "da", "van", "von", "der", "bin", "al", "la", "le", "du", "ibn", "of", "and"})
_PERSONISH = frozenset({"PERSON"})
_SMALL_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "and",
        "or",
        "for",
        "to",
        "with",
        "at",
        "by",
        "as",
        "from",
        "vs",
        "via",
    }
)
_PARTIAL_LABELS = frozenset({"PERSON", "ORG"})


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    label: str
    words: tuple[str, ...]
    entity: str | None = None


@dataclass
class _Entity:
    id: str
    name: str
    label: str
    known: bool
    mentions: list[_Mention] = field(default_factory=list)


def _is_title(token: Token) -> bool:
    text = token.text.casefold().rstrip(".")
    return text in TITLES or ("-" in text and text.split("-")[-1] in TITLES)


def _is_demonym(token: Token) -> bool:
    text = token.text.casefold()
    if text in {"u.s.", "us", "uk", "u.k.", "south", "north", "east", "west", "eu", "un"}:
        return True
    return token.text[:1].isupper() and text.endswith(_DEMONYM_ENDINGS) and token.ent_type_ in {"NORP", ""}


def _strip_left(tokens: list[Token]) -> list[Token]:
    """Drop leading titles, nationality words before a title, "the" and hyphens."""
    last_title = -1
    for index, token in enumerate(tokens[:-1]):
        if _is_title(token):
            last_title = index
        elif not (_is_demonym(token) or token.text in _HYPHENS or token.lower_ in {"the", "'s", "’s"}):
            break
    rest = tokens[last_title + 1 :]
    while len(rest) > 1 and (rest[0].lower_ in {"the", "a", "an"} or rest[0].text in _HYPHENS):
        rest = rest[1:]
    return rest


def _strip_right(tokens: list[Token], label: str) -> list[Token]:
    """Drop trailing possessives and punctuation; for names, trailing lower-case words."""
    rest = list(tokens)
    names = label in {"PERSON", "GPE", "LOC", "ORG"} and any(t.text[:1].isupper() for t in rest)
    while len(rest) > 1:
        last = rest[-1]
        lower_word = names and last.text[:1].islower() and last.lower_ not in _PARTICLES
        title = label == "NORP" and last.lower_.rstrip(".") in TITLES  # "Japanese PM"
        if (
            last.lower_ in _POSSESSIVES
            or last.is_punct
            or title
            or (lower_word and rest[-2].text not in _HYPHENS)
        ):
            rest = rest[:-1]
        else:
            break
    return rest


def _clean(span: Span) -> tuple[int, int, str] | None:
    """Character offsets and text of a name span without titles, possessives and stray words."""
    doc = span.doc
    if span.ent_id_:  # the entity ruler matched a known spelling exactly
        return span.start_char, span.end_char, span.text
    tokens = list(span)
    if span.label_ == "PERSON":  # "Foreign Ministry" or "General Motors" keep their first word
        tokens = _strip_left(tokens)
    else:  # "the United States", but "The Hague" keeps its article mid-sentence
        while (
            len(tokens) > 1
            and tokens[0].lower_ in {"the", "a", "an"}
            and (tokens[0].is_lower or tokens[0].is_sent_start)
        ):
            tokens = tokens[1:]
    tokens = _strip_right(tokens, span.label_)
    if not tokens or not any(t.text[:1].isupper() or t.text[:1].isdigit() for t in tokens):
        return None
    first, last = tokens[0], tokens[-1]
    end_i = last.i + 1
    # re-attach "-yong" in "Cho Tae-yong" when the model stopped at "Tae"
    while (
        span.label_ == "PERSON"
        and end_i + 1 < len(doc)
        and doc[end_i].text in _HYPHENS
        and not doc[end_i - 1].whitespace_
        and not doc[end_i].whitespace_
        and doc[end_i + 1].is_alpha
        and not doc[end_i + 1].ent_type_
        and (doc[end_i + 1].text[:1].islower() or len(tokens) > 1)
    ):
        end_i += 2
    start, end = first.idx, doc[end_i - 1].idx + len(doc[end_i - 1].text)
    text = doc[first.i : end_i].text
    # "Korea‘s" keeps its possessive inside one token
    for suffix in ("'s", "’s", "‘s"):
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text, end = text[: -len(suffix)], end - len(suffix)
    if not name_key(text):
        return None
    return start, end, text


def _after_person_title(doc: Doc, span: Span) -> bool:
    """Whether a person's title ("President", "Chancellor", "Mr") stands right before the span."""
    if span.start == 0:
        return False
    before = doc[span.start - 1].text.casefold().rstrip(".")
    return before in PERSON_TITLES and len(span) >= 2 and all(t.text[:1].isupper() for t in span)


def _partial_target(mention: _Mention, candidates: list[tuple[_Mention, str, bool]]) -> str | None:
    """The entity of the nearest longer mention starting (for people: or ending) with these words."""
    words = mention.words
    best: tuple[int, str] | None = None
    for other, ident, person in candidates:
        full = other.words
        if len(full) <= len(words):
            continue
        if full[: len(words)] != words and not (person and full[-len(words) :] == words):
            continue
        distance = mention.start - other.start
        if not person and distance <= 0:
            continue  # an organisation is shortened after its full name ("Toyota Motor ... Toyota")
        rank = distance if distance > 0 else 10**9 - distance  # preceding first, then following
        if best is None or rank < best[0]:
            best = (rank, ident)
    return None if best is None else best[1]


def _heading_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of heading-like lines: short, mostly Capitalized, no closing punctuation."""
    ranges: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        start, position = position, position + len(line) + 1
        words = [w for w in line.split() if w[:1].isalpha() and w.casefold() not in _SMALL_WORDS]
        stripped = line.rstrip()
        if not words or len(words) > 20 or stripped.endswith((".", "!", "?", '"', "”", "’", ":", ",")):
            continue
        if sum(w[:1].isupper() for w in words) >= 0.75 * len(words):
            ranges.append((start, start + len(line)))
    return ranges


def canonical_entities(doc: Doc, catalog: Catalog) -> tuple[CanonicalEntity, ...]:
    """Resolve every name mention in ``doc`` to one canonical entity.

    In heading-like lines ("Ishiba and Lee Meet in Tokyo") the model often
    reads capitalized words as names; there an unknown name counts only if
    the article's body names it too (or it shortens a name found there).
    """
    headings = _heading_lines(doc.text) if doc.ents else []
    entities: dict[str, _Entity] = {}
    pending: list[_Mention] = []
    all_mentions: list[_Mention] = []
    for span in doc.ents:
        if span.label_ not in NAME_LABELS:
            continue
        cleaned = _clean(span)
        if cleaned is None:
            if catalog.lookup(span.text) is None:
                continue
            cleaned = (span.start_char, span.end_char, span.text)
        start, end, text = cleaned
        label = span.label_
        if label != "PERSON" and not span.ent_id_ and _after_person_title(doc, span):
            label = "PERSON"  # "Chancellor Olaf Scholz" read as an organisation
        mention = _Mention(start, end, text, label, name_words(text))
        all_mentions.append(mention)
        entry = catalog.entries.get(span.ent_id_) if span.ent_id_ else None
        entry = entry or catalog.lookup(text)
        if entry is None:
            pending.append(mention)
            continue
        mention.entity = entry.id
        entities.setdefault(entry.id, _Entity(entry.id, entry.name, entry.label, entry.known))
    if headings:
        in_heading = [any(a <= m.start < b for a, b in headings) for m in pending]
        body_keys = {name_key(m.text) for m, h in zip(pending, in_heading, strict=True) if not h}
        body_words = {w for m, h in zip(pending, in_heading, strict=True) if not h for w in m.words}
        body_words |= {w for m in all_mentions if m.entity for w in m.words}
        dropped = {
            id(m)
            for m, h in zip(pending, in_heading, strict=True)
            if h and name_key(m.text) not in body_keys and not set(m.words) <= body_words
        }
        pending = [m for m in pending if id(m) not in dropped]
        all_mentions = [m for m in all_mentions if id(m) not in dropped]
    # unknown multi-word names first, so partial mentions can point at them
    pending.sort(key=lambda m: (-len(m.words), m.start))
    # people: any shorter name may point at them; organisations: only their first words ("Toyota")
    candidates = [
        (m, m.entity, entities[m.entity].label == "PERSON")
        for m in all_mentions
        if m.entity and entities[m.entity].label in _PARTIAL_LABELS
    ]
    for mention in pending:
        usable = [c for c in candidates if c[2] or mention.label == "ORG"]
        target = _partial_target(mention, usable) if len(mention.words) <= 2 else None
        if target is None:
            ident = entity_id(mention.text) or name_key(mention.text)
            existing = entities.get(ident)
            if existing is not None and existing.known:
                ident = f"{ident}-{mention.label.lower()}"
            entities.setdefault(ident, _Entity(ident, mention.text, mention.label, known=False))
            target = ident
        mention.entity = target
        if entities[target].label in _PARTIAL_LABELS:
            candidates.append((mention, target, entities[target].label == "PERSON"))
    for mention in sorted(all_mentions, key=lambda m: m.start):
        if mention.entity is not None:
            entities[mention.entity].mentions.append(mention)
    return tuple(_finish(e) for e in entities.values() if e.mentions)


def _finish(entity: _Entity) -> CanonicalEntity:
    label = entity.label
    if not entity.known and label not in _PERSONISH:
        label = Counter(m.label for m in entity.mentions).most_common(1)[0][0]
    return CanonicalEntity(
        id=entity.id,
        name=entity.name,
        label=label,
        known=entity.known,
        count=len(entity.mentions),
        surface_forms=tuple(dict.fromkeys(m.text for m in entity.mentions)),
        mentions=tuple(Mention(text=m.text, start=m.start, end=m.end, label=label) for m in entity.mentions),
    )
