"""Figure identity: what a figure is a value *of*, so that only values of one thing are compared.

Two figures can conflict only when they measure the same quantity of the same
referent. From the figure's own clause of its sentence this reads:

* the *referent*: the named thing the figure belongs to: an entity a
  preposition ties to it ("4,500 troops from South Korea"), else the nearest
  entity before it in its clause ("BYD will face 17.4%, Geely 19.9%" gives BYD
  and Geely);
* the *marks*: words of the lexicon's contrast sets that name a variant of the
  measure ("additional" vs "total" duty, "deposit" vs "refinancing" rate,
  "aftershock" vs "main shock");
* the *bound*: "more than 1,600" is a lower bound, "up to 38%" an upper one;
* whether the count is *cumulative* (a death toll), which grows between reports.

:func:`identity_gap` says why two figures are not values of one thing, or
``""`` when they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from monitor.detect.state import HeldFact
from monitor.detect.text import tokens
from monitor.lexicon import Language, Lexicon
from monitor.models import CanonicalEntity, Claim

_CLAUSE_BREAK = re.compile(
    r"[;()\[\]]|,\s|\s[–—-]\s|\s(?:and|while|whereas|but|compared with|against|versus|vs\.?|than)\s",
    re.IGNORECASE,
)

# A named thing after the figure owns it when a preposition links them ("4,500 troops from South Korea").
_OWNER = re.compile(r"^\W*(?:[\w'’-]+\W+){0,4}?(?:from|in|of|for|on|at|across|within)\b", re.IGNORECASE)

Bound = Literal["", "lower", "upper"]
_PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "FAC"})


@dataclass(frozen=True)
class FigureContext:
    """What a figure is a value of, read from its clause."""

    referents: tuple[str, ...]
    referent_names: tuple[str, ...]
    named_owner: bool  # the referent is an organisation, person or product, not merely a place
    marks: tuple[tuple[int, str], ...]
    bound: Bound
    cumulative: bool
    clause: str


def clause_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the clause around ``sentence[start:end]``."""
    left = 0
    for match in _CLAUSE_BREAK.finditer(sentence, 0, start):
        left = match.end()
    after = _CLAUSE_BREAK.search(sentence, end)
    return left, after.start() if after else len(sentence)


def _mentions(
    entities: tuple[CanonicalEntity, ...], begin: int, end: int, labels: frozenset[str]
) -> list[tuple[int, int, CanonicalEntity]]:
    found = []
    for entity in entities:
        if entity.label not in labels:
            continue
        for mention in entity.mentions:
            if begin <= mention.start and mention.end <= end:
                found.append((mention.start, mention.end, entity))
    return sorted(found, key=lambda item: item[0])


def figure_context(claim: Claim, entities: tuple[CanonicalEntity, ...], lexicon: Lexicon) -> FigureContext:
    """Referent, marks, bound and cumulativeness of a figure claim, from its own clause."""
    sentence = claim.evidence.sentence
    position = sentence.find(claim.text)
    if position < 0:
        return FigureContext((), (), False, (), "", False, sentence)
    end = position + len(claim.text)
    left, right = clause_bounds(sentence, position, end)
    clause = sentence[left:right]
    language = lexicon.language
    base = claim.evidence.start
    labels = frozenset(language.words.referent_labels)
    before = _mentions(entities, base + left, base + position, labels)
    after = [
        m for m in _mentions(entities, base + end, base + right, labels)
        if _OWNER.search(sentence[end : m[0] - base])
    ]  # fmt: skip
    before = [m for m in before if not _names_a_rate(m[2], language)]  # 'Bank Rate' is the measure itself
    before = [m for m in before if not _speaker(m, sentence[m[1] - base : position], language)]
    after = [m for m in after if not _names_a_rate(m[2], language)]
    chosen = after[:1] or _owner_of(before[-1:], before, sentence, base)  # else the subject ("BYD will face")
    referents = tuple(entity.id for _, _, entity in chosen)
    names = tuple(entity.name for _, _, entity in chosen)
    marks = contrast_marks(clause, lexicon)
    lead = sentence[max(0, position - 25) : position]
    bound: Bound = ""
    written = claim.text.casefold()  # the claim may hold its bound word: 'less than three hours'
    if language.lower_bound.search(lead) or written.startswith(_prefixes(language.words.lower_bounds)):
        bound = "lower"
    elif language.upper_bound.search(lead) or written.startswith(_prefixes(language.words.upper_bounds)):
        bound = "upper"
    cumulative = bool(language.cumulative.search(clause))
    named = any(entity.label not in _PLACE_LABELS for _, _, entity in chosen)
    return FigureContext(referents, names, named, marks, bound, cumulative, clause)


def _speaker(mention: tuple[int, int, CanonicalEntity], between: str, language: Language) -> bool:
    """True for a person who announces the figure ('President Lula announced a 12% levy'): a speaker, not
    what the figure is of (an organisation announcing a figure is often its owner: a bank's own rate)."""
    return mention[2].label == "PERSON" and bool(language.announcing.search(between))


def _prefixes(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{phrase.casefold()} " for phrase in phrases)


def _names_a_rate(entity: CanonicalEntity, language: Language) -> bool:
    """True for an entity named as a rate ('Bank Rate', 'Federal Funds Rate'): what is measured, no owner."""
    words = entity.name.split()
    return len(words) > 1 and bool(language.rate.fullmatch(words[-1]))


def _owner_of(
    chosen: list[tuple[int, int, CanonicalEntity]],
    before: list[tuple[int, int, CanonicalEntity]],
    sentence: str,
    base: int,
) -> list[tuple[int, int, CanonicalEntity]]:
    """The possessor of a body named right after it ('the Bank of England's Monetary Policy Committee' is the
    bank's): the body's figures are its owner's."""
    if not chosen:
        return chosen
    start = chosen[0][0]
    for mention in before:
        between = sentence[mention[1] - base : start - base]
        if mention[1] <= start and _POSSESSIVE.fullmatch(between):
            return [mention]
    return chosen


_POSSESSIVE = re.compile(r"\s*['’]s?\s+")


def contrast_marks(clause: str, lexicon: Lexicon) -> tuple[tuple[int, str], ...]:
    """(contrast set, member) for every contrast-set member named in a clause."""
    found = {(index, name) for index, name, pattern in lexicon.language.contrasts if pattern.search(clause)}
    return tuple(sorted(found))


def identity_gap(
    mine: tuple[str, ...], theirs: tuple[str, ...], my_marks: list[str], their_marks: list[str]
) -> str:
    """Why two figures are values of different things ('' when nothing says so).

    ``mine``/``theirs`` are referent ids; marks are ``"<set>:<word>"`` strings.
    """
    if mine and theirs and not set(mine) & set(theirs):
        return "different referents"
    sets_mine: dict[str, set[str]] = {}
    for mark in my_marks:
        group, _, word = mark.partition(":")
        sets_mine.setdefault(group, set()).add(word)
    for mark in their_marks:
        group, _, word = mark.partition(":")
        if group in sets_mine and word not in sets_mine[group]:
            return f"different variants ({'/'.join(sorted(sets_mine[group]))} vs {word})"
    return ""


SAME_STATEMENT = 0.6  # share of content words two sentences quoting one statement have in common


_COUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\d.,])\d{3,}(?![\d.,])")
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def _other_counts(fact: HeldFact) -> set[str]:
    """The counts of a figure's sentence beyond the figure itself (years left out): '2,376' in '1,020 people
    ... died ... and 2,376 were injured'."""
    position = fact.quote.find(fact.text)
    rest = fact.quote[:position] + fact.quote[position + len(fact.text) :] if position >= 0 else fact.quote
    return {n.replace(",", "") for n in _COUNT.findall(rest) if not _YEAR.match(n)}


def one_statement(fact: HeldFact, held: HeldFact) -> bool:
    """True when two figures' sentences are one statement rewritten: the same words but for the figure, and
    the same other counts ('the junta's information team said in a statement that 1,020 people are known to
    have died ... and that 2,376 were injured' and '... 1,002 people ... and 2,376 were injured'): one
    moment's count, not a toll that grew between two reports (whose other counts grow too)."""
    counts = _other_counts(fact)
    return (
        bool(counts)
        and counts == _other_counts(held)
        and _shared(tokens(fact.quote), tokens(held.quote)) >= SAME_STATEMENT
    )


def _shared(left: list[str], right: list[str]) -> float:
    a, b = set(left), set(right)
    return len(a & b) / len(a | b) if a | b else 1.0


def bounds_agree(mine: float, my_bound: str, theirs: float, their_bound: str) -> bool:
    """True when two figures, one or both of them bounds, can both hold."""
    if my_bound == their_bound and my_bound:
        return True  # two lower (or upper) bounds never contradict each other
    for value, bound, other in ((mine, my_bound, theirs), (theirs, their_bound, mine)):
        if bound == "lower" and other < value:
            return False
        if bound == "upper" and other > value:
            return False
    return True


def measured_words(fact: HeldFact, lexicon: Lexicon) -> list[str]:
    """The words of a figure's clause that say what it measures, less its unit ('duty', not 'percent')."""
    return [term for term in fact.terms if term not in lexicon.language.unit_words]


def describe(fact: HeldFact, lexicon: Lexicon) -> str:
    """What a figure is a value of, in words: 'percent (duty) of BYD'."""
    what = " ".join(measured_words(fact, lexicon)[:3]) or fact.kind
    owner = f" of {', '.join(fact.referent_names)}" if fact.referent_names else ""
    return f"{fact.kind.replace('_', ' ')} ({what}){owner}"


_NAME = re.compile(r"\b[A-Z][\w’'.-]*[A-Za-z]")
_SOURCE_SPAN = 6  # words read on the speaker's side of an announcing word


def sources(fact: HeldFact, lexicon: Lexicon) -> tuple[str, ...]:
    """Proper names of whoever a figure's sentence attributes it to, in order: the words after 'according
    to' or before another announcing word of the lexicon ('said', 'reported'), up to a punctuation mark, less
    the figure's own referents (a bank announcing its own rate is not a third-party source). Empty when the
    sentence names no source by name ('officials said')."""
    quote = fact.quote
    own = {word.casefold() for name in fact.referent_names for word in _NAME.findall(name)}
    found: list[str] = []
    for match in lexicon.language.announcing.finditer(quote):
        if match.group(0).casefold().startswith("according"):
            side = re.split(r"[,.;:()]", quote[match.end() :], maxsplit=1)[0]
            words = side.split()[:_SOURCE_SPAN]
        else:
            side = re.split(r"[,.;:()]", quote[: match.start()])[-1]
            words = side.split()[-_SOURCE_SPAN:]
            if words and quote[: match.start()].strip() == side.strip() and not words[0].isupper():
                words = words[1:]  # the sentence's first word is capitalised whatever it is (not 'AFAD')
        for word in words:
            for name in _NAME.findall(word):
                name = re.sub(r"[’']s?$", "", name)
                if name.casefold() not in lexicon.language.not_source_names and name.casefold() not in own:
                    found.append(name)
    return tuple(found)


def _initials(names: tuple[str, ...]) -> set[str]:
    """Acronyms a run of names may be written as: 'US Geological Survey' -> 'USGS' (an all-capital name
    gives all its letters, another its first)."""
    parts = [name if name.isupper() else name[0] for name in names]
    return {"".join(parts[i:j]).casefold() for i in range(len(parts)) for j in range(i + 2, len(parts) + 1)}


def same_source(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """True when two figures' named sources may be one: a shared name, or one's acronym of the other's
    names ('USGS', 'US Geological Survey')."""
    left, right = {n.casefold() for n in first}, {n.casefold() for n in second}
    return bool(left & right or left & _initials(second) or right & _initials(first))
