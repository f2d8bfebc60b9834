"""Meeting claims: a sentence that says people (or countries) meet, met or will hold talks.

Participants are the people (canonical PERSON entities) named in the sentence
outside parentheses; with fewer than two people, two places or groups written
as a pair ("South Korea-Japan meeting", "between Japan and South Korea") are
the participants. The place is a location introduced by "in"/"at" that is
not a participant; the date is the date claim nearest the meeting word.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

from spacy.tokens import Span, Token

from monitor.models import CanonicalEntity, Claim, Evidence
from monitor.nlp.gazetteer import demonym_countries
from monitor.nlp.phrases import PRESENT, tense

TRIGGERS = frozenset(
    {"meet", "meets", "met", "meeting", "meetings", "summit", "summits", "talks", "host", "hosts",
     "hosted", "hosting", "visit", "visits", "visited", "visiting"}
)  # fmt: skip
_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_PAIR_LABELS = {"GPE", "NORP", "ORG"}
_ISO_LENGTH = {"year": 4, "month": 7}
_OTHER_CLAUSES = frozenset({"advcl", "conj", "ccomp", "parataxis"})
_MAX_PER_SENTENCE = 3
_DEMONYMS = demonym_countries()
_PAIR_GLUE = re.compile(r"^\s*(?:-|–|and|&)\s*$")
_PLACE_PREPS = {"in", "at"}
_MOTION = frozenset(
    {"visit", "visits", "visited", "trip", "travel", "travels", "traveled", "travelled", "arrive",
     "arrived", "arrives", "return", "returns", "returned", "go", "goes", "went", "head", "heads",
     "headed", "fly", "flies", "flew", "come", "comes", "came", "journey"}
)  # fmt: skip


def mentions_in(sent: Span, entities: Sequence[CanonicalEntity]) -> list[tuple[Span, CanonicalEntity]]:
    """The entities' mentions inside the sentence, as spans, in order."""
    found: list[tuple[Span, CanonicalEntity]] = []
    for entity in entities:
        for m in entity.mentions:
            if sent.start_char <= m.start and m.end <= sent.end_char:
                span = sent.doc.char_span(m.start, m.end, alignment_mode="expand")
                if span is not None:
                    found.append((span, entity))
    return sorted(found, key=lambda item: item[0].start_char)


def _in_parentheses(text: str, span: Span) -> bool:
    before = text[span.sent.start_char : span.start_char]
    return before.count("(") > before.count(")")


def _verb_above(token: Token) -> Token | None:
    node = token
    while node.pos_ not in {"VERB", "AUX"}:
        if node.head.i == node.i:
            return None
        node = node.head
    return node


def _clauses(trigger: Token, sent: Span) -> Iterator[set[int]]:
    """Token indices of the clause around the meeting word, then of each enclosing clause.

    Sibling clauses that do not hold the meeting word are cut away at each level.
    """
    node = _verb_above(trigger)
    if node is None:
        yield set(range(sent.start, sent.end))
        return
    while True:
        while node.dep_ in {"xcomp", "auxpass", "aux"} and node.head.i != node.i:  # "is scheduled to meet"
            node = node.head
        tokens = {t.i for t in node.subtree}
        for child in node.children:
            if child.dep_ in _OTHER_CLAUSES and not (child.left_edge.i <= trigger.i <= child.right_edge.i):
                tokens -= {t.i for t in child.subtree}
        yield tokens
        if node.head.i == node.i:
            return
        above = _verb_above(node.head)
        if above is None:
            return
        node = above


def _place(
    trigger: Token, mentions: list[tuple[Span, CanonicalEntity]], participants: list[str]
) -> str | None:
    best: tuple[int, str] | None = None
    for span, entity in mentions:
        if entity.label not in _PLACE_LABELS or entity.id in participants:
            continue
        doc = span.doc
        if span.end < len(doc) and doc[span.end].lower_ in {"'s", "’s", "'", "’"}:
            continue
        prep = doc[span.start - 1] if span.start > 0 else None
        introduced = prep is not None and (
            prep.lower_ in _PLACE_PREPS or (prep.lower_ == "to" and prep.head.lower_ in _MOTION)
        )
        if span.root.head.i == trigger.i and span.root.dep_ == "compound":  # "the Tokyo summit"
            introduced = True
        if span.root.dep_ == "dobj" and span.root.head.lower_ in _MOTION:  # "will visit Seoul"
            introduced = True
        distance = abs(span.start - trigger.i)
        if introduced and (best is None or distance < best[0]):
            best = (distance, entity.id)
    return None if best is None else best[1]


def _participants(mentions: list[tuple[Span, CanonicalEntity]], text: str) -> tuple[list[str], bool]:
    """Participant ids, and whether they are people (else a pair of places or groups)."""
    people = [e.id for span, e in mentions if e.label == "PERSON" and not _in_parentheses(text, span)]
    participants = list(dict.fromkeys(people))
    if len(participants) >= 2:
        return participants, True
    for (a_span, a), (b_span, b) in itertools.pairwise(mentions):
        glue = text[a_span.end_char : b_span.start_char]
        if a.label in _PAIR_LABELS and b.label in _PAIR_LABELS and a.id != b.id and _PAIR_GLUE.match(glue):
            return [_DEMONYMS.get(a.name.casefold(), a.id), _DEMONYMS.get(b.name.casefold(), b.id)], False
    return participants, True


def meeting_claims(
    sent: Span,
    text: str,
    entities: Sequence[CanonicalEntity],
    dates: Sequence[tuple[int, Claim]],
    evidence: Evidence,
) -> list[Claim]:
    """Meeting claims of a sentence: one per meeting word whose clause names two or more participants.

    ``dates`` are the sentence's date claims with their character offsets.
    """
    triggers = [t for t in sent if t.lower_ in TRIGGERS and t.pos_ in {"NOUN", "VERB", "PROPN"}]
    if not triggers:
        return []
    mentions = mentions_in(sent, entities)
    people = [span.start for span, e in mentions if e.label == "PERSON"] or [sent.start]

    def rank(trigger: Token) -> tuple[bool, float]:
        # "talks with X" / "summit between X and Y" first, then the word nearest the people named
        linked = any(c.lower_ in {"with", "between"} for c in trigger.children)
        return not linked, sum(abs(trigger.i - i) for i in people) / len(people)

    claims: list[tuple[bool, Claim]] = []
    seen: set[frozenset[str]] = set()
    for trigger in sorted(triggers, key=rank):
        for clause in _clauses(trigger, sent):
            local = [(span, e) for span, e in mentions if span.root.i in clause]
            participants, by_people = _participants(local, text)
            if len(participants) >= 2:
                break
        key = frozenset(participants)
        if len(participants) < 2 or any(key <= other for other in seen):
            continue
        seen.add(key)
        place = _place(trigger, local, participants) or _place(trigger, mentions, participants)
        local_dates = [(start, c) for start, c in dates if _token_at(sent, start) in clause]
        claims.append((by_people, _claim(trigger, participants, place, local_dates, evidence)))
        if len(claims) >= _MAX_PER_SENTENCE:
            break
    # people meeting stand for their countries: drop a "South Korea-Japan meeting" beside them,
    # unless it is dated differently (then it is another meeting)
    people_dates = {_date_of(claim) for by_people, claim in claims if by_people}
    return [
        claim
        for by_people, claim in claims
        if by_people
        or not people_dates
        or (_date_of(claim) is not None and _date_of(claim) not in people_dates)
    ]


def _date_of(claim: Claim) -> str | None:
    value = claim.value
    date = value.get("date") if isinstance(value, dict) else None
    return date if isinstance(date, str) else None


def _token_at(sent: Span, char: int) -> int:
    span = sent.doc.char_span(char, char + 1, alignment_mode="expand")
    return -1 if span is None else span.start


def _claim(
    trigger: Token,
    participants: list[str],
    place: str | None,
    dates: Sequence[tuple[int, Claim]],
    evidence: Evidence,
) -> Claim:
    when: str | None = None
    if dates:
        _start, nearest = min(dates, key=lambda item: abs(item[0] - trigger.idx))
        when = str(nearest.value)[: _ISO_LENGTH.get(nearest.unit, 10)]
    held = tense(trigger.doc[trigger.i : trigger.i + 1]) < PRESENT
    modifiers = [c for c in trigger.children if c.dep_ in {"amod", "compound", "nummod"} and c.i < trigger.i]
    first = min((c.left_edge.i for c in modifiers), default=trigger.i)
    return Claim(
        kind="meeting",
        text=trigger.text,
        value={"participants": participants, "place": place, "date": when},
        subject=trigger.doc[first : trigger.i + 1].text if trigger.pos_ != "VERB" else trigger.lower_,
        qualifier="held" if held else "planned",
        evidence=evidence,
    )
