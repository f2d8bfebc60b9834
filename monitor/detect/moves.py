"""The size of a rate move, however it is written, as one comparable fact.

"cut by a quarter point", "lowered 25 basis points", "a 0.25 percentage-point reduction" and "a 0.25% rate
hike" are one size: 25 basis points. Each size a sentence gives for a move of a rate (a move word and the
word 'rate' near it, from the lexicon's ``rate_move_words`` and ``rate_words``) becomes a fact in the slot
``move:<decision>``, its number in basis points. The decision is the event's own (``move:``) unless the
size's clause names another month or year ("September's half-point cut", "a 50-bp increase in May" in a
report of June's decision): a move dated to another decision is a settled fact of that decision, compared
with other reports' sizes of it even in background sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from monitor.detect.figures import clause_bounds, contrast_marks
from monitor.detect.state import HeldFact
from monitor.detect.text import Sentence, fold
from monitor.lexicon import Language, Lexicon
from monitor.nlp.dates import MONTHS

MOVE_SLOT = "move:"
_POINTS = r"[\s-]*(?:percentage|percent)?[\s-]*points?\b"
_FRACTION_WORD = r"(?:\b(?:a|one)[\s-])?\b(?P<frac>{})(?:[\s-]+of)?(?:[\s-]+a)?"


@lru_cache(maxsize=4)
def _size_pattern(point_fractions: tuple[tuple[str, float], ...]) -> re.Pattern[str]:
    """Sizes of a move: basis points, percentage points, the language's shares of a point, a percentage."""
    names = sorted((name for name, _ in point_fractions), key=len, reverse=True)
    fractions = "|".join(r"[\s-]".join(re.escape(part) for part in re.split(r"[\s-]+", n)) for n in names)
    share = _FRACTION_WORD.format(fractions) + _POINTS + "|" if fractions else ""
    return re.compile(
        r"(?P<bp>\d+(?:\.\d+)?)[\s-]*(?:basis[\s-]*points?|bps?)\b"
        r"|(?P<pp>\d+(?:\.\d+)?)[\s-]*(?:percentage|percent)[\s-]*points?\b|"
        + share
        + r"(?P<pct>\d+(?:\.\d+)?)\s?(?:%|per\s?cent\b|percent\b)",
        re.IGNORECASE,
    )


_WHEN = re.compile(
    r"\b(?P<month>" + "|".join(m.capitalize() for m in MONTHS) + r")\b|\b(?P<year>(?:19|20)\d\d)\b"
)
_NAMED_AFTER = re.compile(r"[\s-]*(?:(?:interest[\s-]+)?rates?[\s-]+)?[\w-]+")
_NEAR = 60  # characters before a size in which its move word and the word 'rate' are read
_BY = re.compile(r"\bby\s+(?:another\s+|an?\s+(?:further\s+|additional\s+|extra\s+)?)?$", re.IGNORECASE)


def _basis_points(match: re.Match[str], language: Language) -> float:
    if match.group("bp"):
        return float(match.group("bp"))
    if match.group("pp") or match.group("pct"):
        return float(match.group("pp") or match.group("pct")) * 100
    return language.point_fractions[re.sub(r"[\s-]+", "-", fold(match.group("frac")))]


def _is_move(text: str, match: re.Match[str], lexicon: Lexicon) -> bool:
    """True when the size is a rate move's: a move word and 'rate' just before it ('cut rates by', 'lowered
    its key rate by'), or right after it ('a 25-basis-point cut', 'a 0.25% rate hike'). A plain percentage
    is a move only written 'by X%' after the move or 'X% rate <move>' (else it is a rate's level)."""
    language = lexicon.language
    before = text[max(0, match.start() - _NEAR) : match.start()]
    after = text[match.end() : match.end() + 25]
    moved_after = re.match(r"^[\s-]*(?:(?:interest[\s-]+)?rates?[\s-]+)?(?P<word>[\w-]+)", after)
    follows = moved_after is not None and bool(language.rate_move.fullmatch(moved_after.group("word")))
    if match.group("pct"):
        named_rate = follows and bool(re.match(r"^[\s-]*(?:interest[\s-]+)?rates?\b", after))
        return named_rate or (_BY.search(before) is not None and _rate_moved(before, language))
    return follows or _rate_moved(before, language)


def is_move_size(claim_text: str, sentence: str, lexicon: Lexicon) -> bool:
    """True when a figure's text is a rate move's size in its sentence ('by 0.25%' after 'lift Bank Rate'):
    the size is a move fact, not the rate's level."""
    position = sentence.find(claim_text)
    if position < 0:
        return False
    match = _size_pattern(lexicon.language.words.point_fractions).match(sentence, position)
    return match is not None and _is_move(sentence, match, lexicon)


def _rate_moved(before: str, language: Language) -> bool:
    return bool(language.rate.search(before)) and bool(language.rate_move.search(before))


def _decision(clause: str, event_date: date | None) -> str:
    """The month (else the year) of another decision the clause names, "" for the event's own."""
    found = _WHEN.search(clause)
    if found is None:
        return ""
    month, year = found.group("month"), found.group("year")
    if month and event_date is not None and MONTHS.index(month.casefold()) + 1 == event_date.month:
        return ""
    return (month or year).casefold()


def move_facts(
    sentences: Sequence[Sentence],
    background: Sequence[Sentence],
    article_id: str,
    lexicon: Lexicon,
    event_date: date | None = None,
) -> list[HeldFact]:
    """Sizes of rate moves the event's sentences (``sentences``) and its background give, in basis points.

    A size in a sentence with a hypothetical or preference word ('may raise rates by', 'a hike would bring',
    'who wanted a half-point rise') is qualified ``proposed``: an expectation, compared as such; 'as widely
    expected' (the lexicon's ``as_expected``) says the decision met expectations, and makes it none. A size
    of the event's own move in a background sentence is left out; one dated to another decision is kept,
    background or not: it is a settled fact of that decision.
    """
    facts: list[HeldFact] = []
    language = lexicon.language
    old = {id(sentence) for sentence in background}
    for sentence in [*sentences, *background]:
        text = sentence.text
        for match in _size_pattern(language.words.point_fractions).finditer(text):
            if not _is_move(text, match, lexicon):
                continue
            left, right = clause_bounds(text, match.start(), match.end())
            clause = text[left:right]
            named = _NAMED_AFTER.match(text, match.end())  # the clause up to the move word: which rate moved
            marks = contrast_marks(text[left : named.end() if named else match.end()], lexicon)
            decision = _decision(clause, event_date)
            in_background = id(sentence) in old
            if in_background and not decision:
                continue
            said = language.as_expected.sub(" ", text)  # 'as widely expected' reports the decision itself
            tentative = language.hypothetical.search(said) or language.preference.search(said)
            points = _basis_points(match, language)
            facts.append(
                HeldFact(
                    slot=f"{MOVE_SLOT}{decision}", kind="quantity", value=f"{points:g}",
                    number=points, unit="bp", terms=["move", *([decision] if decision else [])],
                    marks=[f"{group}:{word}" for group, word in marks],
                    qualifier="proposed" if tentative else "", text=match.group(0), quote=text,
                    background=False, article_id=article_id,
                )
            )  # fmt: skip
    return facts
