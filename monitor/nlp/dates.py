"""Resolving date expressions and reading durations.

A date resolves against the article's publication date into the first day of
the period it names plus its granularity: ("2023-05-07", "day"),
("2023-04-24", "week"), ("2011-10-01", "month"), ("2018-01-01", "year").
Weekdays and month names without a year go back in time when the sentence
speaks of the past and forward otherwise ("will host ... on Sunday").
Common forms are read by hand (fast); anything else goes to dateparser.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser

from monitor.nlp.numbers import parse_number, split_approximator

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
YEAR_LENGTHS = {
    "year": 1.0, "decade": 10.0, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25, "hour": 1 / 8766,
}  # fmt: skip
_NUMBER_WORDS = (
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty"
    r"|a\s+dozen|dozen|a\s+couple\s+of|a\s+few|several|\d+(?:\.\d+)?|half\s+a)"
)
DURATION = re.compile(
    r"(?P<approx>(?:about|around|nearly|almost|roughly|more\s+than|less\s+than|over|some|at\s+least)\s+)?"
    r"(?P<num>" + _NUMBER_WORDS + r"(?:[\s-]+(?:and\s+a\s+half))?)"
    r"[\s-]+(?P<unit>year|decade|month|week|day|hour)s?\b(?!-old)",
    re.IGNORECASE,
)
_ISO_LIKE = re.compile(
    r"^(?:(?P<wd>" + "|".join(WEEKDAYS) + r"),?\s+)?"
    r"(?P<mon>[a-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s*,\s*|\s+)?(?P<year>\d{4})?$"
)
_DAY_FIRST = re.compile(r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[a-z]{3,9})\.?,?\s*(?P<year>\d{4})?$")
_MONTH_YEAR = re.compile(r"^(?P<mon>[a-z]{3,9})\.?,?\s+(?P<year>\d{4})$")
_YEAR = re.compile(
    r"^(?:the\s+(?:start|beginning|end|middle)\s+of\s+|early\s+|late\s+|mid-?)?(?P<year>1[89]\d\d|20\d\d)$"
)
_AGO = re.compile(
    r"^(?P<num>.+?)\s+(?P<unit>day|week|month|year)s?\s+(?P<dir>ago|earlier|before|later|after)$"
)
_FILLER = re.compile(r"^(?:on|in|at|by|since|from|until|till|of|during|this\s+past|just|only|today,?)\s+")
_RELATIVE_DAYS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}


_MONTH_WORD = r"(?:" + "|".join(MONTHS) + r"|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?)(?![a-z])"
_WEEKDAY_WORD = r"(?:" + "|".join(WEEKDAYS) + r")"
CALENDAR_DAY = (
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH_WORD + r"|" + _MONTH_WORD + r"\s+\d{1,2}(?:st|nd|rd|th)?\b)"
    r"(?:,?\s+\d{4})?"
)
# A weekday and the calendar day it names, written together: 'Thursday (Jun 6)', 'Thursday, June 5',
# '26 June (Wednesday)'. The group ``day`` is the calendar day.
WEEKDAY_THEN_DAY = re.compile(r"\s*(?:,\s*|\(\s*)(?P<day>" + CALENDAR_DAY + r")(?:\s*\))?", re.IGNORECASE)
DAY_THEN_WEEKDAY = re.compile(r"\s*\(\s*(?P<weekday>" + _WEEKDAY_WORD + r")\s*\)", re.IGNORECASE)
_NAMED_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)


def named_weekday(text: str) -> int | None:
    """The weekday a date expression names (0 = Monday), if it names exactly one."""
    found = {WEEKDAYS.index(match.casefold()) for match in _NAMED_WEEKDAY.findall(text)}
    return found.pop() if len(found) == 1 else None


def weekday_clash(text: str, day: date) -> bool:
    """True when a date expression names a weekday that ``day`` is not: 'Thursday, June 5' for 5 June 2024
    (a Wednesday). A report whose weekday and date disagree has one of them wrong."""
    weekday = named_weekday(text)
    return weekday is not None and bool(re.search(r"\d", text)) and weekday != day.weekday()


def _month(word: str) -> int | None:
    word = word.casefold().rstrip(".")
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return _MONTH_ABBR.get(word[:4] if word.startswith("sept") else word[:3]) if len(word) <= 4 else None


def _clean(text: str) -> str:
    text = " ".join(text.casefold().replace("’", "'").split())
    text = text.rstrip(".,;:")
    while True:
        stripped = _FILLER.sub("", text)
        if stripped == text:
            return text
        text = stripped


def _year_for(month: int, day: int, base: date, when: int) -> int:
    """The year of a month/day written without one: past, future, or else the nearest."""
    candidate = date(base.year, month, min(day, 28))
    if when > 1:
        return base.year + 1 if candidate < base - timedelta(days=1) else base.year
    if when < 0:
        return base.year - 1 if candidate > base + timedelta(days=1) else base.year
    options = (base.year - 1, base.year, base.year + 1)
    return min(options, key=lambda y: abs((date(y, month, min(day, 28)) - base).days))


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _relative(text: str, base: date, when: int) -> tuple[date, str] | None:
    if text in _RELATIVE_DAYS:
        return base + timedelta(days=_RELATIVE_DAYS[text]), "day"
    match = re.match(r"^(last|this|next|this\s+past|this\s+coming)\s+(" + "|".join(WEEKDAYS) + r")$", text)
    if match:
        delta = WEEKDAYS.index(match.group(2)) - base.weekday()
        if match.group(1) in {"last", "this past"}:
            delta -= 7 if delta >= 0 else 0
        elif match.group(1) in {"next", "this coming"}:
            delta += 7 if delta <= 0 else 0
        return base + timedelta(days=delta), "day"
    if text in WEEKDAYS:
        forward = when > 0
        delta = WEEKDAYS.index(text) - base.weekday()
        if forward and delta < 0:
            delta += 7
        elif not forward and delta > 0:
            delta -= 7
        return base + timedelta(days=delta), "day"
    match = re.match(r"^(this|last|next|past|earlier\s+this|later\s+this)\s+(week|month|year)$", text)
    if match:
        step = {"last": -1, "past": -1, "next": 1}.get(match.group(1), 0)
        unit = match.group(2)
        if unit == "week":
            start = base - timedelta(days=base.weekday())
            return start + timedelta(weeks=step), "week"
        if unit == "month":
            return _shift_months(base, step), "month"
        return date(base.year + step, 1, 1), "year"
    match = _AGO.match(text)
    if match:
        amount = parse_number(match.group("num"))
        if amount is None:
            return None
        sign = 1 if match.group("dir") in {"later", "after"} else -1
        unit = match.group("unit")
        if unit in {"day", "week"}:
            days = int(amount * (7 if unit == "week" else 1))
            return base + timedelta(days=sign * days), "day"
        months = round(amount * (12 if unit == "year" else 1))
        index = base.year * 12 + base.month - 1 + sign * months
        shifted = date(index // 12, index % 12 + 1, min(base.day, 28))
        return shifted, "month" if unit == "month" else "year"
    return None


def _absolute(text: str, base: date, when: int) -> tuple[date, str] | None:
    for pattern in (_ISO_LIKE, _DAY_FIRST):
        match = pattern.match(text)
        if match:
            month = _month(match.group("mon"))
            if month is None:
                return None
            day = int(match.group("day"))
            year = int(match.group("year")) if match.group("year") else _year_for(month, day, base, when)
            try:
                return date(year, month, day), "day"
            except ValueError:
                return None
    match = _MONTH_YEAR.match(text)
    if match:
        month = _month(match.group("mon"))
        return (date(int(match.group("year")), month, 1), "month") if month else None
    month = _month(text)
    if month is not None and text.isalpha() and len(text) >= 3:
        return date(_year_for(month, 1, base, when), month, 1), "month"
    match = _YEAR.match(text)
    if match:
        return date(int(match.group("year")), 1, 1), "year"
    return None


@lru_cache(maxsize=4096)
def _dateparser(text: str, base: date, forward: bool) -> date | None:
    settings = {
        "RELATIVE_BASE": datetime(base.year, base.month, base.day, 12),
        "PREFER_DATES_FROM": "future" if forward else "past",
        "STRICT_PARSING": False,
        "REQUIRE_PARTS": ["month"],
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return None if parsed is None else parsed.date()


def resolve_date(text: str, base: date | None, *, when: int) -> tuple[date, str, bool] | None:
    """(first day, granularity, approximate) of a date expression, or None if it names no date.

    ``when`` is the clause's tense (``phrases.tense``): below 0 past, 1 present, 2 future.
    """
    approx, rest = split_approximator(_clean(text))
    rest = _clean(rest)
    if not rest or re.search(r"\d{4}\s*[-–]\s*\d{2,4}|\d0s\b", rest):
        return None  # ranges ("1910-1945") and decades ("the 2000s") are not one date
    ref = base or date.today()
    if base is not None:
        found = _relative(rest, ref, when)
        if found:
            return found[0], found[1], bool(approx)
    found = _absolute(rest, ref, when)
    if found and (base is not None or re.search(r"\d{4}", rest)):
        return found[0], found[1], bool(approx)
    if base is None or not re.search(r"\d|" + "|".join(MONTHS), rest):
        return None
    parsed = _dateparser(rest, ref, when > 1)
    return None if parsed is None else (parsed, "day", bool(approx))


def duration_years(num: str, unit: str) -> float | None:
    """Years in "a dozen" + "year", "five" + "week", "two and a half" + "year"."""
    text = num.casefold().replace("-", " ")
    half = 0.5 if "and a half" in text else 0.0
    text = text.replace("and a half", "").strip()
    if text in {"a few", "several", "a couple of"}:
        return None
    if text == "half a":
        value: float | None = 0.5
    else:
        value = parse_number(text)
    if value is None:
        return None
    return (value + half) * YEAR_LENGTHS[unit.casefold().rstrip("s")]
