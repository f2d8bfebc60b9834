"""Measures written as one word with their number: 'a 7.7-magnitude quake', 'a 33-storey tower',
'a magnitude-6.4 aftershock', 'the aftershock measured magnitude 6.7'.

The unit is the lexicon's measure word (``measure_words``; 'story' and 'floors' read as 'storey'), the
value its number, and what it is a measure *of* is the noun the compound describes (the quake, the
tower, the aftershock): a 7.7-magnitude main shock and a 6.4-magnitude aftershock are two things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span

from monitor.detect.text import fold
from monitor.lexicon import load_lexicon

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Measure:
    """One measure of a sentence: where it is written, its number and unit."""

    start: int
    end: int
    value: float
    unit: str


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    language = load_lexicon().language
    units = language.measure_units
    if not units:
        return None, units
    words = "|".join(sorted((re.escape(form) for form in units), key=len, reverse=True))  # longest first
    scales = "|".join(re.escape(form) for form in language.words.scale_words)
    after = rf"(?P<n>{_NUM})\s*-?\s*(?P<u>{words})\b"  # '7.7-magnitude', '33-storey', '8.2 magnitude'
    before = (
        rf"\b(?P<u2>{scales})(?:\s+of)?\s*-?\s*(?P<n2>{_NUM})(?![\d-])"
        # 'put the magnitude of Monday's quake at 7.8': the scale, words naming the thing, 'at' its value
        rf"|\b(?P<u3>{scales})(?:\s+[\w'’]+){{0,6}}?\s+at\s+(?P<n3>{_NUM})(?![\d:-]|\s*(?:[ap]\.?m\b|GMT|UTC|local))"
        if scales
        else ""
    )
    pattern = rf"(?<![\w.,]){after}|{before}" if before else rf"(?<![\w.,]){after}"
    return re.compile(pattern, re.IGNORECASE), units


def measures(text: str, start: int, end: int) -> list[Measure]:
    """The measures written in ``text[start:end]``."""
    pattern, units = _patterns()
    if pattern is None:
        return []
    found: list[Measure] = []
    for match in pattern.finditer(text, start, end):
        number = match.group("n") or match.group("n2") or match.group("n3")
        word = match.group("u") or match.group("u2") or match.group("u3")
        unit = units.get(fold(word), word.casefold())
        begin = match.start("n3") if match.group("n3") else match.start()  # the words between are no measure
        found.append(Measure(begin, match.end(), float(number.replace(",", "")), unit))
    return found


def measured_thing(span: Span) -> str:
    """The noun a measure describes: 'earthquake' in 'a 7.7-magnitude earthquake', 'aftershock' in 'the
    aftershock measured magnitude 6.7' or 'an aftershock of magnitude 6.4' (up to three heads up)."""
    units = _patterns()[1]
    token = span.root
    for _ in range(4):
        if token.pos_ in {"NOUN", "PROPN"} and token.lower_ not in units and not token.like_num:
            return token.lower_
        if token.head is token:
            break
        token = token.head
    return ""
