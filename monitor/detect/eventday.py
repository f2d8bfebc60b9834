"""The day of an article's event, chosen among the dates it gives.

A date of the event itself (not of travel, nor of an announcement of a coming event) near publication, the
lead's first, calendar days before inferred ones; a day of a meeting of the event's own participants before
days of a wider gathering; a day named as another occurrence's ('the April 3 earthquake') after the news's
own. Also: a report of something done on a day still to come (a misdated report), and sentences dating
another occurrence of a kind that is an event of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from monitor.detect.dates import ArticleDates, FoundDate
from monitor.detect.text import Sentence
from monitor.lexicon import Lexicon, Profile, StatusClass
from monitor.models import Claim

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def another_occurrence(sentence: Sentence, dates: ArticleDates, event_day: date) -> bool:
    """The sentence dates something days away from the event's day, and not the event's day: where kinds
    are events of their own, another occurrence ('Another quake, of magnitude 5.1, struck on Sunday')."""
    days = {found.value for found in dates.in_sentence(sentence) if found.role == "event"}
    return bool(days) and event_day not in days and all(abs((day - event_day).days) > 1 for day in days)


def impossible_day(
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


def meetings_of(
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


def choose_date(
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
