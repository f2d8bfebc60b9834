"""Facts an article states about its event, in comparable form.

Every fact has a *slot* (what it measures) and a normalized value. Event facts
(date, place, status) come from the event sentences; figures come from the NLP
claims, their slot built from the measured noun ("28,500 troops" ->
``quantity:troop``) and the claim's subject; outcomes are sentences that report
an agreement or decision as done.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from monitor.detect.dates import FoundDate
from monitor.detect.figures import contrast_marks, figure_context
from monitor.detect.moves import is_move_size, move_facts
from monitor.detect.roles import role_facts
from monitor.detect.state import HeldFact
from monitor.detect.text import Sentence, fold, term_pattern, tokens
from monitor.lexicon import Lexicon, Profile, Slot
from monitor.models import CanonicalEntity, Claim

FIGURE_KINDS = ("quantity", "percent", "percent_change", "money", "duration", "ordinal")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


def _number(value: object) -> float | None:
    if isinstance(value, dict):
        return _number(value.get("to"))
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", ""))
        except ValueError:
            return None
    return None


def measure_terms(claim: Claim) -> list[str]:
    """Content words naming what a figure measures: subject, unit and the words after the figure."""
    sentence = claim.evidence.sentence
    after = ""
    position = sentence.find(claim.text)
    if position >= 0:
        after = " ".join(_WORD.findall(sentence[position + len(claim.text) :])[:3])
    words = tokens(" ".join((claim.subject, claim.unit, after)))
    return sorted(set(words))


LENGTH_TERM = "length"
_LENGTH_REACH = 30  # characters before a duration in which a length word ('lasted', 'talked for') is read


def _meeting_length(claim: Claim, lexicon: Lexicon) -> bool:
    """True when a duration is how long a meeting lasted: a length word of the lexicon right before it and a
    meeting word of the default profile (or a group of its participants: 'the two leaders') in its sentence.
    However worded ('lasted', 'spent ... together', 'talked for'), such durations are one measure."""
    sentence = claim.evidence.sentence
    position = sentence.find(claim.text)
    if position < 0 or not lexicon.language.length.search(
        sentence[max(0, position - _LENGTH_REACH) : position]
    ):
        return False
    language = lexicon.language
    return bool(
        lexicon.profile().trigger_pattern.search(sentence) or language.group_references.search(sentence)
    )


_BUT = re.compile(r".*\s(?:but|yet|instead)\s", re.IGNORECASE | re.DOTALL)


def qualifier_of(claim: Claim, lexicon: Lexicon) -> str:
    """'proposed'/'agreed'/'' — whether the figure is an offer or a settled value."""
    text = f"{claim.qualifier} {claim.evidence.sentence}"
    sentence = claim.evidence.sentence
    position = sentence.find(claim.text)
    window = text
    after_but = None
    if position >= 0:  # near the figure, and not across ' but ' ('expected to meet for five hours but spent')
        after_but = _BUT.match(sentence, 0, position)
        left = max(0, position - 60, after_but.end() if after_but else 0)
        window = sentence[left : position + len(claim.text) + 30]
    tentative = lexicon.language.tentative
    if (
        (tentative.search(claim.qualifier or "") and not after_but)  # the sentence's, not the figure's clause
        or tentative.search(window)
        or lexicon.language.preference.search(window)
    ):
        return "proposed"
    if lexicon.language.settled.search(window):
        return "agreed"
    return ""


def claim_fact(
    claim: Claim, article_id: str, lexicon: Lexicon, entities: tuple[CanonicalEntity, ...] = ()
) -> HeldFact | None:
    """A held fact from one NLP claim, or None when the claim carries no comparable value."""
    if claim.kind in FIGURE_KINDS:
        number = _number(claim.value)
        if number is None:
            return None
        measure = fold(claim.unit) in lexicon.language.measure_units
        # a measure ('a 7.7-magnitude earthquake', 'a 174-seat majority') is named by its unit and the thing
        # it describes (its subject), its variants by the clause's marks; the words around it do not matter
        terms = sorted(set(tokens(claim.subject))) if measure else measure_terms(claim)
        length = claim.kind == "duration" and _meeting_length(claim, lexicon)
        if length:
            terms = [LENGTH_TERM]  # 'the talks lasted four hours', 'the two leaders talked for three hours'
        unit_words = tokens(claim.unit)
        head = unit_words[-1] if unit_words else (terms[0] if terms else "value")
        unit = fold(claim.unit)
        slot = (
            f"{claim.kind}:{unit}"
            if claim.kind in {"percent", "percent_change", "duration", "money"}
            else (f"{claim.kind}:{head}")
        )
        context = figure_context(claim, entities, lexicon)
        if length:  # the meeting's own length: whoever is named near it does not own it
            context = replace(context, referents=(), referent_names=(), named_owner=False)
        return HeldFact(
            referents=list(context.referents),
            referent_names=list(context.referent_names),
            named_owner=context.named_owner,
            marks=[f"{group}:{word}" for group, word in context.marks],
            bound=context.bound,
            cumulative=context.cumulative,
            slot=slot,
            kind=claim.kind,
            value=f"{number:g}",
            number=number,
            unit=claim.unit,
            subject=claim.subject,
            qualifier=qualifier_of(claim, lexicon),
            approximate=claim.approximate,
            terms=terms,
            # a count's measured word is its counted noun, already its slot ('quantity:building')
            measured="" if length or claim.kind == "quantity" else measured_name(claim.measured, lexicon),
            text=claim.text,
            quote=claim.evidence.sentence,
            article_id=article_id,
        )
    return None


def measured_name(lemma: str, lexicon: Lexicon) -> str:
    """The lexicon's one name for the word a figure measures ('levy' and 'tariff' are 'duty')."""
    folded = fold(lemma)
    return lexicon.language.measured_names.get(folded, folded)


def meeting_facts(
    claim: Claim,
    article_id: str,
    participants: set[str],
    names: dict[str, str],
    days: frozenset[tuple[int, str]] = frozenset(),
) -> list[HeldFact]:
    """Date and place facts from an NLP ``meeting`` claim about the event's own participants.

    The meeting's date counts only when a day-precise date claim of the same sentence gives it (``days``:
    evidence start and ISO day): a meeting's date does not carry its precision ("last week" reads as a day).
    """
    if claim.kind != "meeting" or not isinstance(claim.value, dict):
        return []
    people = claim.value.get("participants")
    people = [people] if isinstance(people, str) else list(people or [])
    needed = min(2, len(participants))
    if not participants or len(participants & set(people)) < needed:
        return []
    facts: list[HeldFact] = []
    when = claim.value.get("date")
    where = claim.value.get("place")
    if isinstance(when, str) and _DAY.match(when) and (claim.evidence.start, when[:10]) in days:
        facts.append(_event_fact(Slot.DATE, when[:10], claim.evidence.sentence, article_id, explicit=False))
    if isinstance(where, str) and where:
        place = names.get(where, where)
        facts.append(_event_fact(Slot.PLACE, place, claim.evidence.sentence, article_id, explicit=True))
    return facts


def _event_fact(slot: Slot, value: str, quote: str, article_id: str, *, explicit: bool) -> HeldFact:
    return HeldFact(
        slot=slot, kind=slot.split(":")[0], value=value, explicit=explicit, text=value, quote=quote,
        article_id=article_id,
    )  # fmt: skip


IMPOSSIBLE_MARK = "impossible"  # a date fact of something done on a day after the report was published
WEEKDAY_MARK = "weekday:"  # a date fact whose written weekday is not the day's: '<mark><date as written>'


def weekday_clash_of(fact: HeldFact) -> str:
    """The date as written when its weekday is not the day's ('Thursday, June 5' in 2024), else ''."""
    return next((mark[len(WEEKDAY_MARK) :] for mark in fact.marks if mark.startswith(WEEKDAY_MARK)), "")


_POSSESSIVE = re.compile(r"^\s*['’]s\b")
PLAN_DAYS = 7  # a start or end day further ahead than this is a schedule that may still change


def period_facts(
    found: Sequence[tuple[Sentence, Sequence[FoundDate]]], article_id: str, profile: Profile, published: date
) -> list[HeldFact]:
    """The days things start or stop applying ('duties apply from 5 July', 'a truce until April 22'), or
    began ('the exercise began Thursday').

    Each is its own slot (``date:start``, ``date:end``), kept apart from the event's day, with the event
    kinds its sentence names in ``terms``: only start days of the same kind of thing are compared. A day
    more than a week after publication is qualified ``planned`` (a schedule, compared only with schedules);
    'until Wednesday's announcement' names no day something stops.
    """
    facts: list[HeldFact] = []
    for sentence, dates in found:
        kinds = sorted(
            {kind.noun for match in profile.trigger_pattern.finditer(sentence.text)
             if (kind := profile.kind_of(match.group(0))) is not None}
        )  # fmt: skip
        if not kinds:
            continue
        for day in dates:
            slot = {"start": Slot.START, "end": Slot.END}.get(day.role, Slot.START if day.began else None)
            after = sentence.text[day.start + len(day.text) : day.start + len(day.text) + 4]
            if slot is None or _POSSESSIVE.match(after):
                continue
            fact = _event_fact(slot, day.value.isoformat(), sentence.text, article_id, explicit=day.explicit)
            fact.terms = kinds
            fact.subject = day.text
            fact.qualifier = "planned" if (day.value - published).days > PLAN_DAYS else ""
            facts.append(fact)
    return facts


ARRIVAL_REACH = 80  # characters before a day in which an arrival word makes it someone's arrival day


def arrival_facts(
    found: Sequence[tuple[Sentence, Sequence[FoundDate]]],
    article_id: str,
    participants: Sequence[CanonicalEntity],
    names: dict[str, str],
    profile: Profile,
    published: date,
) -> list[HeldFact]:
    """The day a participant arrived ('Kishida landed at Joint Base Andrews outside Washington on Monday').

    A day after one of the profile's arrival words, with no event word between them ('arrived for talks on
    Monday' dates the talks), is the arrival day of the participant named first before that word: its own
    slot (``date:arrival``), ``terms`` the participant's id, compared only with that participant's arrival
    day in other reports. A day still ahead is qualified ``planned``, compared only with plans.
    """
    facts: list[HeldFact] = []
    for sentence, dates in found:
        for day in dates:
            window = sentence.text[max(0, day.start - ARRIVAL_REACH) : day.start]
            arrived = list(profile.arrival_pattern.finditer(window))
            if not arrived or profile.trigger_pattern.search(window[arrived[-1].end() :]):
                continue
            at = len(window) - arrived[-1].start()  # how far before the day the arrival word starts
            first = _first_named(sentence.text[: day.start - at], participants)
            if first is None:
                continue
            fact = _event_fact(
                Slot.ARRIVAL, day.value.isoformat(), sentence.text, article_id, explicit=day.explicit
            )
            fact.terms = [first.id]
            fact.subject = names.get(first.id, first.name)
            fact.qualifier = "planned" if day.value > published else ""
            facts.append(fact)
    return facts


def _first_named(text: str, participants: Sequence[CanonicalEntity]) -> CanonicalEntity | None:
    """The participant the text names first."""
    found: list[tuple[int, str, CanonicalEntity]] = []
    for entity in participants:
        starts = [m.start() for form in {entity.name, *entity.surface_forms} if form.strip()
                  for m in [term_pattern(form).search(text)] if m is not None]  # fmt: skip
        if starts:
            found.append((min(starts), entity.id, entity))
    return min(found)[2] if found else None


_CONVERTED = re.compile(
    r"^\s*\(\s*(?:about|around|roughly|approximately|some|nearly|almost|or|c\.)?\s*$", re.I
)
RATE_KIND = "rate"


def conversion_facts(claims: Sequence[Claim], article_id: str) -> list[HeldFact]:
    """Conversions a sentence states: '1.52 trillion won ($1.13 billion)' is a rate of won to dollars.

    The slot is the pair of currencies (``rate:krw/usd``), the number the rate. Rates do not move much
    between reports of one event, so two rates far apart mean one conversion is wrong (a slipped decimal).
    Conversions in background sentences count too: a rate is a rate.
    """
    money = [claim for claim in claims if claim.kind == "money" and claim.unit and _number(claim.value)]
    facts: list[HeldFact] = []
    for first in money:
        for second in money:
            same_sentence = first.evidence.start == second.evidence.start
            if not same_sentence or fold(first.unit) == fold(second.unit):
                continue
            sentence = first.evidence.sentence
            end = sentence.find(first.text)
            start = sentence.find(second.text, end + len(first.text)) if end >= 0 else -1
            if start < 0 or not _CONVERTED.match(sentence[end + len(first.text) : start]):
                continue
            base, converted = _number(first.value), _number(second.value)
            assert base is not None and converted is not None
            rate = converted / base
            facts.append(
                HeldFact(
                    slot=f"{RATE_KIND}:{fold(first.unit)}/{fold(second.unit)}", kind=RATE_KIND,
                    value=f"{rate:.3g}", number=rate, text=f"{first.text} ({second.text})", quote=sentence,
                    article_id=article_id,
                )
            )  # fmt: skip
    return facts


ORIGIN_KIND = "year"


def origin_facts(claims: Sequence[Claim], article_id: str, lexicon: Lexicon) -> list[HeldFact]:
    """Years things began or were made: 'an agreement dating back to 2006', 'a forum launched in 2004'.

    The slot is the thing (``year:agreement``, the word before the lexicon's origin marker), the value the
    year. A thing's origin does not change between reports, so background sentences count too.
    """
    facts: list[HeldFact] = []
    for claim in claims:
        if claim.kind != "date" or claim.unit != "year" or not isinstance(claim.value, str):
            continue
        sentence = claim.evidence.sentence
        position = sentence.find(claim.text)
        if position < 0 or not re.fullmatch(r"\d{4}", claim.text.strip()):
            continue
        marker = lexicon.language.origin.search(sentence[max(0, position - 60) : position])
        if marker is None:
            continue
        thing = tokens(marker.group("thing"))
        if not thing:
            continue
        lead = sentence[max(0, position - 60) : position]  # 'the previous agreement dating back to'
        marks = [f"{group}:{word}" for group, word in contrast_marks(lead, lexicon)]
        facts.append(
            HeldFact(
                slot=f"{ORIGIN_KIND}:{thing[0]}", kind=ORIGIN_KIND, value=claim.value[:4], marks=marks,
                number=float(claim.value[:4]), terms=thing, text=f"{marker.group(0)}{claim.text}".strip(),
                quote=sentence, article_id=article_id,
            )
        )  # fmt: skip
    return facts


def outcome_facts(sentences: Sequence[Sentence], article_id: str, lexicon: Lexicon) -> list[HeldFact]:
    """Agreements and decisions the article reports as done."""
    facts: list[HeldFact] = []
    for sentence in sentences:
        match = lexicon.language.outcome.search(sentence.text)
        if match is None or lexicon.language.hypothetical.search(sentence.text[: match.start()]):
            continue
        clause = sentence.text[match.start() :]
        terms = sorted(set(tokens(clause)))
        if len(terms) < 3:
            continue
        facts.append(
            HeldFact(
                slot=Slot.OUTCOME,
                kind="outcome",
                value=clause[:200],
                terms=terms,
                text=clause[:200],
                quote=sentence.text,
                article_id=article_id,
            )
        )
    return facts


def _in_background(sentence: str, background: Sequence[str]) -> bool:
    """True when the claim's sentence is (or holds, or is held in) one of the folded background sentences."""
    text = fold(" ".join(sentence.split()))
    return bool(text) and any(other and (text in other or other in text) for other in background)


def article_facts(
    article_id: str,
    *,
    event_date: date,
    date_explicit: bool,
    date_quote: str,
    place: str | None,
    place_explicit: bool,
    place_quote: str,
    status: str | None,
    status_quote: str,
    claims: Sequence[Claim],
    current: Sequence[Sentence],
    background: Sequence[Sentence],
    participants: Sequence[CanonicalEntity],
    names: dict[str, str],
    lexicon: Lexicon,
    entities: tuple[CanonicalEntity, ...] = (),
    date_days: Sequence[str] = (),
    date_planned: bool = False,
    date_anchor: str = "",
    date_clash: str = "",
    date_impossible: bool = False,
    other_days: frozenset[str] = frozenset(),
) -> list[HeldFact]:
    """Every comparable fact of one article.

    The event's date fact also holds every day its sentence names (``date_days``, in ``terms``), whether
    the day is still ahead as planned (``date_planned``, the qualifier ``planned``) and the event word it
    is written next to (``date_anchor``, in ``subject``; empty when it stands apart from the event's word).
    ``date_clash`` is the date as written when its weekday is not the day's ('Thursday, June 5' in 2024): the
    fact is marked ``weekday:<written date>``, a sign that this report errs. ``date_impossible``: the report
    has something done on a day after its publication (a typo for another month); the fact is marked
    ``impossible``, is compared however far from the other reports' day, and never dates the event.
    ``other_days`` are days the article gives for something else (travel, a day set for something): a meeting
    claim dated by one of them ('came back to Seoul on Sunday after the summit') gives no date fact.
    """
    facts: list[HeldFact] = []
    if date_quote:
        fact = _event_fact(Slot.DATE, event_date.isoformat(), date_quote, article_id, explicit=date_explicit)
        fact.terms = sorted(set(date_days))
        fact.qualifier = "planned" if date_planned else ""
        fact.subject = date_anchor
        if date_clash:
            fact.marks = [f"{WEEKDAY_MARK}{date_clash}"]
        if date_impossible:
            fact.marks = [*fact.marks, IMPOSSIBLE_MARK]
        facts.append(fact)
    if place and place_explicit:
        facts.append(_event_fact(Slot.PLACE, place, place_quote, article_id, explicit=True))
    if status:
        facts.append(_event_fact(Slot.STATUS, status, status_quote, article_id, explicit=True))
    folded_background = [fold(" ".join(sentence.text.split())) for sentence in background]
    people = {entity.id for entity in participants}
    days = frozenset(
        (claim.evidence.start, claim.value[:10])
        for claim in claims
        if claim.kind == "date"
        and claim.unit == "day"
        and isinstance(claim.value, str)
        and claim.value[:10] not in other_days
    )
    for claim in claims:
        old = _in_background(claim.evidence.sentence, folded_background)
        if claim.kind == "meeting":
            if not old:
                facts.extend(
                    fact
                    for fact in meeting_facts(claim, article_id, people, names, days)
                    if not (fact.slot == Slot.DATE and date_quote) and not (fact.slot == Slot.PLACE and place)
                )
            continue
        figure = claim_fact(claim, article_id, lexicon, entities)
        if (
            figure is not None
            and figure.kind == "percent"
            and is_move_size(claim.text, claim.evidence.sentence, lexicon)
        ):
            continue  # 'lift Bank Rate by 0.25%': a move's size (a move fact), not the rate's level
        if figure is not None:
            figure.background = old
            facts.append(figure)
    conversions = conversion_facts(claims, article_id)
    converted = {(fact.quote, fact.text.partition(" (")[2][:-1]) for fact in conversions}
    for fact in facts:
        if fact.kind == "money" and (fact.quote, fact.text) in converted:
            fact.approximate = True  # '($1.13 billion)' converts another amount at some day's rate
    facts.extend(conversions)
    facts.extend(origin_facts(claims, article_id, lexicon))
    facts.extend(outcome_facts(current, article_id, lexicon))
    facts.extend(move_facts(current, background, article_id, lexicon, event_date))
    facts.extend(role_facts(current, entities, article_id, lexicon))
    unique: dict[tuple[str, str], HeldFact] = {}
    for fact in facts:
        unique.setdefault((fact.slot, fold(fact.value)), fact)
    return list(unique.values())
