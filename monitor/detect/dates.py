"""Dates mentioned in a sentence, resolved against the publication date.

Handles "August 23, 2025", "7 May", "on Sunday" (forward for future tense,
backward otherwise), "today", "yesterday", "tomorrow" and "a day earlier".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_MDY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*(\d{{4}}))?(?!\d)")
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(\d{{4}}))?\b")
_WEEKDAY = re.compile(
    r"\b(?:(next|last|this)\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_RELATIVE = re.compile(
    r"\b(today|tonight|yesterday|tomorrow|(?:a|one|the)\s+day\s+(?:earlier|before)|"
    r"(two|three)\s+days\s+(?:earlier|ago))\b",
    re.IGNORECASE,
)
FUTURE = re.compile(
    r"\b(will|would|is|are)\s+(?:\w+\s+)?(?:to\s+)?(?:meet|host|hold|visit|travel|be held|scheduled|set|due|"
    r"expected|plan\w*)\b|\b(?:ahead of|upcoming|plans? to|scheduled|set to|due to|to be held|next)\b|"
    r"\bwill\b",
    re.IGNORECASE,
)
_NUMBERS = {"two": 2, "three": 3}
_ANCHOR = re.compile(r"\b(summit|talks|meeting|meet|met|visit|hosts?|hosted|held|agreed|signed)\b", re.I)


@dataclass(frozen=True)
class FoundDate:
    """A date read from a sentence; ``explicit`` when written as a calendar date."""

    value: date
    explicit: bool
    text: str


def _year_for(month: int, day: int, published: date) -> date | None:
    best: date | None = None
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((candidate - published).days) < abs((best - published).days):
            best = candidate
    return best


def _calendar(sentence: str, published: date) -> list[FoundDate]:
    found: list[FoundDate] = []
    for match in _MDY.finditer(sentence):
        month, day, year = MONTHS[match.group(1).casefold().rstrip(".")], int(match.group(2)), match.group(3)
        found.extend(_make(month, day, year, published, match.group(0)))
    for match in _DMY.finditer(sentence):
        day, month, year = int(match.group(1)), MONTHS[match.group(2).casefold().rstrip(".")], match.group(3)
        found.extend(_make(month, day, year, published, match.group(0)))
    return found


def _make(month: int, day: int, year: str | None, published: date, text: str) -> list[FoundDate]:
    if not 1 <= day <= 31:
        return []
    try:
        value = date(int(year), month, day) if year else _year_for(month, day, published)
    except ValueError:
        return []
    return [FoundDate(value, True, text)] if value else []


def _nearest(matches: list[re.Match[str]], sentence: str) -> re.Match[str]:
    """The weekday closest to (preferably after) a meeting word: 'arrived on Sunday for talks on Monday'."""
    anchors = [anchor.end() for anchor in _ANCHOR.finditer(sentence)]
    if not anchors:
        return matches[0]

    def distance(match: re.Match[str]) -> int:
        return min(
            match.start() - end if match.start() >= end else 2 * (end - match.start()) for end in anchors
        )

    return min(matches, key=distance)


def _weekday(sentence: str, published: date) -> FoundDate | None:
    matches = list(_WEEKDAY.finditer(sentence))
    if not matches:
        return None
    match = _nearest(matches, sentence)
    target = WEEKDAYS.index(match.group(2).casefold())
    modifier = (match.group(1) or "").casefold()
    future = modifier == "next" or (modifier != "last" and FUTURE.search(sentence) is not None)
    delta = (target - published.weekday()) % 7
    value = published + timedelta(days=delta) if future else published - timedelta(days=(-delta) % 7)
    return FoundDate(value, False, match.group(0))


def dates_in(sentence: str, published: date) -> list[FoundDate]:
    """Dates a sentence mentions, calendar dates first."""
    found = _calendar(sentence, published)
    weekday = _weekday(sentence, published)
    relative = _RELATIVE.search(sentence)
    if relative is not None:
        word = relative.group(1).casefold()
        anchor = weekday.value if weekday is not None else published
        if word in {"today", "tonight"}:
            found.append(FoundDate(published, False, relative.group(0)))
        elif word == "yesterday":
            found.append(FoundDate(published - timedelta(days=1), False, relative.group(0)))
        elif word == "tomorrow":
            found.append(FoundDate(published + timedelta(days=1), False, relative.group(0)))
        else:
            days = _NUMBERS.get((relative.group(2) or "").casefold(), 1)
            found.append(FoundDate(anchor - timedelta(days=days), False, relative.group(0)))
    elif weekday is not None:
        found.append(weekday)
    return found
