"""Reading numbers written in news style: "80,000", "1.5 million", "a dozen", "twenty-five"."""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "half": 0.5, "couple": 2,
}  # fmt: skip
_SCALES = {
    "dozen": 12, "score": 20, "hundred": 100, "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6,
    "m": 1e6, "mln": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "trn": 1e12,
}  # fmt: skip
APPROXIMATORS = (
    "approximately", "approx.", "approx", "about", "around", "roughly", "nearly", "almost", "some",
    "an estimated", "estimated", "close to", "more than", "over", "less than", "under", "fewer than",
    "up to", "at least", "at most", "as many as", "as much as", "just over", "just under", "~", "≈",
    "circa", "c.",
)  # fmt: skip
_APPROX = re.compile(
    r"^\s*(" + "|".join(re.escape(a) for a in sorted(APPROXIMATORS, key=len, reverse=True)) + r")\s*",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_SPLIT = re.compile(r"[\s\-‐]+")


def split_approximator(text: str) -> tuple[str, str]:
    """("about", "100") from "about 100"; ("", text) when there is none."""
    match = _APPROX.match(text)
    if match is None:
        return "", text.strip()
    return match.group(1).casefold(), text[match.end() :].strip()


def _digits(word: str) -> float | None:
    match = _DIGITS.match(word)
    if match is None:
        return None
    whole = float(match.group(1).replace(",", ""))
    return whole + float(f"0.{match.group(2)}") if match.group(2) else whole


def parse_number(text: str) -> float | None:
    """The value of a number phrase, or None for vague ("hundreds of") or non-numeric text."""
    words = [w for w in _SPLIT.split(text.casefold().strip()) if w and w not in {"and", "of"}]
    if not words:
        return None
    total = 0.0
    current: float | None = None
    for word in words:
        compact = re.match(r"^(\d[\d,]*(?:\.\d+)?)([a-z]+)$", word)
        if compact and compact.group(2) in _SCALES:
            value = _digits(compact.group(1))
            if value is None:
                return None
            current = (current or 0.0) + value * _SCALES[compact.group(2)]
            continue
        digit = _digits(word)
        if digit is not None:
            current = (current or 0.0) + digit
        elif word in _UNITS:
            current = (current or 0.0) + _UNITS[word]
        elif word in _SCALES:
            scale = _SCALES[word]
            base = 1.0 if current is None else current
            if scale >= 1e3:
                total += base * scale
                current = None
            else:
                current = base * scale
        else:
            return None
    return total + (current or 0.0)
