"""Which storylines an enriched article belongs to, with a score and the reasons.

Scoring looks at *context*, not bags of words: the ``require_any`` groups of a
storyline must be satisfied together inside one sentence (or a short window)
for the article to be about the storyline, and it counts more when that happens
in the headline or lead and in several sentences. An article that merely names
the storyline's actors (a North Korean missile launch reported from Seoul and
Tokyo) or uses a keyword in passing (a concert tour with "security") falls below
the threshold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from monitor.detect.text import Sentence, fold, split_sentences, term_pattern
from monitor.lexicon import load_lexicon
from monitor.models import EnrichedArticle, MatchReason, StorylineMatch
from monitor.nlp.gazetteer import demonym_countries
from monitor.storylines.config import Storyline, entity_id
from monitor.storylines.sides import lead_sides, own_places, people_places, title_places

_LEAD_SENTENCES = 3
_LEAD_SIDES = 2  # headline and first sentence: whom the article is about
_MAX_REASON_SENTENCES = 3
_NO_PERSON_FACTOR = 0.6
_NO_PERSON_KNOWN_FACTOR = 0.8
_NO_CONTEXT_FACTOR = 0.5
_SIDE_LABELS = frozenset({"GPE", "LOC", "NORP"})  # places and peoples: named by others' news too


@dataclass
class _Term:
    """Something to look for: an entity (several spellings) or a keyword."""

    key: str
    patterns: list[re.Pattern[str]]
    is_entity: bool


@dataclass
class _Hits:
    """Per-sentence hits of one storyline on one article."""

    sentences: list[Sentence]
    entities: list[set[str]] = field(default_factory=list)
    keywords: list[set[str]] = field(default_factory=list)
    groups: list[set[int]] = field(default_factory=list)


def body_offset(enriched: EnrichedArticle) -> int:
    """How far :func:`article_sentences` offsets lie past the article text's (the prepended headline)."""
    article = enriched.article
    title = article.title.strip()
    if title and fold(title) not in fold(article.text[: len(title) + 40]):
        return len(title) + 1
    return 0


def article_sentences(enriched: EnrichedArticle) -> list[Sentence]:
    """Headline (if not repeated as the first line) followed by the body sentences."""
    article = enriched.article
    offset = body_offset(enriched)
    body = f"{article.title.strip()}\n{article.text}" if offset else article.text
    return split_sentences(body)


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, tuple[str, ...]]:
    """Demonyms that also signal a country ("Japanese Prime Minister"), by country entity id.

    From the NLP gazetteer's list; "-an" forms also as plurals ("South Koreans").
    """
    found: dict[str, list[str]] = {}
    for demonym, country in demonym_countries().items():
        written = demonym.title()
        found.setdefault(country, []).extend(
            [written, f"{written}s"] if written.endswith("an") else [written]
        )
    return {country: tuple(forms) for country, forms in found.items()}


def _entity_terms(storyline: Storyline, enriched: EnrichedArticle) -> dict[str, _Term]:
    extra: dict[str, set[str]] = {}
    for entity in enriched.entities:
        extra.setdefault(entity.id, set()).update(entity.surface_forms)
    terms: dict[str, _Term] = {}
    for spec in storyline.entities:
        names = {spec.name, *spec.aliases, *extra.get(spec.id, ())}
        if spec.label in {"GPE", "NORP", "LOC"}:
            names.update(_demonyms().get(spec.id, ()))
        terms[spec.id] = _Term(spec.id, [term_pattern(name) for name in sorted(names) if name.strip()], True)
    return terms


@lru_cache(maxsize=4096)
def _keyword_term(keyword: str) -> _Term:
    """A keyword; a phrase's last word also in the singular or plural ("joint exercises" finds "joint
    exercise", "rate cut" finds "rate cuts")."""
    patterns = [term_pattern(keyword, plural=" " not in keyword, case_sensitive=False)]
    words = keyword.split()
    if len(words) > 1 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        singular = " ".join([*words[:-1], words[-1][:-1]])
        patterns.append(term_pattern(singular, case_sensitive=False))
    elif len(words) > 1 and words[-1][-1:].isalpha():
        patterns.append(term_pattern(f"{keyword}s", case_sensitive=False))  # 'rate cut' finds 'rate cuts'
    return _Term(fold(keyword), patterns, False)


def _group_terms(
    storyline: Storyline, entities: dict[str, _Term], enriched: EnrichedArticle
) -> list[list[_Term]]:
    groups: list[list[_Term]] = []
    known_ids = {entity.id: entity for entity in enriched.entities}
    for group in storyline.require_any:
        terms: list[_Term] = []
        for item in group:
            key = entity_id(item)
            if key in entities:
                terms.append(entities[key])
            elif key in known_ids:
                forms = known_ids[key].surface_forms or (known_ids[key].name,)
                terms.append(_Term(key, [term_pattern(form) for form in forms], True))
            else:
                terms.append(_keyword_term(item))
        groups.append(terms)
    if not groups:
        if entities:
            groups.append(list(entities.values()))
        if storyline.keywords:
            groups.append([_keyword_term(keyword) for keyword in _vocabulary(storyline)])
    return groups


def _found(term: _Term, text: str) -> bool:
    return any(pattern.search(text) for pattern in term.patterns)


def _found_once(term: _Term, text: str, seen: dict[int, bool]) -> bool:
    key = id(term)
    if key not in seen:
        seen[key] = _found(term, text)
    return seen[key]


def _scan(
    sentences: list[Sentence],
    entities: dict[str, _Term],
    keywords: list[_Term],
    groups: list[list[_Term]],
) -> _Hits:
    hits = _Hits(sentences)
    for sentence in sentences:
        text = sentence.text
        seen: dict[int, bool] = {}  # a term is searched once per sentence, whichever list it is in
        hits.entities.append({key for key, term in entities.items() if _found_once(term, text, seen)})
        hits.keywords.append({term.key for term in keywords if _found_once(term, text, seen)})
        hits.groups.append(
            {index for index, group in enumerate(groups) if any(_found_once(t, text, seen) for t in group)}
        )
    return hits


def _window_cover(hits: _Hits, n_groups: int, width: int) -> list[int]:
    """Start indices of windows of ``width`` sentences that satisfy every group."""
    starts: list[int] = []
    for start in range(len(hits.sentences) - width + 1):
        covered: set[int] = set().union(*hits.groups[start : start + width])
        if len(covered) == n_groups:
            starts.append(start)
    return starts


def _score(hits: _Hits, n_groups: int, n_entities: int) -> tuple[float, list[int]]:
    """Score in [0, 1] and the indices of the sentences that best explain it."""
    n = len(hits.sentences)
    full = [i for i in range(n) if len(hits.groups[i]) == n_groups]
    pairs = [i for i in _window_cover(hits, n_groups, 2) if i not in full and i + 1 not in full]
    cooc = min(1.0, (len(full) + 0.5 * len(pairs)) / 3.0)
    lead_groups: set[int] = set().union(*hits.groups[:_LEAD_SENTENCES]) if n else set()
    if len(lead_groups) == n_groups and (
        (full and full[0] < _LEAD_SENTENCES + 2) or (pairs and pairs[0] < 2)
    ):
        lead = 1.0
    elif len(lead_groups) == n_groups:
        lead = 0.6
    elif n_groups > 1 and len(lead_groups) == n_groups - 1:
        lead = 0.25
    else:
        lead = 0.0
    relevant = sum(1 for groups in hits.groups if len(groups) >= min(2, n_groups))
    density = 0.5 * min(1.0, relevant / 4.0) + 0.5 * min(1.0, 4.0 * relevant / max(n, 1))
    distinct_entities = len(set().union(*hits.entities)) if n else 0
    distinct_keywords = len(set().union(*hits.keywords)) if n else 0
    diversity = 0.7 * min(1.0, distinct_entities / max(1, min(4, n_entities))) + 0.3 * min(
        1.0, distinct_keywords / 3.0
    )
    score = 0.35 * cooc + 0.3 * lead + 0.2 * density + 0.15 * diversity
    ranked = sorted(range(n), key=lambda i: (-len(hits.groups[i]), -len(hits.entities[i]), i))
    best = [i for i in ranked if hits.groups[i]][:_MAX_REASON_SENTENCES]
    return round(score, 3), sorted(best)


def _excluded(storyline: Storyline, text: str) -> bool:
    return any(term_pattern(word, case_sensitive=False).search(text) for word in storyline.exclude_keywords)


def _ordered(counts: dict[str, int]) -> tuple[str, ...]:
    return tuple(key for key, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _count(sets: Iterable[set[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for found in sets:
        for key in found:
            counts[key] = counts.get(key, 0) + 1
    return counts


def _salience_factor(storyline: Storyline, hits: _Hits, enriched: EnrichedArticle) -> float:
    """Discount articles whose actors are not the storyline's.

    A storyline that lists people, when none of them appears but other people do (coaches, a treasury
    secretary), is probably about someone else; when no person is known at all, less so. A storyline that
    lists entities beyond its required groups (the allies of an alliance storyline) expects one of them.
    Where the profile's actors are organisations (a central bank deciding), a lead naming one of the
    storyline's organisations is about them, whoever else is quoted.
    """
    found: set[str] = set().union(*hits.entities) if hits.entities else set()
    factor = 1.0
    people = {spec.id for spec in storyline.entities if spec.label == "PERSON"}
    bodies = {spec.id for spec in storyline.entities} - people
    in_lead: set[str] = set().union(*hits.entities[:_LEAD_SIDES]) if hits.entities else set()
    acts = load_lexicon().profile(storyline.profile).participants == "organisations" and bodies & in_lead
    if people and not people & found and not acts:
        others = any(entity.label == "PERSON" and entity.id not in people for entity in enriched.entities)
        factor *= _NO_PERSON_FACTOR if others else _NO_PERSON_KNOWN_FACTOR
    required = {entity_id(item) for group in storyline.require_any for item in group}
    extra = {spec.id for spec in storyline.entities} - required
    if required and extra and not extra & found:
        factor *= _NO_CONTEXT_FACTOR
    return factor


@lru_cache(maxsize=256)
def _vocabulary(storyline: Storyline) -> tuple[str, ...]:
    """The storyline's keywords; a plain storyline (no ``require_any``) adds its profile's event words.

    An analyst lists a few keywords; the kind of news the storyline follows (its profile) says how its
    events are reported ("held talks", "cut rates", "imposed duties").
    """
    if storyline.require_any:
        return storyline.keywords
    profile = load_lexicon().profile(storyline.profile)
    words = [trigger for kind in profile.event_kinds if kind.core for trigger in kind.triggers]
    known = {fold(keyword) for keyword in storyline.keywords}
    return (*storyline.keywords, *sorted({w for w in words if fold(w) not in known}))


def _own_keyword(storyline: Storyline, hits: _Hits) -> bool:
    """One of the analyst's own keywords (not only the profile's event words) is in the article."""
    found: set[str] = set().union(*hits.keywords)
    return any(_keyword_term(keyword).key in found for keyword in storyline.keywords)


def _headline_event(storyline: Storyline, hits: _Hits) -> bool:
    """The headline names one of the storyline's own entities and one of its profile's event words ('Keir
    Starmer puts wealth creation at heart of Labour manifesto'): an event of the storyline's actors.

    A headline naming one of its own people, bodies or named events (not a place: places are named by
    other news too) is about them when the lead's sentences report an event of the profile's kind, worded
    otherwise than the analyst's keywords ('Powell says he would not resign', then 'the Fed's decision to
    cut its benchmark rate')."""
    if not hits.sentences or hits.sentences[0].index != 0 or not hits.entities[0]:
        return False  # both ways need an entity in the headline: checked before the keywords are read
    own = {_keyword_term(k).key for k in storyline.keywords}
    if hits.keywords[0] - own:
        return True
    actors = {spec.id for spec in storyline.entities if spec.label not in _SIDE_LABELS}
    return bool(hits.entities[0] & actors) and any(found - own for found in hits.keywords[:_LEAD_SENTENCES])


def _places_together(
    storyline: Storyline, sentences: list[Sentence], known: Mapping[str, str], others: Sequence[str]
) -> bool:
    """A plain storyline of relations between countries is about them together, from its lead on.

    Whether a kind of news is about relations is its profile's ``countries_together`` (meetings and trade
    disputes are; elections or disasters listing several countries are not). The headline and first
    sentences must name two of the storyline's sides (its countries or bodies, or its people), and one of
    the places its title names when it names any: a story whose lead names one side and a third country
    (one side's leader meeting someone else, another country's tariffs on the same goods) is not the
    storyline's, even when the other side is mentioned further down. ``require_any`` states this
    explicitly.
    """
    if storyline.require_any or not load_lexicon().profile(storyline.profile).countries_together:
        return True
    if len(own_places(storyline)) < 2:
        return True
    sides, people = lead_sides(storyline, sentences, _LEAD_SIDES, known, others)
    focus = title_places(storyline)
    named = bool(sides) or people >= 2  # two leaders named alone each stand for a side the article names
    return named and len(sides) + people >= 2 and (not focus or bool(focus & sides) or people > 0)


def _before_its_year(storyline: Storyline, enriched: EnrichedArticle) -> bool:
    """A storyline whose title names a year ("... earthquake 2025") is not in news published before it,
    nor before its profile's lead-in (an election's campaign, begun the year before)."""
    years = [int(year) for year in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", storyline.title)]
    published = enriched.article.published
    if not years or published is None:
        return False
    lead_in = timedelta(days=load_lexicon().profile(storyline.profile).lead_in_days)
    return published.date() < date(min(years), 1, 1) - lead_in


def _another_contest(storyline: Storyline, sentences: list[Sentence]) -> bool:
    """The headline or first sentence names an event like the storyline's that is someone else's (a
    by-election or a mayor's race in a general-election storyline; a central-bank chair's symposium address
    or a member's confirmation in a rate-decision storyline: the profile's ``other_events``), and the
    storyline's own title and keywords do not name it."""
    if storyline.require_any:
        return False
    pattern = load_lexicon().profile(storyline.profile).other_events_pattern
    own = fold(" ".join((storyline.title, *storyline.keywords)))
    return any(
        fold(found.group(0)) not in own
        for sentence in sentences[:_LEAD_SIDES]
        for found in pattern.finditer(sentence.text)
    )


@lru_cache(maxsize=16)
def _named_incident_pattern(profile_id: str | None) -> re.Pattern[str]:
    """A named event of the profile's kinds: a capitalised event word and a name ('Typhoon Haiyan')."""
    profile = load_lexicon().profile(profile_id)
    words = sorted({t for kind in profile.event_kinds if kind.core for t in kind.triggers if " " not in t})
    body = "|".join(re.escape(word[:1].upper() + word[1:]) for word in words)
    return re.compile(rf"(?<![\w-])(?:{body})\s+([A-Z][\w\-]+)")


@lru_cache(maxsize=64)
def _own_incident_names(storyline: Storyline) -> frozenset[str]:
    """The named events of its profile's kinds that a storyline's title and entities name (read once)."""
    pattern = _named_incident_pattern(storyline.profile)
    own_text = " ".join((storyline.title, *(n for e in storyline.entities for n in (e.name, *e.aliases))))
    return frozenset(fold(found.group(1)) for found in pattern.finditer(own_text))


def _another_named_incident(storyline: Storyline, sentences: list[Sentence]) -> bool:
    """A storyline following one named event ('Typhoon Haiyan 2013') whose lead names another of its kind
    ('Typhoon Bopha' in a body sentence: headlines may be written in title case) and never its own: another
    storm's news, whatever places the two share."""
    own = _own_incident_names(storyline)
    if not own:
        return False
    lead = sentences[:_LEAD_SENTENCES]
    if any(term_pattern(name).search(sentence.text) for name in own for sentence in lead):
        return False
    pattern = _named_incident_pattern(storyline.profile)
    return any(
        fold(found.group(1)) not in own for sentence in lead[1:] for found in pattern.finditer(sentence.text)
    )


_CAUSE_REACH = 4  # words from a reference marker to the name it makes a model ('mirroring the ECB')


def _only_referenced(storyline: Storyline, entities: dict[str, _Term], sentences: list[Sentence]) -> bool:
    """The lead names the storyline's entities only as a cause or a model of news of the storyline's own
    kind ('Denmark's central bank cuts key rate, mirroring ECB'; '... lowered its rate, following the European
    Central Bank's decision'): someone else acts. Where the news before the reference is no event of the
    profile nor one reported done ('The Dow fell 500 points after the Fed said ...'), it is the storyline's
    event's aftermath, still its news."""
    lexicon = load_lexicon()
    cause = lexicon.language.reference
    acts = lexicon.profile(storyline.profile).anchor_pattern  # its event words and words reporting one done
    named = acted = False
    for sentence in sentences[:_LEAD_SIDES]:
        text = sentence.text
        for term in entities.values():
            for pattern in term.patterns:
                for found in pattern.finditer(text):
                    named = True
                    before = " ".join(text[: found.start()].split()[-_CAUSE_REACH:])
                    marker = cause.search(before)
                    if not marker:
                        return False
                    clause = text[: found.start()]
                    acted = acted or acts.search(clause[: clause.rfind(marker.group(0))]) is not None
    return named and acted


def _lead_places_together(storyline: Storyline, sentences: list[Sentence], known: Mapping[str, str]) -> bool:
    """The lead names two of a relations storyline's places: whoever else is named, it is their story."""
    if storyline.require_any or not load_lexicon().profile(storyline.profile).countries_together:
        return False
    return len(lead_sides(storyline, sentences, _LEAD_SIDES, known)[0]) >= 2


def _people_named(enriched: EnrichedArticle) -> tuple[str, ...]:
    """Every form the article's NLP read as a person."""
    return tuple(
        form for entity in enriched.entities if entity.label == "PERSON" for form in entity.surface_forms
    )


def score_storyline(
    enriched: EnrichedArticle, storyline: Storyline, known: Mapping[str, str] | None = None
) -> tuple[float, MatchReason] | None:
    """Score one article against one storyline; None when a hard rule rules it out.

    ``known`` maps people to the country they belong to (:func:`people_places` of every storyline)."""
    known = known or {}
    sentences = article_sentences(enriched)
    full_text = "\n".join(sentence.text for sentence in sentences)
    if not sentences or _excluded(storyline, full_text) or _before_its_year(storyline, enriched):
        return None
    if _another_contest(storyline, sentences) or _another_named_incident(storyline, sentences):
        return None
    entities = _entity_terms(storyline, enriched)
    if not storyline.require_any and _only_referenced(storyline, entities, sentences):
        return None
    keywords = [_keyword_term(keyword) for keyword in _vocabulary(storyline)]
    groups = _group_terms(storyline, entities, enriched)
    if not groups:
        return None
    hits = _scan(sentences, entities, keywords, groups)
    covered: set[int] = set().union(*hits.groups)
    if len(covered) < len(groups) or not _places_together(
        storyline, sentences, known, _people_named(enriched)
    ):
        return None
    plain = not storyline.require_any and storyline.keywords
    if plain and not _own_keyword(storyline, hits) and not _headline_event(storyline, hits):
        return None  # the profile's event words alone do not make an article the storyline's topic
    score, best = _score(hits, len(groups), len(entities))
    if not _lead_places_together(storyline, sentences, known):
        score = round(score * _salience_factor(storyline, hits, enriched), 3)
    reason = MatchReason(
        entities=_ordered(_count(hits.entities)),
        keywords=_ordered(_count(hits.keywords)),
        sentences=tuple(sentences[i].text for i in best),
    )
    return score, reason


def match_storylines(
    enriched: EnrichedArticle, storylines: Sequence[Storyline], *, min_score: float
) -> list[StorylineMatch]:
    """Every storyline the article belongs to, best first.

    ``min_score`` is the default threshold; a storyline's own ``min_score``
    overrides it.
    """
    matches: list[StorylineMatch] = []
    known = people_places(tuple(storylines))
    for storyline in storylines:
        scored = score_storyline(enriched, storyline, known)
        if scored is None:
            continue
        score, reason = scored
        threshold = storyline.min_score if storyline.min_score is not None else min_score
        if score < threshold:
            continue
        matches.append(
            StorylineMatch(
                storyline_id=storyline.id,
                storyline_title=storyline.title,
                score=score,
                reason=reason,
                enriched=enriched,
            )
        )
    matches.sort(key=lambda match: (-match.score, match.storyline_id))
    return matches
