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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from monitor.detect.dates import ArticleDates, FoundDate, article_dates
from monitor.detect.facts import arrival_facts, article_facts, period_facts
from monitor.detect.kinds import event_noun, headline_kind
from monitor.detect.ordinals import ordinal_facts
from monitor.detect.participants import own_part, own_participants, rival_participants, without_own_bodies
from monitor.detect.places import event_place
from monitor.detect.state import HeldFact
from monitor.detect.text import Sentence, fold, mentions, tokens
from monitor.lexicon import Lexicon, Profile, StatusClass, load_lexicon
from monitor.models import ArticleRef, CanonicalEntity, Claim, StorylineMatch
from monitor.storylines.match import article_sentences, body_offset

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
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


def _another_occurrence(sentence: Sentence, dates: ArticleDates, event_day: date) -> bool:
    """The sentence dates something days away from the event's day, and not the event's day: where kinds
    are events of their own, another occurrence ('Another quake, of magnitude 5.1, struck on Sunday')."""
    days = {found.value for found in dates.in_sentence(sentence) if found.role == "event"}
    return bool(days) and event_day not in days and all(abs((day - event_day).days) > 1 for day in days)


def _reports_done(lead: list[Sentence], lexicon: Lexicon, profile: Profile) -> bool:
    """The article's lead reports its event as done ('cut rates on Thursday'), not as coming."""
    done = profile.status_pattern(StatusClass.DONE)
    return any(done.search(s.text) and not lexicon.language.future.search(s.text) for s in lead)


def _impossible_day(
    day: date, published: date, quote: str, lexicon: Lexicon, profile: Profile, start: int = 0
) -> bool:
    """A report that something was done on a day after it was published: a misdated report (a typo).

    Done: the profile's done words ('met', 'cut') in the sentence, or one of the language's past markers in
    the same clause shortly before the date (at ``start``: 'after the summit at Camp David on Nov. 18'), in
    a sentence that does not look ahead.
    """
    before = quote[max(0, start - _PAST_REACH) : start]
    clause = re.split(r"[,;:]", before)[-1]
    done = profile.status_pattern(StatusClass.DONE).search(quote) or lexicon.language.past.search(clause)
    ahead = lexicon.language.future.search(quote)
    return bool(quote) and day > published and bool(done) and not ahead


_PAST_REACH = 60  # characters before a date in which a past marker tells of the dated thing


@dataclass(frozen=True)
class Meetings:
    """What the NLP meeting claims say of the event's participants, by detection sentence index.

    ``own_days``: (sentence, day) of meetings of at least two of them and no one else; ``crowded``: sentences
    whose meetings join at least two of them with someone else (a wider gathering), and none of their own.
    """

    own_days: frozenset[tuple[int, date]] = frozenset()
    crowded: frozenset[int] = frozenset()


def _meetings(
    claims: tuple[Claim, ...], sentences: list[Sentence], offset: int, participants: list[str]
) -> Meetings:
    chosen = set(participants)
    own: set[tuple[int, date]] = set()
    own_sentences: set[int] = set()
    crowded: set[int] = set()
    for claim in claims:
        if claim.kind != "meeting" or not isinstance(claim.value, dict) or len(chosen) < 2:
            continue
        people = claim.value.get("participants")
        named = {people} if isinstance(people, str) else set(people or [])
        where = next((s for s in sentences if s.start <= claim.evidence.start + offset < s.end), None)
        if where is None or len(named & chosen) < 2:
            continue
        if named - chosen:
            crowded.add(where.index)
            continue
        own_sentences.add(where.index)
        when = claim.value.get("date")
        if isinstance(when, str) and _DAY.match(when):
            own.add((where.index, date.fromisoformat(when[:10])))
    return Meetings(frozenset(own), frozenset(crowded - own_sentences))


def _names_an_occurrence(found: FoundDate, sentence: Sentence, profile: Profile) -> bool:
    """A date written as the name of an occurrence ('the April 3 magnitude 7.2 earthquake'): 'the', the
    date, then the event's word within a few words. Beside a day said of the sentence's own news ('the quakes
    that rattled Hualien early Tuesday are aftershocks of the April 3 earthquake') it is another one's day."""
    before = sentence.text[max(0, found.start - 4) : found.start]
    if before.casefold() != "the ":
        return False
    after = sentence.text[found.start + len(found.text) :]
    words = after.split()[:4]
    return bool(words) and profile.trigger_pattern.search(" ".join(words)) is not None


def _choose_date(
    candidates: list[tuple[FoundDate, Sentence]],
    published: date,
    *,
    report: bool = False,
    noun: str = "",
    profile: Profile | None = None,
    announcing: re.Pattern[str] | None = None,
    meetings: Meetings | None = None,
    impossible: Callable[[FoundDate, Sentence], bool] = lambda found, sentence: False,
) -> tuple[FoundDate | None, Sentence | None, bool]:
    """The event's date: a date of the event itself (not of travel, nor of an announcement of a coming
    event) within 45 days of publication (or a calendar day any time after it that is ``impossible``: a
    report of something done on a day still to come, a misdated report), not after it in a ``report`` of
    something done; the lead's first
    (news puts the event first), calendar dates before inferred ones; None when there is none.

    Also whether the date is the event's own: written next to the event's word, or the only day of a lead
    sentence naming the event once ('On Tuesday evening Sunak ... called a summer general election'), unless
    it is the day something was said ('the junta said on Saturday'). A day of a meeting of the event's own
    participants is theirs, and comes before days of sentences about a wider gathering of them (``meetings``:
    'a trilateral meeting with Biden on Thursday' in a report of the two leaders' own talks on Friday). A day
    by another kind's word ranks last only when that kind names an event of its own (weight above 1: 'the
    July 4 election' in a report of a debate), not a generic word for the same one ('state visit' of a
    summit); in a ``report`` of something done, a later day is never the event's unless impossible."""
    meetings = meetings or Meetings()
    usable = [
        (found, sentence)
        for found, sentence in candidates
        if found.role == "event"
        and (abs((found.value - published).days) <= 45 or (found.explicit and impossible(found, sentence)))
    ]
    if profile is not None and profile.separate_kinds and noun:  # the quake's day is not the ceasefire's
        usable = [item for item in usable if item[0].noun in {"", noun}]
    if report:  # a report's event is behind it: a later day is something else ('ahead of the July 4 vote')
        usable = [item for item in usable if item[0].value <= published or impossible(*item)]
    if not usable:
        return None, None, False

    weights = profile.kind_rank if profile is not None else {}

    def strong(kind: str) -> bool:  # a kind word that names an event of its own, not a generic 'visit'
        return weights.get(kind, (2.0, 0))[0] > 1

    def naming(found: FoundDate, sentence: Sentence) -> bool:  # 'the April 3 magnitude 7.2 earthquake'
        return profile is not None and _names_an_occurrence(found, sentence, profile)

    def rank(item: tuple[FoundDate, Sentence]) -> tuple[bool, bool, bool, bool, bool, int]:
        other_kind = item[0].noun not in {"", noun} and strong(item[0].noun)  # 'the July 4 election' (debate)
        crowd = item[1].index in meetings.crowded  # a wider gathering than the event's own meeting
        earlier = naming(*item) and any(  # '... early Tuesday are aftershocks of the April 3 earthquake'
            other.value != item[0].value and where is item[1] and not naming(other, where)
            for other, where in usable
        )
        return other_kind, crowd, earlier, item[1].index > 1, not item[0].explicit, item[1].index

    found, sentence = min(usable, key=rank)
    if (sentence.index, found.value) in meetings.own_days:
        return found, sentence, True  # the day of a meeting of the event's own participants
    if not noun or profile is None:
        return found, sentence, False
    if found.noun == noun:
        return found, sentence, True
    days = {item.value for item, where in candidates if where is sentence and item.role == "event"}
    kinds = [profile.kind_of(match.group(0)) for match in profile.trigger_pattern.finditer(sentence.text)]
    mentions = [kind.noun for kind in kinds if kind is not None]
    said = announcing is not None and announcing.search(sentence.text[max(0, found.start - 25) : found.start])
    alone = len(days) == 1 and mentions.count(noun) == 1 and not said  # one day, one mention of the event
    return found, sentence, sentence.index <= 1 and alone


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
    meetings = _meetings(enriched.claims, sentences, body_offset(enriched), [entity.id for entity in chosen])
    chosen_date, date_sentence, anchored = _choose_date(
        candidates,
        pub_date,
        report=report,
        noun=noun,
        profile=profile,
        announcing=announcing,
        meetings=meetings,
        impossible=lambda found, sentence: _impossible_day(
            found.value, pub_date, sentence.text, lexicon, profile, found.start
        ),
    )
    event_date = chosen_date.value if chosen_date else pub_date  # the publication day, unstated
    date_explicit = bool(chosen_date and chosen_date.explicit)
    clash = chosen_date.text if chosen_date and chosen_date.clash else ""
    date_quote = date_sentence.text if date_sentence else ""
    impossible = bool(chosen_date) and _impossible_day(
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
        and not (profile.separate_kinds and chosen_date and _another_occurrence(s, dates, event_date))
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
    in_current = [(s, dates.in_sentence(s)) for s in current]
    sig.facts += period_facts(in_current, article.id, profile, pub_date)
    sig.facts += arrival_facts(in_current, article.id, chosen, sig.names, profile, pub_date)
    sig.facts += ordinal_facts(about_event, article.id, lexicon, profile)
    sig.facts += own_participants(article.id, about_event, chosen, profile, lexicon)
    sig.facts += rival_participants(article.id, sentences, persons, chosen, places, dates, profile, lexicon)
    return sig
