"""Event dates: the NLP stage's resolved dates, placed in the sentences detection reads.

``monitor.nlp`` reads every date expression ("August 23, 2025", "on Sunday",
"a day earlier", "in March") and resolves it against the publication date into
a ``date`` claim (ISO value, ``unit`` its precision). Nothing here parses dates
again. Meeting claims are not used for dates: their date comes from a date claim
of the same sentence, without its precision ("last week" reads as a day), and
spaCy's sentences can be longer than detection's, so a meeting word and a date
in different sentences would be tied. What is detection's own:

* which sentence a claim belongs to (detection splits sentences itself, and
  may put the headline first);
* whether a date was written as a calendar date (*explicit*) or inferred from a
  weekday or a relative word — two inferred dates disagreeing is a weak conflict;
* which of a sentence's dates is the event's: calendar dates first, then the
  one nearest (preferably after) a meeting word ("arrived on Sunday for talks
  on Monday");
* a sentence that looks ahead ("ahead of his summit on Monday") while its verb
  is past ("arrived"): a weekday read as past is resolved again, forward, with
  :func:`monitor.nlp.dates.resolve_date`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from monitor.detect.text import Sentence
from monitor.lexicon import Lexicon, Profile
from monitor.models import Claim, EnrichedArticle
from monitor.nlp.dates import WEEKDAYS, resolve_date, weekday_clash

_WEEKDAY = re.compile(r"^(?:on\s+)?(" + "|".join(WEEKDAYS) + r")$", re.IGNORECASE)
_FUTURE_TENSE = 2  # ``when`` for resolve_date: the clause speaks of the future


@dataclass(frozen=True)
class FoundDate:
    """A resolved date in one sentence.

    ``explicit`` when written as a calendar date; ``start`` is its offset in the sentence.
    """

    value: date
    explicit: bool
    text: str
    start: int = 0
    role: str = "event"  # "announced": the day something was said; "transit": a day of travel; "start"/"end":
    # the day something starts or stops applying; "target": a day set for something; "dateline": the day the
    # report was filed ('WASHINGTON, June 14 (Reuters) -')
    noun: str = ""  # the event kind of the nearest event word ('election' in 'the July 4 election')
    clash: bool = False  # written with a weekday it does not fall on ('Thursday, June 5' in 2024)
    began: bool = False  # right after a verb saying something began ('the exercise began Thursday')


@dataclass(frozen=True)
class PeriodMention:
    """A date claim coarser than a day ("in March", "2011", "last week") in one sentence.

    ``ongoing`` for a period running up to now ("since March").
    """

    value: date
    unit: str
    text: str
    ongoing: bool = False


def _locate(claim: Claim, text: str) -> int:
    """Where the claim's words start in the article text (its sentence's start if not found)."""
    position = text.find(claim.text, claim.evidence.start, max(claim.evidence.end, claim.evidence.start))
    return position if position >= 0 else claim.evidence.start


def _sentence_at(sentences: Sequence[Sentence], position: int) -> Sentence | None:
    for sentence in sentences:
        if sentence.start <= position < sentence.end:
            return sentence
    return None


def _forward(claim: Claim, value: date, before: str, published: date, future: re.Pattern[str]) -> date:
    """A weekday the NLP read as past, after words that look ahead ('ahead of his summit on Monday'), is the
    coming one. ``before`` is the sentence up to the weekday: a look ahead after it ('a meeting on Friday,
    after which the ministry said the sides would hold talks') is about something else."""
    if value >= published or not _WEEKDAY.match(claim.text.strip()) or not future.search(before):
        return value
    resolved = resolve_date(claim.text, published, when=_FUTURE_TENSE)
    return resolved[0] if resolved is not None else value


_PAST_TENSE = -1  # ``when`` for resolve_date: the clause speaks of the past


def _possessive_back(
    claim: Claim, value: date, sentence: str, start: int, published: date, lexicon: Lexicon, profile: Profile
) -> date:
    """A weekday written as the owner of something ('during Friday's earthquake') that the NLP read as coming,
    in a sentence that nowhere looks ahead, where the profile's events are never planned (an incident) or a
    past marker comes before it ('after the ... of Friday's ...'): the past one. A present-tense sentence
    ('is under investigation over the collapse during Friday's quake') makes no coming quake."""
    after = sentence[start + len(claim.text) : start + len(claim.text) + 2]
    if value <= published or not _WEEKDAY.match(claim.text.strip()) or after not in {"'s", "’s"}:
        return value
    done = profile.unplanned or lexicon.language.past.search(sentence[:start])
    if lexicon.language.future.search(sentence) or not done:
        return value
    resolved = resolve_date(claim.text, published, when=_PAST_TENSE)
    return resolved[0] if resolved is not None else value


_HAS_YEAR = re.compile(r"\b\d{4}\b|'\d{2}\b")


def _nearest_year(value: date, published: date) -> date:
    """A day and month written without a year are the ones nearest the publication ('April 16' in March).

    A past-tense report of 'April 16' published in March states an impossible date (a typo for March 16),
    not last April: reading it in the publication's year lets it be compared.
    """
    options = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            options.append(value.replace(year=year))
        except ValueError:  # 29 February
            continue
    return min(options, key=lambda day: abs((day - published).days)) if options else value


_DATELINE_BEFORE = re.compile(r"^\W*[^\W\d][\w.'’ -]{0,40},\s*$")  # 'WASHINGTON, ', 'Jerusalem, '
_DATELINE_AFTER = re.compile(r"^(?:,?\s*\d{4})?\s*(?:\([^)]{1,40}\)\s*)?[–—-]")  # ' (Reuters) -', ' 2025 –'
_DAY_RANGE = re.compile(r"\b(\d{1,2})\s*[-–]\s*(\d{1,2})\s*$")  # 'June 14-15': a two-day meeting


def _is_dateline(sentence: str, start: int, end: int) -> bool:
    """A date written as a report's dateline ('WASHINGTON, June 14 (Reuters) -', 'Jerusalem, 6 April 2025 –'):
    the day the report was filed, not the day of what it reports."""
    return bool(_DATELINE_BEFORE.match(sentence[:start]) and _DATELINE_AFTER.match(sentence[end:]))


def _range_end(found: FoundDate) -> FoundDate | None:
    """The last day of a day range ('on June 14-15', 'December 17-18'): a meeting over both days, whose
    reports may date it by either; stated in the sentence as a day of its own."""
    days = _DAY_RANGE.search(found.text)
    if days is None or int(days.group(2)) <= int(days.group(1)):
        return None
    try:
        last = found.value.replace(day=int(days.group(2)))
    except ValueError:
        return None
    return replace(found, value=last, start=found.start + days.start(2), text=days.group(2))


_WORDS_BEFORE = re.compile(r"([\w'’-]+\W+){0,5}$")


TRAVEL_REACH = 80  # characters before a day in which a travel word of its clause makes it a day of travel
_CLAUSE_BREAK = re.compile(r"[,;:()]")


def _travelled(before: str, profile: Profile) -> bool:
    """A travel word in the day's clause with no event word after it ('landed in the United States on
    Wednesday for a visit'), however many words name the place; 'arrived in Rome for the summit on Monday'
    dates the summit."""
    travel = list(profile.transit_pattern.finditer(before))
    if not travel:
        return False
    gap = before[travel[-1].end() :]
    return not _CLAUSE_BREAK.search(gap) and not profile.trigger_pattern.search(gap)


def _role(sentence: str, start: int, lexicon: Lexicon, profile: Profile) -> str:
    """What a date in a sentence is the day of: the event, its announcement, someone's travel, or a target.

    'arrived on Sunday', 'left Seoul on Monday': travel. 'the office announced Tuesday' in a sentence that
    looks ahead ('will travel from Saturday to Sunday'): the announcement, not the event.
    """
    before = sentence[max(0, start - 40) : start]
    near = _WORDS_BEFORE.search(before)
    words = near.group(0) if near else ""
    language = lexicon.language
    if language.ends.search(before) or language.range_end.search(before):
        return "end"  # 'a truce until April 22', 'from April 2 to April 12': the day it stops applying
    if language.starts.search(before):
        return "start"  # 'duties apply starting Friday', 'as of 5 July': the day it starts to apply
    if language.target.search(before):
        return "target"  # 'an election for July 4', 'a ceasefire until April 22': a day set for something
    if profile.transit_pattern.search(words) or _travelled(
        sentence[max(0, start - TRAVEL_REACH) : start], profile
    ):
        return "transit"
    announced = lexicon.language.announcing.search(words) and lexicon.language.future.search(sentence)
    if announced and not profile.announcements_are_events:
        return "announced"
    return "event"


def _nearest_kind(sentence: str, start: int, end: int, profile: Profile) -> str:
    """The event kind of the event word nearest a date, within a few words of it."""
    best: tuple[int, str] | None = None
    for match in profile.trigger_pattern.finditer(sentence):
        gap = start - match.end() if match.end() <= start else match.start() - end
        kind = profile.kind_of(match.group(0))
        if kind is not None and 0 <= gap <= 30 and (best is None or gap < best[0]):
            best = (gap, kind.noun)
    return best[1] if best else ""


def _distance(found: FoundDate, sentence: str, anchor: re.Pattern[str]) -> int:
    anchors = [match.end() for match in anchor.finditer(sentence)]
    if not anchors:
        return 0
    return min(found.start - end if found.start >= end else 2 * (end - found.start) for end in anchors)


SET_AHEAD_DAYS = 7  # further ahead than this, a day in a report of what happened is a day set for something


def _set_days(
    found: list[FoundDate], sentence: str, published: date, future: re.Pattern[str]
) -> list[FoundDate]:
    """A sentence reporting what happened by now ('called an election tonight, naming Thursday, July 4 as
    polling day') that also names a day weeks ahead: the later day is set for something, not the reported
    thing's day. A sentence that looks ahead keeps its days."""
    if future.search(sentence) or not any(item.value <= published for item in found if item.role == "event"):
        return found
    ahead = [item.role == "event" and (item.value - published).days > SET_AHEAD_DAYS for item in found]
    return [replace(item, role="target") if later else item for item, later in zip(found, ahead, strict=True)]


@dataclass
class ArticleDates:
    """An article's resolved dates by detection sentence index."""

    days: dict[int, list[FoundDate]]
    periods: dict[int, list[PeriodMention]]

    def in_sentence(self, sentence: Sentence) -> list[FoundDate]:
        """The day-precise dates of a sentence, the likeliest event date first."""
        return self.days.get(sentence.index, [])

    def periods_in(self, sentence: Sentence) -> list[PeriodMention]:
        """The week/month/year mentions of a sentence."""
        return self.periods.get(sentence.index, [])


def article_dates(
    enriched: EnrichedArticle,
    sentences: Sequence[Sentence],
    offset: int,
    published: date,
    lexicon: Lexicon,
    profile: Profile,
) -> ArticleDates:
    """Place the article's date claims in ``sentences`` (offsets ``offset`` past the article text's).

    A sentence's dates are ordered calendar dates first, then by distance to the profile's event words.
    """
    anchor = profile.anchor_pattern
    text = enriched.article.text
    days: dict[int, list[FoundDate]] = {}
    periods: dict[int, list[PeriodMention]] = {}
    for claim in enriched.claims:
        if claim.kind != "date" or not isinstance(claim.value, str):
            continue
        position = _locate(claim, text)
        sentence = _sentence_at(sentences, position + offset)
        if sentence is None:
            continue
        value = date.fromisoformat(claim.value[:10])
        if claim.unit != "day":
            ongoing = claim.qualifier.split(";")[0].strip() == "since"
            periods.setdefault(sentence.index, []).append(
                PeriodMention(value, claim.unit, claim.text, ongoing)
            )
            continue
        start = position + offset - sentence.start
        value = _forward(claim, value, sentence.text[:start], published, lexicon.language.future)
        value = _possessive_back(claim, value, sentence.text, start, published, lexicon, profile)
        explicit = any(ch.isdigit() for ch in claim.text)
        if explicit and not _HAS_YEAR.search(claim.text):
            value = _nearest_year(value, published)
        role = _role(sentence.text, start, lexicon, profile)
        if lexicon.language.set_as.search(sentence.text[start + len(claim.text) :]):
            role = "target"  # 'naming 4 July as the date of the next election'
        if _is_dateline(sentence.text, start, start + len(claim.text)):
            role = "dateline"
        noun = _nearest_kind(sentence.text, start, start + len(claim.text), profile)
        clash = weekday_clash(claim.text, value)
        began = bool(lexicon.language.began.search(sentence.text[max(0, start - 30) : start]))
        found = FoundDate(value, explicit, claim.text, start, role, noun, clash, began)
        days.setdefault(sentence.index, []).append(found)
        last = _range_end(found)
        if last is not None:
            days[sentence.index].append(last)
    by_index = {sentence.index: sentence.text for sentence in sentences}
    for index, found_dates in days.items():
        found_dates[:] = _set_days(found_dates, by_index[index], published, lexicon.language.future)
        found_dates.sort(
            key=lambda found: (not found.explicit, _distance(found, by_index[index], anchor), found.start)
        )
    return ArticleDates(days, periods)
