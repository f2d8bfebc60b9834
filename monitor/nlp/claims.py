"""Claims: normalized statements of fact, one sentence at a time.

Kinds (``Claim.kind``) and their values:

* ``percent_change`` — {"from": "25", "to": "15"}, unit "%" ("from 25% to 15%",
  "to 15% from 25%");
* ``money`` — amount in currency units, unit an ISO code ("$350 billion" -> 3.5e11 USD);
* ``percent`` — the number, unit "%";
* ``duration`` — years (float), unit "years" ("a dozen years" -> 12,
  "five-year gap" -> 5, "two-day stay" -> 2/365.25);
* ``date`` — ISO date of the first day of the period, unit its granularity
  ("day", "week", "month", "year"), resolved against the publication date;
* ``quantity`` — a count with its unit noun ("around 100 missiles");
* ``meeting`` — {"participants": [entity ids], "place": id | None, "date": ISO | None};
* ``act`` — who did a singular act or where an act happened (``acts``).

Each claim carries the sentence (text and character offsets in the article
text) it was read from, a subject (what the value measures) and a qualifier
(preposition, "since" for gaps, modality such as "proposed" / "agreed").
Markdown-style tables are read row by row (see ``tables``).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from spacy.tokens import Doc, Span, Token

from monitor.lexicon import load_lexicon
from monitor.models import CanonicalEntity, Claim, Evidence
from monitor.nlp.acts import act_claims
from monitor.nlp.dates import (
    CALENDAR_DAY,
    DAY_THEN_WEEKDAY,
    DURATION,
    WEEKDAY_THEN_DAY,
    WEEKDAYS,
    duration_years,
    resolve_date,
)
from monitor.nlp.measures import measured_thing, measures
from monitor.nlp.meetings import TRIGGERS, meeting_claims, mentions_in
from monitor.nlp.numbers import parse_number, split_approximator
from monitor.nlp.phrases import describe, measured_head, modality, tense, verb_phrase
from monitor.nlp.tables import table_claims, table_regions

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_PCT = r"\s*(?:%|percent\b|per\s+cent\b|pct\b|percentage\s+points?\b)"
PERCENT_CHANGE = re.compile(
    rf"\bfrom\s+(?:about\s+|around\s+|~)?(?P<a>{_NUM})(?:{_PCT})?\s+to\s+(?:about\s+|around\s+|~)?(?P<b>{_NUM}){_PCT}"
    rf"|\bto\s+(?P<b2>{_NUM}){_PCT}\s+from\s+(?P<a2>{_NUM}){_PCT}",
    re.IGNORECASE,
)
PERCENT = re.compile(
    rf"(?P<approx>~|about\s+|around\s+|nearly\s+|almost\s+|roughly\s+)?(?P<n>{_NUM}){_PCT}", re.I
)
_CURRENCY_SYMBOLS = {
    "us$": "USD", "$": "USD", "c$": "CAD", "a$": "AUD", "hk$": "HKD", "s$": "SGD", "nt$": "TWD", "nz$": "NZD",
    "r$": "BRL", "mx$": "MXN",
    "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "₹": "INR", "元": "CNY",
}  # fmt: skip
_CURRENCY_WORDS = {
    "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP", "yen": "JPY",
    "won": "KRW", "yuan": "CNY", "renminbi": "CNY", "rupees": "INR", "roubles": "RUB", "rubles": "RUB",
}  # fmt: skip
# Dollars of a nation named before the word ('16.6 billion Canadian dollars'): other nations' are not USD.
_DOLLAR_NATIONS = {"us": "USD", "u.s.": "USD", "canadian": "CAD", "australian": "AUD", "hong kong": "HKD",
                   "new zealand": "NZD", "singapore": "SGD", "taiwan": "TWD"}  # fmt: skip
_SCALE = r"(?:\s*(?P<scale>million|billion|trillion|bn|mn|tn|m|b|k)\b)?"
MONEY = re.compile(
    r"(?P<approx>(?:about|around|nearly|almost|roughly|more\s+than|over|some|up\s+to)\s+|~)?"
    r"(?:(?<![A-Za-z])(?P<sym>[A-Za-z]{0,2}\$|€|£|¥|₩|₹)\s?(?P<n1>"
    + _NUM
    + r")"
    + _SCALE.replace("scale", "s1")
    + r"|(?P<n2>"
    + _NUM
    + r")"
    + _SCALE.replace("scale", "s2")
    + r"\s+(?:(?P<nation>"
    + "|".join(re.escape(nation).replace(r"\ ", r"\s+") for nation in _DOLLAR_NATIONS)
    + r")\s+)?(?P<word>"
    + "|".join(_CURRENCY_WORDS)
    + r")\b)",
    re.IGNORECASE,
)
_SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9,
           "tn": 1e12, "trillion": 1e12}  # fmt: skip
_QUANTITY_LABELS = {"CARDINAL", "QUANTITY"}
_SKIP_LABELS = {"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL"}
_NUMBER_TOKEN = re.compile(r"^[~≈]?\d[\d,]*(?:\.\d+)?$")
_PERCENT_WORDS = re.compile(r"%|per ?cent|pct", re.IGNORECASE)
_PREFILTERS = {
    PERCENT_CHANGE: _PERCENT_WORDS,
    PERCENT: _PERCENT_WORDS,
    MONEY: re.compile(r"[$€£¥₩₹元]|" + "|".join(_CURRENCY_WORDS), re.IGNORECASE),
    DURATION: re.compile(r"year|decade|month|week|day|hour", re.IGNORECASE),
}
_HAS_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|dozen|hundred|thousand|million|billion|trillion)\b",
    re.IGNORECASE,
)
_HAS_TRIGGER = re.compile(r"\b(?:" + "|".join(sorted(TRIGGERS)) + r")\b", re.IGNORECASE)
_APPROX_WORDS = frozenset(
    {
        "~",
        "about",
        "around",
        "approximately",
        "roughly",
        "nearly",
        "almost",
        "some",
        "over",
        "estimated",
        "than",
    }
)
_MEASURED_KINDS = frozenset({"quantity", "percent", "money", "duration"})
_ANAPHORIC = {"the", "their", "these", "those", "both", "all", "its", "his", "her", "our"}


def _evidence(sent: Span, text: str) -> Evidence:
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    return Evidence(
        sentence=stripped, start=sent.start_char + lead, end=sent.start_char + lead + len(stripped)
    )


class _Sentence:
    """Claims of one sentence; remembers which characters a claim already used."""

    def __init__(
        self,
        sent: Span,
        published: datetime | None,
        text: str,
        ents: list[Span],
    ) -> None:
        self.sent = sent
        self.doc: Doc = sent.doc
        self.text = text
        self.ents = ents
        self.published = published.date() if published else None
        self.evidence = _evidence(sent, text[sent.start_char : sent.end_char])
        self.used: list[tuple[int, int]] = []
        self.claims: list[Claim] = []
        self.dates: list[tuple[int, Claim]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.used)

    def span(self, start: int, end: int) -> Span | None:
        return self.doc.char_span(start, end, alignment_mode="expand")

    def add(self, kind: str, start: int, end: int, value: object, **extra: object) -> None:
        span = self.span(start, end)
        subject, qualifier = describe(span) if span is not None else ("", "")
        measured = measured_head(span) if span is not None and kind in _MEASURED_KINDS else ""
        subject = str(extra.pop("subject", subject))
        qualifier = str(extra.pop("qualifier", qualifier))
        mood = modality(span) if span is not None else ""
        if mood and mood not in qualifier:
            qualifier = f"{qualifier}; {mood}" if qualifier else mood
        self.used.append((start, end))
        self.claims.append(
            Claim(
                kind=kind,
                text=self.text[start:end],
                value=value,
                subject=subject,
                qualifier=qualifier,
                measured=measured,
                evidence=self.evidence,
                **extra,
            )
        )

    def matches(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        """Matches of ``pattern`` inside this sentence (a cheap keyword test first: the patterns are slow)."""
        start, end = self.sent.start_char, self.sent.end_char
        if _PREFILTERS[pattern].search(self.text, start, end) is None:
            return []
        return list(pattern.finditer(self.text, start, end))


def _percent_changes(s: _Sentence) -> None:
    for m in s.matches(PERCENT_CHANGE):
        a, b = m.group("a") or m.group("a2"), m.group("b") or m.group("b2")
        s.add("percent_change", m.start(), m.end(), {"from": a.replace(",", ""), "to": b.replace(",", "")},
              unit="%")  # fmt: skip


def _money(s: _Sentence) -> None:
    for m in s.matches(MONEY):
        if not s.free(m.start(), m.end()):
            continue
        number = m.group("n1") or m.group("n2")
        scale = (m.group("s1") or m.group("s2") or "").casefold()
        if m.group("sym"):
            symbol = m.group("sym").casefold()
            # a dollar sign after letters no table names ('Z$') is some other nation's dollar, not the US's
            currency = _CURRENCY_SYMBOLS.get(symbol) or f"{symbol[:-1].upper()}$"
        elif m.group("nation") and m.group("word").casefold().startswith("dollar"):
            currency = _DOLLAR_NATIONS[" ".join(m.group("nation").casefold().split())]
        else:
            currency = _CURRENCY_WORDS[m.group("word").casefold()]
        value = float(number.replace(",", "")) * _SCALES.get(scale, 1.0)
        s.add("money", m.start(), m.end(), value, unit=currency, approximate=bool(m.group("approx")))


def _percents(s: _Sentence) -> None:
    for m in s.matches(PERCENT):
        if s.free(m.start(), m.end()):
            value = float(m.group("n").replace(",", ""))
            unit = "percentage points" if "point" in m.group(0).casefold() else "%"
            s.add("percent", m.start(), m.end(), value, unit=unit, approximate=bool(m.group("approx")))


def _after_preposition(s: _Sentence, start: int) -> bool:
    span = s.span(start, start + 1)
    if span is None or span.start == 0:
        return False
    before = s.doc[span.start - 1]
    return before.pos_ in {"ADP", "SCONJ", "ADV", "ADJ"} or before.lower_ in {"than", "nearly", "about"}


def _durations(s: _Sentence) -> None:
    for m in s.matches(DURATION):
        tail = s.text[m.end() : m.end() + 12].casefold()
        if not s.free(m.start(), m.end()) or re.match(r"\s*(ago|earlier|later|old)\b", tail):
            continue
        if (
            m.group("num").casefold() in {"a", "an"}
            and not m.group("approx")
            and not _after_preposition(s, m.start())
        ):
            continue  # "38 billion cubic meters of gas a year" is a rate
        years = duration_years(m.group("num"), m.group("unit"))
        if years is None:
            continue
        s.add(
            "duration", m.start(), m.end(), round(years, 6), unit="years", approximate=bool(m.group("approx"))
        )


_DAY_PART = re.compile(
    r"^(?:(?:late|early)\s+)?(?P<day>"
    + "|".join(WEEKDAYS)
    + r"|tonight)(?:\s+(?:morning|afternoon|evening|night))?$",
    re.IGNORECASE,
)


CALENDAR_DAY_IN = re.compile(r"\b" + CALENDAR_DAY, re.IGNORECASE)


def _date_spans(s: _Sentence, ent: Span) -> list[tuple[int, int, str]]:
    """The claims of a date entity: one, or two for a range of calendar days ('April 2 to April 12',
    '2 April-22 April'), each over its own words so the second reads as the range's end."""
    span = _date_span(s, ent)
    if span is None:
        return []
    words = s.text[span[0] : span[1]]
    both = _DAY_RANGE.fullmatch(words)
    if span[2] != words or both is None:
        return [span]
    first, second = span[0] + both.start("first"), span[0] + both.start("second")
    return [(first, span[0] + both.end("first"), both.group("first")),
            (second, span[0] + both.end("second"), both.group("second"))]  # fmt: skip


_DAY_RANGE = re.compile(
    r"(?P<first>" + CALENDAR_DAY + r")\s*(?:to|through|until|till|-|–)\s*(?P<second>" + CALENDAR_DAY + r")",
    re.IGNORECASE,
)


def _date_span(s: _Sentence, ent: Span) -> tuple[int, int, str] | None:
    """Where a date entity's claim starts and ends, and the words that give its day.

    A weekday and the calendar day written with it are one claim ('Thursday (Jun 6)', 'Thursday, June 5',
    '26 June (Wednesday)'), read by the calendar day; its text keeps the weekday, which may disagree. A
    time entity gives its weekday ('Tuesday night', 'on a wet Wednesday afternoon') or 'tonight'.
    """
    part_of_day = _DAY_PART.match(ent.text)
    if ent.label_ == "TIME":
        if part_of_day is None:
            return None
        start = ent.start_char + part_of_day.start("day")
        return start, start + len(part_of_day.group("day")), part_of_day.group("day")
    if ent.label_ != "DATE":
        return None
    if part_of_day is not None and part_of_day.group("day").casefold() != "tonight":
        after = WEEKDAY_THEN_DAY.match(s.text, ent.end_char, s.sent.end_char)
        if after is not None:
            return ent.start_char, after.end(), after.group("day")
    elif part_of_day is None:
        after = DAY_THEN_WEEKDAY.match(s.text, ent.end_char, s.sent.end_char)
        if after is not None:
            return ent.start_char, after.end(), ent.text
    return ent.start_char, ent.end_char, ent.text


def _dates(s: _Sentence) -> None:
    for ent in s.ents:
        start: date | None = None  # a range's first day: its end falls on or after it
        for found in _date_spans(s, ent):
            start = _date(s, ent, found, start)


def _on_or_after(day: date, start: date | None, text: str) -> date:
    """A range's end written without a year falls on or after its start ('2 April to 22 April')."""
    if start is None or day >= start or re.search(r"\d{4}", text):
        return day
    for year in (start.year, start.year + 1):
        try:
            moved = day.replace(year=year)
        except ValueError:  # 29 February
            continue
        if moved >= start:
            return moved
    return day


def _date(s: _Sentence, ent: Span, found: tuple[int, int, str], after: date | None = None) -> date | None:
    """Add the date claim of one span (a range's end on or after ``after``); return its day."""
    start, end, words = found
    before = s.text[max(0, start - 12) : start].rstrip().casefold()
    if not s.free(start, end) or before.endswith(("©", "copyright")):
        return None
    resolved = resolve_date(words, s.published, when=tense(ent))
    calendar = CALENDAR_DAY_IN.search(words) if resolved is None else None
    if calendar is not None:  # 'tomorrow, Thursday, June 5' as one entity: its calendar day
        resolved = resolve_date(calendar.group(0), s.published, when=tense(ent))
    if resolved is None:
        return None
    day, grain, approx = resolved
    day = _on_or_after(day, after, words)
    s.add("date", start, end, day.isoformat(), unit=grain, approximate=approx)
    s.dates.append((start, s.claims[-1]))
    return day


def _measures(s: _Sentence) -> None:
    """'a 7.7-magnitude earthquake', 'a 33-storey tower': a quantity whose unit is the measure word and
    whose subject is the thing measured."""
    for found in measures(s.text, s.sent.start_char, s.sent.end_char):
        span = s.span(found.start, found.end)
        if span is None or not s.free(found.start, found.end):
            continue
        thing = measured_thing(span)
        s.add("quantity", found.start, found.end, found.value, unit=found.unit,
              subject=f"{thing} {found.unit}".strip())  # fmt: skip


def _counted_subject(number: Token) -> tuple[str, str] | None:
    """The count a bare number is the value of, when its verb's subject is one of the lexicon's growing
    counts ('the death toll had risen to 1,121', 'the toll stands at 912'): (the noun, the subject with its
    verb); None otherwise."""
    if number.dep_ == "pobj" and number.head.lower_ in {"to", "at"}:
        verb = number.head.head
    elif number.dep_ in {"attr", "dobj"}:
        verb = number.head
    else:
        return None
    if verb.pos_ not in {"VERB", "AUX"}:
        return None
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None or subject.pos_ != "NOUN":
        return None
    doc = number.doc
    phrase = doc[
        min(t.i for t in subject.subtree if t.i <= subject.i and t.dep_ != "poss") : subject.i + 1
    ].text
    if not load_lexicon().language.cumulative.search(phrase):
        return None
    return subject.lower_, f"{phrase} {verb.text}"


def _quantities(s: _Sentence) -> None:
    doc = s.doc
    index = s.sent.start
    previous: tuple[int, str, str] | None = None  # last count's end token, unit and subject
    while index < s.sent.end:
        token = doc[index]
        index += 1
        if token.ent_type_ in _SKIP_LABELS or not (token.like_num or _NUMBER_TOKEN.match(token.text)):
            continue
        first, last = token.i, token.i + 1
        while last < s.sent.end and doc[last].like_num and doc[last].ent_type_ not in _SKIP_LABELS:
            last += 1
        index = last
        start, end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1].text)
        if not s.free(start, end) or (token.ent_type_ and token.ent_type_ not in _QUANTITY_LABELS):
            continue
        prev = doc[first - 1] if first > s.sent.start else None
        approx_word = ""
        if prev is not None and prev.lower_ in _APPROX_WORDS:
            approx_word = prev.lower_
            if prev.lower_ == "than" and first - 2 >= s.sent.start:  # "more than 3,000"
                prev = doc[first - 2]
            first_char = prev.idx
        else:
            first_char = start
        marker, number = split_approximator(s.text[start:end])
        value = parse_number(number)
        head = doc[last - 1].head
        unit_token = head if head.i >= last and head.pos_ in {"NOUN", "PROPN"} else None
        if unit_token is None and last < s.sent.end and doc[last].pos_ == "NOUN":
            unit_token = doc[last]
        if unit_token is None and last + 1 < s.sent.end and doc[last].lower_ == "of":
            # "23 of the alliance's 32 members"
            unit_token = next((c for c in doc[last].children if c.dep_ == "pobj" and c.tag_ == "NNS"), None)
        if value is None or (unit_token is not None and unit_token.ent_type_ in {"ORG", "PERSON", "GPE"}):
            continue
        counted = _counted_subject(doc[last - 1]) if unit_token is None else None
        if counted is not None:
            # "the death toll had risen to 1,121": a bare number is the count its verb's subject names
            noun, subject = counted
            s.add("quantity", first_char, end, value, unit=noun, approximate=bool(marker or approx_word),
                  subject=subject)  # fmt: skip
            continue
        if unit_token is None:
            # "to 10.85 million vehicles from 11 million": a bare number right after a count shares its unit
            if previous is None or first - previous[0] > 6 or not any(c.isdigit() for c in number):
                continue
            s.add("quantity", first_char, end, value, unit=previous[1],
                  approximate=bool(marker or approx_word), subject=previous[2])  # fmt: skip
            continue
        if last < s.sent.end and doc[last].text == "-":
            continue  # "three-way talks", "10-point plan": a compound adjective, not a count
        if (
            not any(c.isdigit() for c in number)
            and value < 4
            and prev is not None
            and prev.lower_ in _ANAPHORIC
        ):
            continue  # "the two leaders"
        if 1800 <= value <= 2100 and number.isdigit() and unit_token.pos_ == "PROPN":
            continue
        # the counted noun with its left modifiers ("U.S. military personnel"), then its verb
        left = max(unit_token.left_edge.i, last if last <= unit_token.i else unit_token.left_edge.i)
        subject = doc[left : unit_token.i + 1].text
        verb = unit_token.head
        if verb.pos_ in {"VERB", "AUX"} and unit_token.dep_ in {"nsubj", "nsubjpass"}:
            auxes = [c.text for c in verb.children if c.dep_ in {"aux", "auxpass", "neg"} and c.i < verb.i]
            subject = " ".join([subject, *auxes, verb.text])
        elif verb.pos_ in {"VERB", "AUX"} and unit_token.dep_ in {"dobj", "attr"}:
            subject = f"{verb_phrase(verb, first, unit_token.i + 1)} {subject}"
        s.add("quantity", first_char, end, value,
              unit=unit_token.lower_, approximate=bool(marker or approx_word), subject=subject)  # fmt: skip
        previous = (max(last, unit_token.i + 1), unit_token.lower_, subject)


def extract_claims(
    doc: Doc, published: datetime | None, entities: tuple[CanonicalEntity, ...]
) -> tuple[Claim, ...]:
    """All claims of a parsed article, sentence by sentence, then table rows."""
    text = doc.text
    regions = table_regions(text)
    ents = sorted(doc.ents, key=lambda e: e.start_char)
    claims: list[Claim] = []
    first_ent = 0
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while first_ent < len(ents) and ents[first_ent].start_char < start:
            first_ent += 1
        in_sent = []
        for ent in ents[first_ent:]:
            if ent.start_char >= end:
                break
            in_sent.append(ent)
        sentence = text[start:end]
        if not sentence.strip() or any(a <= start < b for a, b in regions):
            continue
        s = _Sentence(sent, published, text, in_sent)
        s.used.extend(regions)  # table rows are read by ``table_claims``
        _percent_changes(s)
        _money(s)
        _percents(s)
        _durations(s)
        _dates(s)
        if _HAS_NUMBER.search(sentence):
            _measures(s)
            _quantities(s)
        claims.extend(s.claims)
        if _HAS_TRIGGER.search(sentence):
            claims.extend(meeting_claims(sent, text, entities, s.dates, s.evidence))
        claims.extend(act_claims(sent, entities, s.evidence, mentions_in))
    claims.extend(table_claims(doc, text, regions))
    return tuple(claims)
