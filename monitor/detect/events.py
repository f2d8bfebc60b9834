"""Grouping a storyline's articles into events, and naming the events.

An article joins the most similar held event when their dates are close (the
event date, or the publication dates of its articles, within two weeks of the
article's own), and participants, place and wording agree well enough. A
preview published days before a summit and the report after it meet all of
these; the same leaders meeting again months later in another city do not. Two stated days more than three
days apart are two events, unless the report agrees with the event on all else (kind, participants, city,
published within two days) and the days are at most a week apart: then one of them is misreported, and the
report joins the event to raise a date conflict.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from monitor.detect.extract import Signature
from monitor.detect.facts import IMPOSSIBLE_MARK
from monitor.detect.state import MAX_TERMS, EventState, HeldFact
from monitor.detect.text import fold, stable_hash
from monitor.lexicon import Lexicon, Profile, Slot, StatusClass, load_lexicon

MAX_GAP_DAYS = 14
MAX_PEOPLE = 40
JOIN_THRESHOLD = 0.5
OTHER_KIND = (
    0.9  # a report naming another kind of event (a manifesto, not the debate) is less likely this one
)
_TRIO = 0.9  # a third participant with this share of the second's votes is one of three
MAX_MISDATE_DAYS = 3  # stated days this far apart may be one event misreported (a wrong weekday)
MAX_SLIP_DAYS = 7  # ... and this far, when the report agrees with the event on everything else
CLOSE_PUBLICATION_DAYS = 2  # published this close to the event's latest report
SAME_DESPITE_DATE = 0.75  # further apart, only a misdated report joins, and only an event it matches so well


def _cosine(left: dict[str, int], right: dict[str, int]) -> float:
    common = set(left) & set(right)
    dot = sum(left[key] * right[key] for key in common)
    norm = math.sqrt(sum(v * v for v in left.values())) * math.sqrt(sum(v * v for v in right.values()))
    return dot / norm if norm else 0.0


def _gap_days(event: EventState, sig: Signature) -> int:
    event_dates = {event.first_published.date(), event.last_published.date()}
    if event.date is not None:
        event_dates.add(event.date)
    article_dates = {sig.published.date(), sig.date}
    return min(abs((a - b).days) for a in article_dates for b in event_dates)


def _elsewhere_another_day(event: EventState, sig: Signature, lexicon: Lexicon) -> bool:
    """Both place and stated date differ: another meeting (Tokyo on Saturday, then Washington on Monday)."""
    if not (event.place and sig.place and sig.date_quote and event.date):
        return False
    coarse = lexicon.places.is_coarse
    if fold(event.place) == fold(sig.place) or coarse(event.place) or coarse(sig.place):
        return False
    stated = any(fact.slot == Slot.DATE for fact in event.facts)
    return stated and sig.date != event.date


def similarity(event: EventState, sig: Signature, lexicon: Lexicon) -> float:
    """How likely the article covers this event, in [0, 1]; 0 when too far apart in time.

    An impossible day (something done on a day after the report was published) says nothing of which event
    the report is about: the report is placed as if it stated no day.
    """
    if sig.separate_kinds and "event" not in {sig.noun, event.noun} and sig.noun != event.noun:
        return 0.0  # a ceasefire after a quake is news of its own
    dated = not _impossible(sig)
    gap = _gap_days(event, sig)
    if gap > MAX_GAP_DAYS or (dated and _elsewhere_another_day(event, sig, lexicon)):
        return 0.0
    time_score = 1.0 - gap / MAX_GAP_DAYS
    if event.participants and sig.participants:
        shared = set(event.participants) & set(sig.participants)
        people = len(shared) / len(set(event.participants) | set(sig.participants))
    else:
        people = 0.4
    place = 0.5  # unknown, or a country against a city: no evidence either way
    if event.place and sig.place and fold(event.place) == fold(sig.place):
        place = 1.0
    elif (
        event.place
        and sig.place
        and not (lexicon.places.is_coarse(event.place) or lexicon.places.is_coarse(sig.place))
    ):
        place = 0.1
    top = dict(Counter(sig.terms).most_common(MAX_TERMS))
    words = _cosine(event.terms, top)
    score = 0.3 * time_score + 0.3 * people + 0.15 * place + 0.25 * min(1.0, words * 1.5)
    if "event" not in {sig.noun, event.noun} and sig.noun != event.noun:
        score *= OTHER_KIND
    if dated and _other_day(event, sig, lexicon) and not (sig.misdated and score >= SAME_DESPITE_DATE):
        return 0.0  # another stated day: another event of the same actors, unless a report misdated this one
    return score


def _other_day(event: EventState, sig: Signature, lexicon: Lexicon | None = None) -> bool:
    """Both the event and the article state its day, days apart (a misdated report stays possible).

    Up to a week apart, a report that agrees with the event on everything else is the same event with a
    slipped day (:func:`_agrees_but_the_day`), and its day becomes a date conflict.
    """
    if not (sig.date_quote and event.date):
        return False
    days = abs((sig.date - event.date).days)
    if sig.separate_kinds and days > 1 and event.date in sig.days and not sig.misdated:
        return True  # the report names the event's day too ('Friday's quake'): its own is another occurrence
    if days <= MAX_MISDATE_DAYS:
        return False
    return days > MAX_SLIP_DAYS or lexicon is None or not _agrees_but_the_day(event, sig, lexicon)


def _agrees_but_the_day(event: EventState, sig: Signature, lexicon: Lexicon) -> bool:
    """Same kind of event, the same participants, the same place (a city; countries are too coarse), and
    published within two days of the event's latest report."""
    coarse = lexicon.places.is_coarse
    same_place = bool(event.place and sig.place) and fold(event.place or "") == fold(sig.place or "")
    published = abs((sig.published - event.last_published).total_seconds()) <= CLOSE_PUBLICATION_DAYS * 86400
    return (
        sig.noun == event.noun != "event"
        and len(event.participants) >= 1
        and set(sig.participants) == set(event.participants)
        and same_place
        and not coarse(sig.place)
        and published
    )


def best_event(events: list[EventState], sig: Signature, lexicon: Lexicon) -> EventState | None:
    """The held event the article belongs to, if any."""
    scored = [(similarity(event, sig, lexicon), event) for event in events]
    scored = [(score, event) for score, event in scored if score >= JOIN_THRESHOLD]
    if not scored:
        return None
    return max(scored, key=lambda item: (item[0], item[1].last_published))[1]


def format_date(value: date) -> str:
    """'7 May 2023'."""
    return f"{value.day} {value.strftime('%B')} {value.year}"


def event_title(event: EventState) -> str:
    """Who, what, where, when: 'Kishida–Yoon summit in Seoul, 7 May 2023'."""
    names = sorted({event.names.get(pid, pid) for pid in event.participants})
    who = "–".join(names)
    when = f", {format_date(event.date)}" if event.date else ""
    if event.named_as and event.place and not who:  # 'Typhoon Haiyan in Tacloban, 8 November 2013'
        return f"{max(event.named_as, key=lambda text: (event.named_as[text], text))} in {event.place}{when}"
    if (event.noun == "event" or not (who or event.place)) and event.headline:
        return f"{event.headline}{when}"  # nothing to name it by: the first headline says what happened
    named = [name for name, count in event.organisers.items() if count > 1]  # two reports or more
    noun = (
        f"{max(named, key=lambda name: (event.organisers[name], name))} {event.noun}" if named else event.noun
    )
    what = f"{who} {noun}" if who else noun[:1].upper() + noun[1:]
    if event.applies_to:  # 'China–EU investigation into brandy'
        what += " " + max(event.applies_to, key=lambda text: (event.applies_to[text], -len(text), text))
    where = f" in {event.place}" if event.place else ""
    return f"{what}{where}{when}"


def _headline(title: str) -> str:
    title = " ".join(title.split()).rstrip(".")
    return title if len(title) <= 90 else title[:89].rsplit(" ", 1)[0] + "…"


def as_institution(sig: Signature, listed: Sequence[tuple[str, tuple[str, ...]]]) -> None:
    """Where one institution acts (the profile's ``single_actor``), titles name each of the storyline's
    organisations a report has as participants (``listed``: id and names, the storyline's order) as the
    first one, the institution: 'the FOMC voted' is the Fed's decision. The storyline's bodies stay
    participants of their own, for telling events apart; other organisations a report names beside them
    ('US', a time zone read as a body) are no parties to the decision."""
    if not listed:
        return
    institution = min(listed[0][1], key=lambda name: (len(name), name))
    own = {pid for pid, _ in listed}
    sig.names = {pid: institution if pid in own else name for pid, name in sig.names.items()}
    if own & set(sig.participants):  # the institution acts alone: others named are not parties ('US', 'GMT')
        sig.participants = [pid for pid in sig.participants if pid in own]
        sig.weights = {pid: weight for pid, weight in sig.weights.items() if pid in own}


def note_applies_to(event: EventState, applies: str, organiser: str = "", name: str = "") -> None:
    """Count one report's account of what the event's measure applies to, of the organisation it is
    named after ('ITV debate': titled so once two reports say it) and of the event's own name ('Typhoon
    Haiyan': an event without participants is titled by the name most reports give it), and retitle it."""
    if applies:
        event.applies_to[applies] = event.applies_to.get(applies, 0) + 1
    if organiser:
        event.organisers[organiser] = event.organisers.get(organiser, 0) + 1
    if name:
        event.named_as[name] = event.named_as.get(name, 0) + 1
    event.title = event_title(event)


def new_event(storyline_id: str, sig: Signature) -> EventState:
    """A fresh event started by this article (the id depends only on storyline and article)."""
    impossible = _impossible(sig)
    event = EventState(
        id=f"ev-{stable_hash(storyline_id, sig.ref.id, length=12)}",
        title="",
        headline=_headline(sig.ref.title),
        noun=sig.noun,
        date=sig.date if sig.date_quote and not impossible else None,  # no stated (or possible) date: none
        date_explicit=sig.date_explicit,
        place=sig.place,
        participants=list(sig.participants),
        names=dict(sig.names),
        votes=dict(sig.weights),
        status=sig.status,
        first_published=sig.published,
        last_published=sig.published,
        articles=[sig.ref],
        terms=dict(Counter(sig.terms).most_common(MAX_TERMS)),
    )
    event.title = event_title(event)
    return event


def _impossible(sig: Signature) -> bool:
    """The article's day is one after its publication for something it reports done: it dates nothing."""
    return any(IMPOSSIBLE_MARK in fact.marks for fact in sig.facts if fact.slot == Slot.DATE)


def _names_better(profile: Profile, noun: str, held: str) -> bool:
    """A report's kind names the event better than the held one: a heavier kind, or at equal weight the
    profile's own kind of event ('talks') rather than one its events only mention ('sanctions')."""
    core = {kind.noun for kind in profile.event_kinds if kind.core}
    rank = profile.kind_rank
    return (rank.get(noun, (0.0, 0))[0], noun in core) > (rank.get(held, (0.0, 0))[0], held in core)


def _majority(facts: list[HeldFact], slot: str, *, stated: bool = False) -> str | None:
    """The value most facts give (explicit ones, or every ``stated`` one); the earliest on a tie."""
    values = Counter(
        fact.value
        for fact in facts
        if fact.slot == slot and (fact.explicit or stated) and IMPOSSIBLE_MARK not in fact.marks
    )
    if not values:
        return None
    first_seen = {fact.value: index for index, fact in reversed(list(enumerate(facts)))}
    return max(values, key=lambda value: (values[value], -first_seen[value]))


def absorb(
    event: EventState, sig: Signature, new_facts: list[HeldFact], *, now: datetime, profile: Profile
) -> None:
    """Fold an article into an event: facts, participants, place, date, status, title."""
    first_time = sig.ref.id not in {ref.id for ref in event.articles}
    if first_time:
        event.articles.append(sig.ref)
    event.facts.extend(new_facts)
    event.touched_at = now
    event.first_published = min(event.first_published, sig.published)
    event.last_published = max(event.last_published, sig.published)
    for pid in sig.people:
        if pid not in event.people and len(event.people) < MAX_PEOPLE:
            event.people.append(pid)
    if first_time:
        for pid in sig.participants:
            event.votes[pid] = event.votes.get(pid, 0.0) + sig.weights.get(pid, 1.0)
            name = sig.names.get(pid, pid)
            if pid not in event.names or len(name.split()) < len(event.names[pid].split()):
                event.names[pid] = name  # the short form some article uses ('Yoon' for 'Yoon Suk Yeol')
    ranked = sorted(event.votes, key=lambda pid: (-event.votes[pid], pid))
    top = event.votes[ranked[0]] if ranked else 0.0
    chosen = [pid for pid in ranked[:2] if event.votes[pid] >= 0.3 * top]
    second = event.votes[chosen[-1]] if len(chosen) > 1 else top
    trio = len(event.articles) > 1  # several reports, not one report's third name, make a trio

    def third(pid: str) -> bool:  # as salient as the second: one of three ('Biden–Kishida–Yoon summit')
        votes = event.votes[pid]
        return votes >= 0.75 * top or (trio and votes >= _TRIO * second and votes >= 0.3 * top)

    event.participants = chosen + [pid for pid in ranked[2:3] if third(pid)]
    stated_date = _majority(event.facts, Slot.DATE, stated=True)  # one misdated report cannot move it
    if stated_date is not None:
        explicit = any(f.slot == Slot.DATE and f.value == stated_date and f.explicit for f in event.facts)
        event.date, event.date_explicit = date.fromisoformat(stated_date), explicit
    elif (
        sig.date_quote
        and not _impossible(sig)
        and (event.date is None or (not event.date_explicit and sig.date_explicit))
    ):
        event.date, event.date_explicit = sig.date, sig.date_explicit
    coarse = load_lexicon().places.is_coarse
    fine = [fact for fact in event.facts if not (fact.slot == Slot.PLACE and coarse(fact.value))]
    place = _majority(fine, Slot.PLACE) or _majority(event.facts, Slot.PLACE)  # the city before its country
    if place is not None:
        event.place = place
    elif event.place is None:
        event.place = sig.place
    if profile.status_class(sig.status) in {StatusClass.DONE, StatusClass.OFF} or event.status is None:
        event.status = sig.status or event.status
    if event.noun == "event" or _names_better(profile, sig.noun, event.noun):
        event.noun = sig.noun
    terms = Counter(event.terms)
    terms.update(dict(Counter(sig.terms).most_common(MAX_TERMS)))
    event.terms = dict(terms.most_common(MAX_TERMS))
    event.title = event_title(event)
