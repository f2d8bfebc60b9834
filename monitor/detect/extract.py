"""What one matched article says about the event it covers.

From the enriched article (entities, claims) and its sentences this reads the
participants, place, date and status of the event, the outcomes it reports
("agreed to ...", "pledged ...") and the claims it makes, each with the
sentence it came from. Background sentences (other years, "last met",
"previous president") do not describe the event and are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from monitor.detect.dates import FUTURE, ArticleDates, FoundDate, article_dates
from monitor.detect.facts import article_facts
from monitor.detect.participants import own_participants, rival_participants
from monitor.detect.state import HeldFact
from monitor.detect.text import COUNTRIES, Sentence, fold, term_pattern, tokens
from monitor.models import ArticleRef, CanonicalEntity, StorylineMatch
from monitor.storylines.match import article_sentences, body_offset

EVENT_NOUNS = (
    "summit", "talks", "meeting", "visit", "call", "dialogue", "conference", "agreement", "deal", "treaty",
    "exercise", "drills", "tariff", "sanctions", "launch", "test", "election", "attack", "strike",
)  # fmt: skip
_NOUN_RE = re.compile(
    r"\b(summit|talks|meet|meets|met|meeting|visit|visits|visited|call|dialogue|conference|agreement|deal|"
    r"treaty|exercises?|drills?|tariffs?|sanctions|launch|test|election|host|hosts|hosted)\b",
    re.IGNORECASE,
)
_BACKGROUND = re.compile(
    r"\b(last met|previously|previous|predecessor|former|then-|at that time|in the past|historically|"
    r"history|years ago|last year|last week|last month|earlier this year|back in|since taking office|"
    r"took office)\b",
    re.IGNORECASE,
)
_OUTCOME_CONTEXT = re.compile(
    r"\b(summit|talks|meeting|met|meet|visit|visited|leaders|both sides|the two sides|the two)\b",
    re.IGNORECASE,
)
_LEADERS = re.compile(r"\b(the (?:two|three) leaders|leaders of|both leaders|the leaders)\b", re.IGNORECASE)
_CONTINUES = re.compile(r"^(They|He|She|It|The two|Both)\s+(also|then)\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_POSTPONED = re.compile(
    r"\b(postponed|postpone|called off|cancell?ed|cancel|delayed|scrapped|put off)\b", re.I
)
_NEGATED = re.compile(r"\b(not|no|never|denied|deny|rather than)\b", re.IGNORECASE)
_HELD = re.compile(
    r"\b(met|held|concluded|wrapped up|finished|arrived|hailed|agreed|took place|hosted|visited)\b",
    re.IGNORECASE,
)
_PLACE_CONTEXT = (
    r"(?:\bin|\bat|(?:visit|visits|trip|travel\w*|arriv\w*|came|went|flew|return\w*|welcomed?)\s+to|"
    r"\bvisit(?:s|ed|ing)?|\bcity\s+of)"
    r"\s+(?:the\s+)?"
)


@dataclass
class Signature:
    """The event-relevant content of one article."""

    ref: ArticleRef
    published: datetime
    participants: list[str]
    names: dict[str, str]
    weights: dict[str, float]
    people: list[str]
    place: str | None
    place_explicit: bool
    place_quote: str
    date: date
    date_explicit: bool
    date_quote: str
    status: str | None
    status_quote: str
    noun: str
    facts: list[HeldFact] = field(default_factory=list)
    terms: Counter[str] = field(default_factory=Counter)
    text: str = ""


def short_name(entity: CanonicalEntity) -> str:
    """How a title names a person: the family name ('Kishida', 'Yoon' for 'Yoon Suk Yeol', 'Lee Jae-myung').

    East Asian names written family-first (three parts, or a hyphenated given name) keep their first part,
    others their last; a one-word form the article itself uses wins when it is one of the name's parts.
    """
    parts = entity.name.split()
    if not parts:
        return entity.name
    family = parts[0] if len(parts) == 3 or (len(parts) == 2 and "-" in parts[-1]) else parts[-1]
    singles = [
        form for form in entity.surface_forms if " " not in form and "-" not in form and form[:1].isupper()
    ]
    if not singles or family in singles:
        return family
    in_name = [form for form in singles if form in parts]
    return in_name[0] if in_name else family


def _mentions(entity: CanonicalEntity, text: str) -> bool:
    return any(
        term_pattern(form).search(text) for form in {entity.name, *entity.surface_forms} if form.strip()
    )


def is_background(
    sentence: Sentence, previous_background: bool, published: date, dates: ArticleDates
) -> bool:
    """True when the sentence describes something other than the current event.

    Other years, background wording ("last met", "previously"), or a month named without a day ("in March",
    not "since March") that is neither this month nor the next.
    """
    years = {int(year) for year in _YEAR.findall(sentence.text)}
    if years and not years & {published.year, published.year + 1}:
        return True
    if _BACKGROUND.search(sentence.text):
        return True
    for period in dates.periods_in(sentence):
        if period.unit == "month" and not period.ongoing and (period.value.month - published.month) % 12 > 1:
            return True
    return previous_background and _CONTINUES.match(sentence.text) is not None


def _participants(
    persons: list[CanonicalEntity], sentences: list[Sentence], background: list[bool], preferred: set[str]
) -> list[tuple[float, CanonicalEntity]]:
    """Who the article's event is about: people named in current (not background) event sentences, early."""
    scored: list[tuple[float, CanonicalEntity]] = []
    for entity in persons:
        weight = 0.0
        for sentence, old in zip(sentences, background, strict=True):
            if old or not _mentions(entity, sentence.text):
                continue
            weight += (
                1.0 + (2.0 if _NOUN_RE.search(sentence.text) else 0.0) + (2.0 if sentence.index < 3 else 0.0)
            )
        boost = 1.3 if entity.id in preferred else 1.1 if entity.known else 1.0
        if weight:
            scored.append((weight * boost, entity))
    mine = sorted(
        (item for item in scored if item[1].id in preferred), key=lambda item: (-item[0], item[1].id)
    )
    others = sorted(
        (item for item in scored if item[1].id not in preferred), key=lambda item: (-item[0], item[1].id)
    )
    ranked = mine or others
    if not ranked:
        return []
    top = ranked[0][0]
    chosen = [(weight, entity) for weight, entity in ranked[:2] if weight >= 0.3 * top]
    chosen += [(weight, entity) for weight, entity in ranked[2:3] if weight >= 0.6 * top]
    if mine:  # people outside the storyline's list join when nearly as salient (a lone one: half as)
        bar = 0.8 if len(chosen) > 1 else 0.5
        floor = min(weight for weight, _ in chosen) * 0.99  # ...and rank after the storyline's own people
        joining = [(min(weight, floor), entity) for weight, entity in others if weight >= bar * top]
        chosen += joining[: max(0, 3 - len(chosen))]
    best = max(weight for weight, _ in chosen)
    chosen = [(weight / best, entity) for weight, entity in chosen]
    return chosen


def _place(
    places: list[CanonicalEntity],
    event_sentences: list[Sentence],
    participants: list[CanonicalEntity],
    dateline: str,
) -> tuple[str | None, bool, str]:
    """Where the event happens: places after 'in/to/at' or before 'summit/talks' in event sentences."""
    weights: dict[str, float] = {}
    quotes: dict[str, str] = {}
    for entity in places:
        for form in sorted({entity.name, *entity.surface_forms}):
            name = re.escape(form)
            context = re.compile(rf"{_PLACE_CONTEXT}{name}\b|\b{name}\s+(?:summit|talks|meeting|visit)", re.I)
            shown = entity.name if fold(form) in COUNTRIES or fold(entity.name) not in COUNTRIES else form
            for sentence in event_sentences:
                if context.search(sentence.text):
                    weight = 3.0 if sentence.index < 3 else 1.0
                    if any(_mentions(person, sentence.text) for person in participants):
                        weight *= 2.0
                    weights[shown] = weights.get(shown, 0.0) + weight
                    quotes.setdefault(shown, sentence.text)
            if term_pattern(form).search(dateline):
                weights[shown] = weights.get(shown, 0.0) + 2.0
    for name in list(weights):
        if fold(name) in COUNTRIES:
            weights[name] *= 0.5
    if not weights:
        return None, False, ""
    best = max(sorted(weights), key=lambda name: weights[name])
    return best, best in quotes, quotes.get(best, "")


def _choose_date(candidates: list[tuple[FoundDate, str]], published: date) -> tuple[date, bool, str]:
    """The event's date: the first calendar date within 45 days of publication, else the first inferred."""
    for explicit in (True, False):
        for found, quote in candidates:
            if found.explicit == explicit and abs((found.value - published).days) <= 45:
                return found.value, found.explicit, quote
    return published, False, ""


def _status(event_sentences: list[Sentence], published: date, event_date: date) -> tuple[str | None, str]:
    for sentence in event_sentences:
        if _POSTPONED.search(sentence.text) and not _NEGATED.search(sentence.text):
            word = _POSTPONED.search(sentence.text)
            assert word is not None
            kind = (
                "cancelled"
                if word.group(1).casefold().startswith(("cancel", "called", "scrap"))
                else "postponed"
            )
            return kind, sentence.text
    for sentence in event_sentences:
        if _HELD.search(sentence.text) and not FUTURE.search(sentence.text) and event_date <= published:
            return "held", sentence.text
    for sentence in event_sentences:
        if FUTURE.search(sentence.text):
            return "planned", sentence.text
    return None, ""


_NOUN_ALIASES = {
    "meet": "meeting", "meets": "meeting", "met": "meeting", "visits": "visit", "visited": "visit",
    "host": "visit", "hosts": "visit", "hosted": "visit", "exercise": "exercises", "drill": "drills",
    "tariff": "tariffs",
}  # fmt: skip


def _noun(text: str) -> str:
    counts = Counter(fold(match) for match in _NOUN_RE.findall(text))
    aliases = _NOUN_ALIASES
    merged: Counter[str] = Counter()
    for word, count in counts.items():
        merged[aliases.get(word, word)] += count
    priority = {noun: len(EVENT_NOUNS) - index for index, noun in enumerate(EVENT_NOUNS)}
    if not merged:
        return "event"
    return max(
        merged, key=lambda noun: (merged[noun] + (2 if noun == "summit" else 0), priority.get(noun, 0))
    )


def article_ref(match: StorylineMatch) -> ArticleRef:
    """How alerts cite the matched article."""
    article = match.enriched.article
    return ArticleRef(
        id=article.id,
        url=article.url,
        title=article.title,
        source=article.source,
        published=article.published,
    )


def signature(match: StorylineMatch, *, now: datetime) -> Signature:
    """Read the event-relevant content of a matched article."""
    enriched = match.enriched
    article = enriched.article
    published = article.published or article.ingested_at or now
    pub_date = published.date()
    sentences = article_sentences(enriched)
    lead = " ".join(sentence.text for sentence in sentences[:3])
    dates = article_dates(enriched, sentences, body_offset(enriched), pub_date)
    background: list[bool] = []
    for sentence in sentences:
        background.append(is_background(sentence, bool(background and background[-1]), pub_date, dates))
    persons = [entity for entity in enriched.entities if entity.label == "PERSON"]
    weighted = _participants(persons, sentences, background, set(match.reason.entities))
    chosen = [entity for _, entity in weighted]
    places = [entity for entity in enriched.entities if entity.label in {"GPE", "LOC", "FAC"}]
    event_sentences = [
        sentence
        for sentence, old in zip(sentences, background, strict=True)
        if not old
        and _NOUN_RE.search(sentence.text)
        and (any(_mentions(p, sentence.text) for p in chosen) or not chosen or _LEADERS.search(sentence.text))
    ]
    candidates = [(found, s.text) for s in event_sentences for found in dates.in_sentence(s)]
    event_date, date_explicit, date_quote = _choose_date(candidates, pub_date)
    event_like = [
        s for s, old in zip(sentences, background, strict=True) if not old and _NOUN_RE.search(s.text)
    ]
    place, place_explicit, place_quote = _place(places, event_like, chosen, article.text[:80])
    status, status_quote = _status(event_sentences, pub_date, event_date)
    noun = _noun(" ".join(s.text for s in event_sentences) or lead)
    current = [s for s, old in zip(sentences, background, strict=True) if not old]
    about_event = [
        s
        for s in current
        if any(_OUTCOME_CONTEXT.search(t.text) or any(_mentions(p, t.text) for p in chosen)
               for t in sentences[max(0, s.index - 1) : s.index + 1])
    ]  # fmt: skip
    sig = Signature(
        ref=article_ref(match),
        published=published,
        participants=[entity.id for entity in chosen],
        names={entity.id: short_name(entity) for entity in chosen},
        weights={entity.id: round(weight, 3) for weight, entity in weighted},
        people=[entity.id for entity in persons],
        place=place,
        place_explicit=place_explicit,
        place_quote=place_quote,
        date=event_date,
        date_explicit=date_explicit,
        date_quote=date_quote,
        status=status,
        status_quote=status_quote,
        noun=noun,
        terms=Counter(tokens(" ".join(s.text for s in sentences))),
        text=article.text,
    )
    sig.facts = article_facts(
        article.id,
        event_date=event_date,
        date_explicit=date_explicit,
        date_quote=date_quote,
        place=place,
        place_explicit=place_explicit,
        place_quote=place_quote,
        status=status,
        status_quote=status_quote,
        claims=enriched.claims,
        current=about_event,
        background=[s for s, old in zip(sentences, background, strict=True) if old],
        participants=chosen,
        names={entity.id: entity.name for entity in enriched.entities},
    )
    sig.facts += own_participants(article.id, about_event, chosen)
    sig.facts += rival_participants(article.id, sentences, persons, chosen, places, dates)
    return sig
