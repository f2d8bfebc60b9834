"""Comparing an article's facts with what an event already holds.

Each new fact is either already known (repeated coverage: silent), new (a
development), or incompatible with a held fact in the same slot (a conflict).
Look-alikes are handled with care: figures that measure different things
(different measured words), an offer against an agreed figure, or approximate
figures close to exact ones are not conflicts, or are reported at low
confidence with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from monitor.detect.currencies import currency_clash
from monitor.detect.facts import FIGURE_KINDS, IMPOSSIBLE_MARK, ORIGIN_KIND, RATE_KIND, weekday_clash_of
from monitor.detect.figures import (
    bounds_agree,
    describe,
    identity_gap,
    measured_words,
    one_statement,
    same_source,
    sources,
)
from monitor.detect.ordinals import SERIES
from monitor.detect.roles import ROLE_KIND
from monitor.detect.slots import ACT_KIND, compare_role, compare_slot
from monitor.detect.state import EventState, HeldFact
from monitor.detect.text import fold
from monitor.lexicon import Lexicon, Profile, Slot, StatusClass, load_lexicon

LOW_CONFIDENCE = 0.3
CURRENCY_CONFIDENCE = 0.6  # an amount in two currencies that cannot convert into each other
_SAME_OUTCOME = 0.5


@dataclass(frozen=True)
class Finding:
    """One thing the article adds: a new fact, or a conflict with a held one."""

    kind: str  # "new" | "conflict"
    fact: HeldFact
    held: HeldFact | None = None
    confidence: float = 0.8
    reason: str = ""


def _overlap(left: list[str], right: list[str]) -> float:
    a, b = set(left), set(right)
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _jaccard(left: list[str], right: list[str]) -> float:
    a, b = set(left), set(right)
    return len(a & b) / len(a | b) if a | b else 1.0


_NUMBER = re.compile(r"\d[\d,]*(?:\.(\d+))?")


def _step(fact: HeldFact) -> float:
    """The precision a figure was written with: 17.4 -> 0.1 (per cent), '$1.13 billion' -> 1e7."""
    assert fact.number is not None
    match = _NUMBER.search(fact.text)
    if match is None:
        return 0.0
    written = float(match.group(0).replace(",", ""))
    decimals = len(match.group(1) or "")
    scale = abs(fact.number / written) if written else 1.0
    return 10.0**-decimals * scale


def _differs(fact: HeldFact, held: HeldFact) -> bool:
    """True when the two values cannot both be right, given how precisely each was written."""
    assert fact.number is not None and held.number is not None
    gap = abs(fact.number - held.number)
    if fact.approximate or held.approximate:
        if fact.kind in {"percent", "percent_change"}:
            return gap > 2.0
        return gap / max(abs(fact.number), abs(held.number), 1e-9) > 0.1
    return gap > max(_step(fact), _step(held)) / 2 + 1e-9  # 21 and 20.8 agree; 17.4 and 17.1 do not


def _similarity(held: HeldFact, fact: HeldFact) -> float:
    """How alike the words saying what two figures of one slot measure are. An ordinal's slot is already
    its series (the counted noun: 'the 10th face-to-face meeting', 'Sunday's meeting was their 11th'), its
    variants ('consecutive' vs 'this year') are its marks: the other words around it do not matter."""
    if fact.kind == "ordinal" and held.kind == "ordinal" and fact.subject == held.subject == SERIES:
        return 1.0  # 'the 10th meeting', not 'the second-largest city' against 'the fourth-largest economy'
    if fact.measured and fact.measured == held.measured:  # 'a 27% duty', 'a 26 per cent "reciprocal tariff"'
        return max(SAME_MEASURED, _jaccard(held.terms, fact.terms))
    return _jaccard(held.terms, fact.terms)


SAME_MEASURED = 0.5  # two figures the parse attaches to one measured word are worded alike enough


def _measured(fact: HeldFact, lexicon: Lexicon) -> bool:
    """True when the figure's clause says what it measures beyond its unit ('a 9% share', not '9%')."""
    return bool(measured_words(fact, lexicon)) or bool(fact.referents)


def _every_variant_differs(
    fact: HeldFact, held: HeldFact, siblings: Sequence[HeldFact], held_facts: Sequence[HeldFact]
) -> bool:
    """True when only one of two figures names its variant, but its sentence also gives the other variants
    and the plain figure is none of them: '17.4% for BYD' against 'BYD would incur an additional 17.1 per
    cent duty (27.1 per cent in total)' differs whether it is the additional or the total duty."""
    groups = {m.partition(":")[0] for m in fact.marks} ^ {m.partition(":")[0] for m in held.marks}
    qualified, plain = (fact, held) if groups & {m.partition(":")[0] for m in fact.marks} else (held, fact)
    pool = siblings if qualified is fact else held_facts
    sentence = [
        other for other in pool
        if other.article_id == qualified.article_id and other.quote == qualified.quote
        and other.slot == qualified.slot and other.number is not None
    ]  # fmt: skip
    words = {m for m in qualified.marks if m.partition(":")[0] in groups}
    for group in groups:
        others = [o for o in sentence for m in o.marks if m.partition(":")[0] == group and m not in words]
        if not others:
            return False  # the plain figure may be the variant this report does not give
    return all(_differs(plain, other) for other in sentence)


def _comparable(
    fact: HeldFact, held: HeldFact, siblings: Sequence[HeldFact] = (), held_facts: Sequence[HeldFact] = ()
) -> tuple[bool, str]:
    """Whether two figures of one slot are values of the same thing, and a doubt to report if unsure.

    ``siblings`` are the new article's facts, ``held_facts`` the event's: a figure's sentence may settle
    which variant a plain figure could be (:func:`_every_variant_differs`)."""
    gap = identity_gap(tuple(fact.referents), tuple(held.referents), fact.marks, held.marks)
    if gap:
        return False, gap
    if bool(fact.referents) != bool(held.referents):
        named, other = (fact, held) if fact.referents else (held, fact)
        if not any(fold(name) in fold(_clause_of(other)) for name in named.referent_names):
            return True, f"only one of them is said to be of {', '.join(named.referent_names)}"
    mine = {mark.partition(":")[0] for mark in fact.marks}
    theirs = {mark.partition(":")[0] for mark in held.marks}
    if mine ^ theirs and not _every_variant_differs(fact, held, siblings, held_facts):
        only = sorted(
            m.partition(":")[2] for m in (*fact.marks, *held.marks) if m.partition(":")[0] in mine ^ theirs
        )
        return True, f"only one of them is qualified as {', '.join(only)}"
    return True, ""


def _states_both(fact: HeldFact, other: HeldFact, pool: Sequence[HeldFact]) -> bool:
    """True when the figure's own sentence also gives the other report's value for its slot: the report
    knows both numbers, so they are values of two things ('six votes short with only 310 in favour')."""
    return any(
        item is not fact and item.article_id == fact.article_id and item.quote == fact.quote
        and item.slot == fact.slot and item.number is not None and not _differs(item, other)
        for item in pool
    )  # fmt: skip


def _clause_of(fact: HeldFact) -> str:
    """The figure's sentence around it (60 characters each side)."""
    position = fact.quote.find(fact.text)
    if position < 0:
        return fact.quote
    return fact.quote[max(0, position - 60) : position + len(fact.text) + 60]


def _compare_figure(
    fact: HeldFact, held_facts: list[HeldFact], lexicon: Lexicon, siblings: list[HeldFact]
) -> Finding | None:
    """A figure conflicts only with a value of the same quantity of the same referent that cannot hold too."""
    same_slot = [held for held in held_facts if held.slot == fact.slot and held.number is not None]
    candidates = [
        held
        for held in same_slot
        if (_similarity(held, fact) >= 0.2 or not held.terms or set(held.referents) & set(fact.referents))
        and _comparable(fact, held)[0]
    ]
    if not candidates:
        return None
    if any(not _differs(fact, held) and not held.bound for held in candidates):
        return None  # the same figure again (a bound it fits, 'less than four hours', pins no value)
    candidates = [held for held in candidates if _differs(fact, held)]
    if not candidates:
        return None
    if fact.background:
        return None
    if lexicon.language.update.search(fact.quote):
        # an update ('the toll has risen to ...') is compared only with a rewrite of the same statement
        candidates = [held for held in candidates if one_statement(fact, held)]
    current = [held for held in candidates if not held.background and held.article_id != fact.article_id]
    if not current:
        return None

    def closeness(item: HeldFact) -> tuple[bool, bool, bool, float]:
        # the same referent first, then the same variant ('aftershock' against 'aftershock'), then a settled
        # value against a settled one (not 'expected to meet for five hours'), then wording
        return (
            bool(set(item.referents) & set(fact.referents)),
            set(item.marks) == set(fact.marks),
            item.qualifier == fact.qualifier,
            _similarity(item, fact),
        )

    held = max(current, key=closeness)
    assert held.number is not None and fact.number is not None
    if _states_both(fact, held, siblings) or _states_both(held, fact, held_facts):
        return None  # 'fell six votes short with only 310 in favour' against '310 votes': two quantities
    if (fact.bound or held.bound) and bounds_agree(fact.number, fact.bound, held.number, held.bound):
        return None
    if (fact.cumulative or held.cumulative) and fact.number > held.number and not one_statement(fact, held):
        return None  # a count that grows as the story unfolds (a toll): a later, larger figure is an update
    similarity = _similarity(held, fact)
    owned = fact.named_owner and held.named_owner
    # one party's duty is one figure; but a party has many durations (a campaign, years in government)
    shared_referent = owned and bool(set(held.referents) & set(fact.referents)) and fact.kind != "duration"
    estimates = lexicon.language.estimates
    if estimates.search(_clause_of(fact)) or estimates.search(_clause_of(held)):
        reason = "one of them is an estimate (a poll, projection or forecast), and estimates differ"
        return Finding("conflict", fact, held, LOW_CONFIDENCE, reason)
    if held.qualifier != fact.qualifier and "proposed" in {held.qualifier, fact.qualifier}:
        reason = "one figure is a proposal or starting point, the other a settled value"
        return Finding("conflict", fact, held, LOW_CONFIDENCE, reason)
    _, doubt = _comparable(fact, held, siblings, held_facts)
    if not _measured(fact, lexicon) or not _measured(held, lexicon):
        return Finding("conflict", fact, held, LOW_CONFIDENCE, "it is not said what one of them measures")
    if doubt:
        return Finding("conflict", fact, held, LOW_CONFIDENCE, f"they may measure different things: {doubt}")
    mine, theirs = sources(fact, lexicon), sources(held, lexicon)
    if mine and theirs and not same_source(mine, theirs):
        reason = f"each is given by its own source ({', '.join(sorted(theirs))} vs {', '.join(sorted(mine))})"
        return Finding("conflict", fact, held, LOW_CONFIDENCE, reason)
    if similarity < 0.5 and not shared_referent:
        left, right = describe(held, lexicon), describe(fact, lexicon)
        reason = f"they may measure different things ({left!r} vs {right!r})"
        return Finding("conflict", fact, held, LOW_CONFIDENCE, reason)
    gap = abs(held.number - fact.number) / max(abs(held.number), abs(fact.number), 1e-9)
    if (held.approximate or fact.approximate) and gap <= 0.25 and not (held.bound or fact.bound):
        return Finding("conflict", fact, held, 0.4, "one figure is approximate and they are close")
    return Finding("conflict", fact, held, 0.85)


_CLASH_CONFIDENCE = 0.85  # one report's day written with a weekday it does not fall on, against another's
_MAX_DATE_GAP = {2: 60, 1: 60, 0: 7}  # days, by how many of the two dates were written as calendar dates


def _date_confidence(fact: HeldFact, held: HeldFact, future: re.Pattern[str]) -> tuple[float, str]:
    """Two calendar dates are sure; a weekday in a report of what happened is read surely too (the past
    week), one in a preview less so ('on Friday' may be next week's); a weekday not written next to the
    event's own word may be the day of something else (an arrival, a reaction)."""
    explicit = int(fact.explicit) + int(held.explicit)
    if explicit == 2:
        return 0.85, ""
    if not (fact.subject and held.subject) and explicit == 0:
        return LOW_CONFIDENCE, "a weekday not written next to the event's own word may be another thing's"
    if explicit == 1:
        return 0.6, ""
    if not future.search(fact.quote) and not future.search(held.quote):
        return 0.6, ""
    return LOW_CONFIDENCE, "both dates were inferred from weekday names, one in a look ahead"


def _compare_event_fact(
    fact: HeldFact,
    held_facts: list[HeldFact],
    event: EventState,
    article_date: date | None,
    lexicon: Lexicon,
    profile: Profile,
) -> Finding | None:
    same = [held for held in held_facts if held.slot == fact.slot]
    if fact.slot == Slot.STATUS:
        return _compare_status(fact, same, profile)
    if fact.slot == Slot.PARTICIPANTS:
        stated = {day.isoformat() for day in (event.date, article_date) if day is not None}
        return _compare_participants(fact, held_facts, event, stated)
    if fact.slot in {Slot.START, Slot.END, Slot.ARRIVAL}:
        return _compare_period(fact, same)
    if not same or any(fold(held.value) == fold(fact.value) for held in same):
        return None
    others = [held for held in same if held.article_id != fact.article_id]
    if not others:
        return None
    if fact.slot == Slot.DATE:
        # a report of what happened is set against other reports of it, a preview against previews
        alike = [held for held in others if held.qualifier == fact.qualifier] or others
        held = max(alike, key=lambda item: (item.explicit, bool(item.subject), item.value))
        days = abs((date.fromisoformat(fact.value) - date.fromisoformat(held.value)).days)
        impossible = IMPOSSIBLE_MARK in fact.marks or IMPOSSIBLE_MARK in held.marks
        if days > _MAX_DATE_GAP[int(fact.explicit) + int(held.explicit)] and not impossible:
            return None  # further apart than one event misreported, unless one day cannot be right at all
        clash = weekday_clash_of(fact) or weekday_clash_of(held)
        if not clash and (fact.value in held.terms or held.value in fact.terms):
            return None  # the other report names both days (a trip from one to the other, arrival and talks)
        if "planned" in {fact.qualifier, held.qualifier} and fact.qualifier != held.qualifier:
            return None  # a day still planned in one report, past in the other: a later step, or a change
        if clash or (impossible and fact.explicit and held.explicit):
            return Finding("conflict", fact, held, _CLASH_CONFIDENCE)  # a day that is wrong in itself
        if _spreads(event, profile):
            reason = "the event lasts days in many places: each report may date another part of it"
            return Finding("conflict", fact, held, LOW_CONFIDENCE, reason)
        confidence, reason = _date_confidence(fact, held, lexicon.language.future)
        return Finding("conflict", fact, held, confidence, reason)
    if fact.slot == Slot.PLACE:
        if _spreads(event, profile):
            return None  # a storm's reports name the places it hit: no one place of the event to differ on
        coarse, future = lexicon.places.is_coarse, lexicon.language.future
        if coarse(fact.value) or any(coarse(held.value) for held in others):
            return None
        reported = [held for held in others if not future.search(held.quote)]
        if future.search(fact.quote) or not reported:
            return None  # a preview's venue is a plan; only reports of where it happened can conflict
        return Finding("conflict", fact, reported[0], 0.65)
    del event
    return None


def _spreads(event: EventState, profile: Profile) -> bool:
    """True when the event's kind covers many places over days (the profile kind's ``spread``: a storm)."""
    return any(kind.spread for kind in profile.event_kinds if kind.noun == event.noun)


def _compare_period(fact: HeldFact, same: list[HeldFact]) -> Finding | None:
    """A day something starts (or stops) applying against another report's day for the same kind of thing.

    Only days of a kind both sentences name ('duties' with 'duties') are compared, and a schedule weeks
    ahead only with another schedule; a report naming the day already held, in any of its sentences, agrees.
    """
    kin = [held for held in same if set(held.terms) & set(fact.terms) and held.qualifier == fact.qualifier]
    if not kin or any(held.value == fact.value for held in kin):
        return None
    others = [held for held in kin if held.article_id != fact.article_id]
    if not others:
        return None
    held = max(others, key=lambda item: (item.explicit, item.value))
    days = abs((date.fromisoformat(fact.value) - date.fromisoformat(held.value)).days)
    if days > _MAX_DATE_GAP[int(fact.explicit) + int(held.explicit)]:
        return None
    explicit = int(fact.explicit) + int(held.explicit)
    return Finding("conflict", fact, held, _PERIOD_CONFIDENCE[explicit])


def _names_held_day(finding: Finding, facts: list[HeldFact]) -> bool:
    """The report itself gives the held start (or end) day to another thing of the same kind ('a new levy
    from August 27, on top of the tariff in force from August 7'): two things, each with its own day."""
    held = finding.held
    if held is None or finding.fact.slot not in {Slot.START, Slot.END}:
        return False
    return any(
        own is not finding.fact and own.slot == finding.fact.slot and own.value == held.value
        and set(own.terms) & set(held.terms)
        for own in facts
    )  # fmt: skip


# By how many of the two days were written as calendar dates. A weekday written right after its start or
# end marker ('starting Friday') is that thing's day, unlike a weekday somewhere in an event's sentence.
_PERIOD_CONFIDENCE = {2: 0.85, 1: 0.6, 0: 0.55}


RATE_SPREAD = 1.5  # exchange rates between reports of one event never differ by this factor


def _compare_rate(fact: HeldFact, held_facts: list[HeldFact]) -> Finding | None:
    """A currency conversion at a rate far from another report's for the same pair: one is impossible."""
    assert fact.number is not None
    others = [
        held for held in held_facts
        if held.slot == fact.slot and held.number and held.article_id != fact.article_id
    ]  # fmt: skip
    if not others or any(max(h.number, fact.number) / min(h.number, fact.number) < RATE_SPREAD for h in others
                         if h.number is not None):  # fmt: skip
        return None
    return Finding("conflict", fact, others[0], 0.8)


def _compare_origin(fact: HeldFact, held_facts: list[HeldFact]) -> Finding | None:
    """The year a thing began (an agreement, a forum) against another report's year for the same thing (not
    'the previous agreement' against 'the new agreement')."""
    same = [held for held in held_facts if held.slot == fact.slot and set(held.marks) == set(fact.marks)]
    if not same or any(held.value == fact.value for held in same):
        return None
    others = [held for held in same if held.article_id != fact.article_id]
    return Finding("conflict", fact, others[0], 0.85) if others else None


def _compare_participants(
    fact: HeldFact, held_facts: list[HeldFact], event: EventState, days: set[str]
) -> Finding | None:
    """A rival account of the event's meeting (same place and day, other people): low-confidence conflict.

    The article's own account is new when it names someone the event never had (a leader who joined).
    """
    if fact.explicit:
        known = set(event.people) | set(event.votes) | set(event.participants)
        had_people = any(h.slot == fact.slot and h.explicit for h in held_facts)
        return Finding("new", fact) if had_people and set(fact.terms) - known else None
    if not event.place:
        return None  # only rival accounts are compared, against an event with a known place
    place, _, day = fact.subject.partition("|")
    if place != fold(event.place) or day not in days or set(fact.terms) & set(event.participants):
        return None
    held = next(
        (h for h in held_facts if h.slot == fact.slot and h.explicit and h.article_id != fact.article_id),
        None,
    )
    if held is None:
        return None
    reason = "this may be a different meeting in the same place on the same day"
    return Finding("conflict", fact, held, 0.4, reason)


def _compare_status(fact: HeldFact, same: list[HeldFact], profile: Profile) -> Finding | None:
    """A status the event did not have is news; 'done' against 'off' (held vs called off) is a conflict."""
    values = {held.value for held in same}
    if fact.value in values:
        return None
    mine = profile.status_class(fact.value)
    opposite = {StatusClass.DONE: StatusClass.OFF, StatusClass.OFF: StatusClass.DONE}.get(
        mine or StatusClass.PLANNED
    )
    rival = next((held for held in same if opposite and profile.status_class(held.value) == opposite), None)
    if rival is not None:
        return Finding("conflict", fact, rival, 0.75)
    if mine == StatusClass.PLANNED:
        return None
    planned = {held.value for held in same if profile.status_class(held.value) == StatusClass.PLANNED}
    if mine == StatusClass.DONE and not planned and same:
        return None
    return Finding("new", fact)


def _compare_outcome(fact: HeldFact, held_facts: list[HeldFact], known: list[list[str]]) -> Finding | None:
    for terms in known:
        if _overlap(fact.terms, terms) >= _SAME_OUTCOME:
            return None
    union: set[str] = set()
    for held in held_facts:
        if held.slot == Slot.OUTCOME:
            union.update(held.terms)
    if fact.terms and len(set(fact.terms) & union) / len(set(fact.terms)) >= 0.6:
        return None
    return Finding("new", fact)


def compare(
    event: EventState,
    facts: list[HeldFact],
    article_date: date | None = None,
    *,
    profile: Profile | None = None,
    lexicon: Lexicon | None = None,
) -> list[Finding]:
    """What the article's facts add to the event: new facts and conflicts."""
    lexicon = lexicon or load_lexicon()
    profile = profile or lexicon.profile()
    findings: list[Finding] = []
    held_facts = list(event.facts)
    known_outcomes = [held.terms for held in held_facts if held.slot == Slot.OUTCOME]
    for fact in facts:
        finding: Finding | None
        if fact.kind in FIGURE_KINDS:
            finding = _compare_figure(fact, held_facts, lexicon, facts)
            clash = currency_clash(fact, held_facts, lexicon) if finding is None else None
            finding = Finding("conflict", fact, clash[0], CURRENCY_CONFIDENCE, clash[1]) if clash else finding
        elif fact.kind == RATE_KIND:
            finding = _compare_rate(fact, held_facts)
        elif fact.kind == ORIGIN_KIND:
            finding = _compare_origin(fact, held_facts)
        elif fact.kind in {ROLE_KIND, ACT_KIND}:  # one office, one holder; one act, one agent or place
            rival = (
                compare_role(fact, held_facts, [*event.names.values()])
                if fact.kind == ROLE_KIND
                else compare_slot(fact, held_facts, facts, lexicon)
            )
            finding = Finding("conflict", fact, *rival) if rival else None
        elif fact.slot == Slot.OUTCOME:
            finding = _compare_outcome(fact, held_facts, known_outcomes)
            known_outcomes.append(fact.terms)
        else:
            finding = _compare_event_fact(fact, held_facts, event, article_date, lexicon, profile)
            if finding is not None and _names_held_day(finding, facts):
                finding = None
        if finding is not None:
            findings.append(finding)
    return findings
