"""Date resolution, durations and number reading, without the model."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.nlp.dates import duration_years, named_weekday, resolve_date, weekday_clash
from monitor.nlp.numbers import parse_number, split_approximator
from monitor.nlp.phrases import FUTURE, PAST, PRESENT

WEDNESDAY = date(2023, 5, 3)


@pytest.mark.parametrize(
    ("text", "when", "expected"),
    [
        ("Sunday", FUTURE, (date(2023, 5, 7), "day")),
        ("on Sunday", PRESENT, (date(2023, 5, 7), "day")),
        ("Sunday", PAST, (date(2023, 4, 30), "day")),
        ("on Wednesday", PAST, (date(2023, 5, 3), "day")),
        ("a day earlier", PAST, (date(2023, 5, 2), "day")),
        ("last week", PAST, (date(2023, 4, 24), "week")),
        ("next month", FUTURE, (date(2023, 6, 1), "month")),
        ("August 23, 2025", PAST, (date(2025, 8, 23), "day")),
        ("August 23,2025", PAST, (date(2025, 8, 23), "day")),
        ("23 August 2025", PAST, (date(2025, 8, 23), "day")),
        ("October 2011", PAST, (date(2011, 10, 1), "month")),
        ("March", PRESENT, (date(2023, 3, 1), "month")),
        ("June", FUTURE, (date(2023, 6, 1), "month")),
        ("the start of 2022", PAST, (date(2022, 1, 1), "year")),
        ("two years ago", PAST, (date(2021, 5, 3), "year")),
    ],
)
def test_resolve_date(text: str, when: int, expected: tuple[date, str]) -> None:
    """Date words resolve against a Wednesday publication date by the clause's tense."""
    resolved = resolve_date(text, WEDNESDAY, when=when)
    assert resolved is not None and resolved[:2] == expected


@pytest.mark.parametrize("text", ["1910-1945", "the 2000s", "recent years", "years"])
def test_unresolvable_dates(text: str) -> None:
    """Ranges, decades and vague periods name no single date."""
    assert resolve_date(text, WEDNESDAY, when=PAST) is None


def test_approximate_date() -> None:
    """ "about a year ago" is approximate and keeps the day."""
    assert resolve_date("about a year ago", date(2023, 5, 8), when=PAST) == (date(2022, 5, 8), "year", True)


@pytest.mark.parametrize(
    ("num", "unit", "years"),
    [("a dozen", "years", 12.0), ("five", "year", 5.0), ("18", "months", 1.5), ("two", "decades", 20.0),
     ("two and a half", "years", 2.5)],
)  # fmt: skip
def test_duration_years(num: str, unit: str, years: float) -> None:
    """Durations are converted to years."""
    assert duration_years(num, unit) == pytest.approx(years)


def test_vague_duration_has_no_value() -> None:
    """ "several years" has no number."""
    assert duration_years("several", "years") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("80,000", 80000.0), ("1.5 million", 1.5e6), ("a dozen", 12.0), ("twenty-five", 25.0), ("3.5bn", 3.5e9),
     ("two hundred thousand", 2e5), ("hundreds of", None), ("several", None)],
)  # fmt: skip
def test_parse_number(text: str, value: float | None) -> None:
    """News-style numbers read to floats; vague amounts read to None."""
    assert parse_number(text) == value


def test_split_approximator() -> None:
    """Approximators are split off the number."""
    assert split_approximator("~50,000") == ("~", "50,000")
    assert split_approximator("approximately 80,000") == ("approximately", "80,000")
    assert split_approximator("100") == ("", "100")


@pytest.mark.parametrize(
    ("text", "day", "clash"),
    [
        ("Thursday, June 5", date(2024, 6, 5), True),  # 5 June 2024 is a Wednesday
        ("Thursday (Jun 6)", date(2024, 6, 6), False),
        ("26 June (Wednesday)", date(2024, 6, 26), False),
        ("Friday (17 November 2023)", date(2023, 11, 17), False),
        ("Thursday (16 November 2023)", date(2023, 11, 17), True),
        ("Thursday", date(2024, 6, 5), False),  # a weekday alone is read as that weekday: nothing to disagree
        ("June 5", date(2024, 6, 5), False),
    ],
)
def test_weekday_clash(text: str, day: date, clash: bool) -> None:
    """A date written with a weekday it does not fall on disagrees with itself; one part of it is wrong."""
    assert weekday_clash(text, day) is clash


def test_named_weekday() -> None:
    """The weekday a date expression names (0 = Monday); none when it names none or two."""
    assert named_weekday("Thursday (Jun 6)") == 3
    assert named_weekday("June 6") is None
    assert named_weekday("from Monday to Wednesday") is None
