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
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from monitor.detect.dates import ArticleDates, article_dates
from monitor.detect.eventday import another_occurrence, choose_date, impossible_day, meetings_of
from monitor.detect.facts import arrival_facts, article_facts, period_facts
from monitor.detect.kinds import event_noun, headline_kind
from monitor.detect.ordinals import ordinal_facts
from monitor.detect.participants import own_part, own_participants, rival_participants, without_own_bodies
from monitor.detect.places import event_place
from monitor.detect.slots import current_before_reference as own_act
from monitor.detect.slots import slot_facts, without_other_occurrences
from monitor.detect.state import HeldFact
from monitor.detect.text import Sentence, fold, mentions, tokens
from monitor.lexicon import Lexicon, Profile, StatusClass, load_lexicon
from monitor.models import ArticleRef, CanonicalEntity, StorylineMatch
from monitor.storylines.match import article_sentences, body_offset

_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")

Day = date  # the type (a Signature's field is called 'date')


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
    misdated: bool
    status_quote: str
    noun: str
    facts: list[HeldFact] = field(default_factory=list)
    terms: Counter[str] = field(default_factory=Counter)
    text: str = ""
    separate_kinds: bool = False  # the profile's events of different kinds are different events
    days: frozenset[Day] = frozenset()  # every day the article states, for anything


def short_name(entity: CanonicalEntity, aliases: tuple[str, ...] = ()) -> str:
    """How a title names a participant, as the storyline and the article name it.

    A person: the storyline's shortest alias that is a run of the full name's words ('Starmer' for 'Keir
    Starmer'), else the short form the article uses most ('Kishida', 'von der Leyen'), else the full name.
    No naming convention of any culture is assumed. An organisation: the form the article uses most ('ECB').
    """
    counts: Counter[str] = Counter(" ".join(mention.text.split()) for mention in entity.mentions)
    for form in entity.surface_forms:
        counts.setdefault(form, 0)
    if entity.label != "PERSON":
        if aliases:
            return min(aliases, key=lambda alias: (len(alias), alias))  # the storyline's 'EU', 'ECB'
        forms = [form for form in counts if form[:1].isupper() and (len(form) <= 5 or not form.isupper())]
        return max(forms, key=lambda form: (counts[form], -len(form))) if forms else entity.name
    words = entity.name.split()
    if len(words) < 2:
        return entity.name
    folded = [fold(word) for word in words]

    def part_of_name(form: str) -> int:
        parts = [fold(part) for part in form.replace("’s", "").replace("'s", "").split()]
        size = len(parts)
        if not parts or size >= len(words) or not form[:1].isupper():
            return 0
        runs = (folded[i : i + size] for i in range(len(words) - size + 1))
        return size if any(run == parts for run in runs) else 0

    chosen = [alias for alias in aliases if part_of_name(alias)]
    if chosen:
        return min(chosen, key=lambda alias: (part_of_name(alias), alias))
    best: tuple[int, int, str] | None = None
    for form, count in counts.items():
        size = part_of_name(form)
        if size:
            candidate = (count, -size, form)
            best = candidate if best is None or candidate > best else best
    return _with_particles(best[2], words) if best is not None else entity.name


def _with_particles(form: str, words: list[str]) -> str:
    """A short form keeps the particles before it in the full name: 'Leyen' is 'von der Leyen'."""
    particles = load_lexicon().language.name_particles
    parts = form.split()
    for start in range(len(words) - len(parts) + 1):
        if [fold(word) for word in words[start : start + len(parts)]] == [fold(part) for part in parts]:
            first = start
            while first > 0 and fold(words[first - 1]) in particles:
                first -= 1
            before = [word.lower() for word in words[first:start]]
            return " ".join([*before, *parts]) if before else form
    return form


NOW_DAYS = 7  # a sentence giving a day this close to publication reports the news of the day


def _dated_now(sentence: Sentence, published: date, dates: ArticleDates) -> bool:
    """The sentence gives a day within a week of publication ('cut rates tomorrow, the first cut since it
    began raising them in July 2022'): the other years it names are a comparison, not its subject."""
    return any(abs((found.value - published).days) <= NOW_DAYS for found in dates.in_sentence(sentence))


def is_background(
    sentence: Sentence, previous_background: bool, published: date, dates: ArticleDates, lexicon: Lexicon
) -> bool:
    """True when the sentence describes something other than the current event.

    Other years (unless the sentence also gives a day near publication), background wording ("last met",
    "previously"), an opening on another matter ("Separately, ..."), or a month named without a day ("in
    March", not "since March") that is neither this month nor the next.
    """
    years = {int(year) for year in _YEAR.findall(sentence.text)}
    other_years = years and not years & {published.year, published.year + 1}
    if other_years and not _dated_now(sentence, published, dates):
        return True
    if lexicon.language.background.search(sentence.text) or lexicon.language.aside.match(sentence.text):
        return True
    for period in dates.periods_in(sentence):
        if period.unit == "month" and not period.ongoing and (period.value.month - published.month) % 12 > 1:
            return True
    return previous_background and lexicon.language.continues.match(sentence.text) is not None


def _participants(
    persons: list[CanonicalEntity],
    sentences: list[Sentence],
    background: list[bool],
    preferred: set[str],
    profile: Profile,
) -> list[tuple[float, CanonicalEntity]]:
    """Who the article's event is about: people named in current (not background) event sentences, early."""
    scored: list[tuple[float, CanonicalEntity]] = []
    for entity in persons:
        weight = 0.0
        for sentence, old in zip(sentences, background, strict=True):
            if old or not mentions(entity, sentence.text):
                continue
            weight += (
                1.0
                + (2.0 if profile.trigger_pattern.search(sentence.text) else 0.0)
                + (2.0 if sentence.index < 3 else 0.0)
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


def _reports_done(lead: list[Sentence], lexicon: Lexicon, profile: Profile) -> bool:
    """The article's lead reports its event as done ('cut rates on Thursday'), not as coming."""
    done = profile.status_pattern(StatusClass.DONE)
    return any(done.search(s.text) and not lexicon.language.future.search(s.text) for s in lead)


def _status(
    event_sentences: list[Sentence], published: date, event_date: date, lexicon: Lexicon, profile: Profile
) -> tuple[str | None, str]:
    """The event's status as the profile names it: called off, done, or planned, in that order."""
    language = lexicon.language
    for sentence in event_sentences:
        if language.negation.search(sentence.text):
            continue
        for status in profile.statuses_of(StatusClass.OFF):
            if profile.status_words[status].search(sentence.text):
                return status, sentence.text
    done = profile.statuses_of(StatusClass.DONE)
    for sentence in event_sentences:
        for status in done:
            if (
                profile.status_words[status].search(sentence.text)
                and not language.future.search(sentence.text)
                and event_date <= published
            ):
                return status, sentence.text
    planned = profile.statuses_of(StatusClass.PLANNED)
    for sentence in event_sentences:
        if planned and language.future.search(sentence.text):
            return planned[0], sentence.text
    return None, ""


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


def signature(
    match: StorylineMatch,
    *,
    now: datetime,
    profile: Profile | None = None,
    lexicon: Lexicon | None = None,
    aliases: dict[str, tuple[str, ...]] | None = None,
) -> Signature:
    """Read the event-relevant content of a matched article, in the words of the storyline's profile.

    ``aliases`` are the storyline's names for its entities, by entity id: titles use them.
    """
    aliases = aliases or {}
    lexicon = lexicon or load_lexicon()
    profile = profile or lexicon.profile()
    triggers, groups = profile.trigger_pattern, lexicon.language.group_references
    announcing = lexicon.language.announcing
    enriched = match.enriched
    article = enriched.article
    published = article.published or article.ingested_at or now
    pub_date = published.date()
    sentences = article_sentences(enriched)
    lead = " ".join(sentence.text for sentence in sentences[:3])
    dates = article_dates(enriched, sentences, body_offset(enriched), pub_date, lexicon, profile)
    background: list[bool] = []
    for sentence in sentences:
        previous = bool(background and background[-1])
        background.append(is_background(sentence, previous, pub_date, dates, lexicon))
    persons = [entity for entity in enriched.entities if entity.label == "PERSON"]
    actors = [entity for entity in enriched.entities if entity.label in profile.participant_labels]
    own = [replace(s, text=own_part(s.text, profile, lexicon)) for s in sentences]  # not another event's
    weighted = _participants(actors, own, background, set(match.reason.entities), profile)
    weighted = without_own_bodies(weighted, sentences)
    chosen = [entity for _, entity in weighted]
    places = [entity for entity in enriched.entities if entity.label in {"GPE", "LOC", "FAC"}]
    event_sentences = [
        sentence
        for sentence, old in zip(sentences, background, strict=True)
        if not old
        and (
            triggers.search(sentence.text)
            or profile.anchor_pattern.search(sentence.text)
            or (profile.announcements_are_events and sentence.index < 2 and announcing.search(sentence.text))
        )
        and (any(mentions(p, sentence.text) for p in chosen) or not chosen or groups.search(sentence.text))
    ]
    candidates = [(found, s) for s in event_sentences for found in dates.in_sentence(s)]
    report = _reports_done(sentences[:2], lexicon, profile)
    headline = headline_kind(article.title, profile, lexicon) if profile.separate_kinds else None
    noun = headline or event_noun(" ".join(s.text for s in event_sentences) or lead, profile)
    meetings = meetings_of(
        enriched.claims, sentences, body_offset(enriched), [entity.id for entity in chosen]
    )
    chosen_date, date_sentence, anchored = choose_date(
        candidates,
        pub_date,
        report=report,
        noun=noun,
        profile=profile,
        announcing=announcing,
        meetings=meetings,
        impossible=lambda found, sentence: impossible_day(
            found.value, pub_date, sentence.text, lexicon, profile, found.start
        ),
    )
    event_date = chosen_date.value if chosen_date else pub_date  # the publication day, unstated
    date_explicit = bool(chosen_date and chosen_date.explicit)
    clash = chosen_date.text if chosen_date and chosen_date.clash else ""
    date_quote = date_sentence.text if date_sentence else ""
    impossible = bool(chosen_date) and impossible_day(
        event_date, pub_date, date_quote, lexicon, profile, chosen_date.start if chosen_date else 0
    )
    stated = dates.in_sentence(date_sentence) if date_sentence else []
    other_days = [found.value.isoformat() for found in stated]
    event_like = [
        s for s, old in zip(sentences, background, strict=True) if not old and triggers.search(s.text)
    ]
    place, place_explicit, place_quote = event_place(
        places, event_like, chosen, article.text[:80], lexicon, profile, noun
    )
    status, status_quote = _status(event_sentences, pub_date, event_date, lexicon, profile)
    current = [s for s, old in zip(sentences, background, strict=True) if not old]
    about_event = [
        s
        for s in current
        if any(triggers.search(t.text) or groups.search(t.text) or any(mentions(p, t.text) for p in chosen)
               for t in sentences[max(0, s.index - 1) : s.index + 1])
        and not (profile.separate_kinds and chosen_date and another_occurrence(s, dates, event_date))
    ]  # fmt: skip
    sig = Signature(
        ref=article_ref(match),
        published=published,
        participants=[entity.id for entity in chosen],
        names={entity.id: short_name(entity, aliases.get(entity.id, ())) for entity in chosen},
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
        misdated=bool(clash) or impossible,
        noun=noun,
        terms=Counter(tokens(" ".join(s.text for s in sentences))),
        text=article.text,
        separate_kinds=profile.separate_kinds,
        days=frozenset(found.value for s in sentences for found in dates.in_sentence(s)),
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
        lexicon=lexicon,
        entities=enriched.entities,
        date_days=other_days,
        date_planned=event_date >= pub_date and bool(lexicon.language.future.search(date_quote)),
        date_anchor=noun if anchored else "",
        date_clash=clash,
        date_impossible=impossible,
        other_days=frozenset(
            found.value.isoformat()
            for s in sentences
            for found in dates.in_sentence(s)
            if found.role != "event"
        ),
    )
    sig.facts = without_other_occurrences(sig.facts, enriched.claims)
    in_current = [(s, dates.in_sentence(s)) for s in current]
    sig.facts += period_facts(in_current, article.id, profile, pub_date)
    sig.facts += arrival_facts(in_current, article.id, chosen, sig.names, profile, pub_date)
    sig.facts += ordinal_facts(about_event, article.id, lexicon, profile)
    acting = [
        s for s, old in zip(sentences, background, strict=True) if old and own_act(s, pub_date.year, lexicon)
    ]
    sig.facts += slot_facts(enriched.claims, [*about_event, *acting], article.id)
    sig.facts += own_participants(article.id, about_event, chosen, profile, lexicon)
    sig.facts += rival_participants(article.id, sentences, persons, chosen, places, dates, profile, lexicon)
    return sig
