"""Light text handling shared by storyline matching and development detection.

Pure functions over strings: sentence splitting that survives "U.S." and
"D.C.", word-boundary term patterns, content-word tokens and fingerprints.
No spaCy here: matching and detection must stay fast and deterministic.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from monitor.models import CanonicalEntity


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ABBREVIATIONS = _words(
    "u.s u.k u.n e.u d.c mr mrs ms dr st gen lt col sen rep gov prof jr sr inc corp co ltd no vs e.g "
    "i.e jan feb mar apr jun jul aug sep sept oct nov dec approx est"
)
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*\s+|\n+|(?<=[a-z]{3}[.!?])(?=[A-Z][a-z])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)*")

STOPWORDS = _words(
    "a about above after again against all also am an and any are as at be because been before being "
    "below between both but by can could did do does doing down during each few for from further had "
    "has have having he her here hers him his how i if in into is it its itself just me more most my "
    "no nor not now of off on once only or other our out over own said same says she should so some "
    "such than that the their them then there these they this those through to too under until up "
    "very was we were what when where which while who whom why will with would you your yet per via "
    "amid among across ahead since according told say new one two three four five six seven eight "
    "nine ten first second last week year years month months day days monday tuesday wednesday "
    "thursday friday saturday sunday today"
)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a text, with its character offsets."""

    index: int
    start: int
    end: int
    text: str


def fold(text: str) -> str:
    """Case-fold and strip accents and typographic quotes/dashes for comparisons."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    return text.casefold()


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences on terminal punctuation and line breaks, keeping offsets."""
    result: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        token = match.group(0)[:1]
        if not token:
            _append(result, text, start, match.start())
            start = match.start()
            continue
        end = match.start() + 1 if token in ".!?" else match.start()
        if token == ".":
            before = text[start : match.start()].rsplit(None, 1)
            last = before[-1].casefold().lstrip('("“') if before else ""
            nxt = text[match.end() : match.end() + 1]
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()) or (nxt and nxt.islower()):
                continue
        _append(result, text, start, end)
        start = match.end()
    _append(result, text, start, len(text))
    return result


def _append(result: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    offset = start + (len(chunk) - len(chunk.lstrip()))
    result.append(Sentence(len(result), offset, offset + len(stripped), stripped))


@lru_cache(maxsize=4096)
def term_pattern(term: str, *, plural: bool = False, case_sensitive: bool | None = None) -> re.Pattern[str]:
    """A word-boundary pattern for a name or keyword.

    Short or single-word capitalised names ("US", "Lee") match case-sensitively so
    the pronoun "us" or the word "moon" do not count; other terms ignore case.
    Hyphens and spaces inside a term are interchangeable ("Lee Jae-myung").
    """
    parts = [re.escape(part) for part in re.split(r"[\s\-‐–]+", term.strip()) if part]
    body = r"[\s\-‐–]+".join(parts)
    if plural:
        body = _inflected(term.strip()) if len(parts) == 1 else body + r"(?:s|es|ed|ing)?"
    if case_sensitive is None:
        case_sensitive = term[:1].isupper() and (len(term) <= 4 or (" " not in term and "-" not in term))
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){body}(?![\w])", flags)


_IRREGULAR = {
    "meet": "met",
    "hold": "held",
    "lead": "led",
    "seek": "sought",
    "fight": "fought",
    "fly": "flew",
}


def _inflected(word: str) -> str:
    """Singular, plural and verb forms of one keyword: 'troops' also finds 'troop', 'meet' finds 'met'."""
    lower = word.casefold()
    if lower.endswith("ies") and len(lower) > 4:
        stem, tail = lower[:-3], r"(?:y|ies)"
    elif lower.endswith("y") and len(lower) > 3 and lower[-2] not in "aeiou":
        stem, tail = lower[:-1], r"(?:y|ies|ied)"
    elif lower.endswith("s") and not lower.endswith("ss") and len(lower) > 4:
        stem, tail = lower[:-1], r"(?:s|es|ed|ing)?"
    else:
        stem, tail = lower, r"(?:s|es|ed|ing)?"
    forms = [re.escape(stem) + tail]
    if lower in _IRREGULAR:
        forms.append(_IRREGULAR[lower])
    return "(?:" + "|".join(forms) + ")"


def contains(text: str, term: str, *, plural: bool = False) -> bool:
    """True when the term occurs in the text as whole words."""
    return term_pattern(term, plural=plural).search(text) is not None


def tokens(text: str) -> list[str]:
    """Content words of a text, folded, without stop words or bare numbers."""
    words = (fold(word).strip("'-") for word in _WORD.findall(text))
    return [
        _stem(word) for word in words if len(word) > 2 and word not in STOPWORDS and not word[0].isdigit()
    ]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def normalized_text(text: str) -> str:
    """Text reduced to its folded words, for exact-copy fingerprints."""
    return " ".join(fold(word) for word in _WORD.findall(text))


def fingerprint(text: str) -> str:
    """A short hash of the normalized words: equal for copies differing in markup or spacing."""
    return hashlib.sha256(normalized_text(text).encode("utf-8")).hexdigest()[:20]


def shingles(text: str, size: int = 5) -> set[str]:
    """Word n-gram shingles, for near-duplicate detection."""
    words = normalized_text(text).split()
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def stable_hash(*parts: str, length: int = 16) -> str:
    """Deterministic hex digest of the joined parts."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def mentions(entity: CanonicalEntity, text: str) -> bool:
    """The text names the entity by its name or any form it was seen in."""
    return any(
        term_pattern(form).search(text) for form in {entity.name, *entity.surface_forms} if form.strip()
    )
