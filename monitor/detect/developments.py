"""Turning matched articles into developments: new events, new facts, conflicts.

:func:`detect` is pure: it takes the storyline's state (or None), one matched
article and the clock, and returns the new state and the developments to alert
on. Development ids are hashes of storyline, event, kind and the facts, so a
replay never raises a second alert: an article already seen returns nothing,
and ids already emitted are remembered in the state.
"""

from __future__ import annotations

from datetime import date, datetime

from monitor.detect.compare import Finding, compare
from monitor.detect.events import absorb, as_institution, best_event, format_date, new_event, note_applies_to
from monitor.detect.extract import Signature, signature
from monitor.detect.facts import RATE_KIND, weekday_clash_of
from monitor.detect.figures import describe
from monitor.detect.kinds import applies_to, event_name, organiser
from monitor.detect.slots import ACT_KIND, act_reason
from monitor.detect.state import EventState, HeldFact, StorylineState, prune, remember
from monitor.detect.text import fingerprint, stable_hash
from monitor.lexicon import Lexicon, Profile, Slot, load_lexicon
from monitor.models import ArticleRef, Development, DevelopmentKind, EvidenceRef, StorylineMatch
from monitor.storylines.config import Storyline

_EVENT_SLOTS = frozenset({Slot.DATE, Slot.PLACE, Slot.STATUS, Slot.PARTICIPANTS})
_PERIOD_NAMES: dict[str, str] = {Slot.START: "day it starts", Slot.END: "day it ends"}


def _label(fact: HeldFact, lexicon: Lexicon) -> str:
    """What a fact is a value of: 'date', 'percent (duty) of BYD'."""
    if fact.slot == Slot.ARRIVAL:
        return f"day {fact.subject or 'a participant'} arrived"
    if fact.slot in _PERIOD_NAMES:
        return _PERIOD_NAMES[fact.slot]
    if fact.kind == ACT_KIND:
        return fact.subject  # 'who dissolved parliament', 'where the meeting took place'
    if fact.kind == RATE_KIND:
        return f"conversion ({fact.slot.partition(':')[2].replace('/', ' to ')})"
    if fact.slot in _EVENT_SLOTS:
        return fact.slot.partition(":")[0]  # 'date', 'place', 'status', 'participants'
    return describe(fact, lexicon)


def _why(finding: Finding, noun: str) -> str:
    """Why the two values cannot both hold, in a phrase a reader checks at a glance."""
    fact, held = finding.fact, finding.held
    assert held is not None
    if fact.slot == Slot.DATE:
        clashing = next((item for item in (fact, held) if weekday_clash_of(item)), None)
        if clashing is not None:
            day = date.fromisoformat(clashing.value)
            return (
                f"one {noun} has one day, and {weekday_clash_of(clashing)!r} is wrong in itself: "
                f"{format_date(day)} is a {day.strftime('%A')}"
            )
        return f"one {noun} has one day"
    if fact.kind == ACT_KIND:
        return act_reason(fact)
    if fact.kind == RATE_KIND:
        return "exchange rates do not differ so much between reports of one event"
    if fact.slot == Slot.ARRIVAL:
        return f"{fact.subject or 'the same person'} arrived once for this {noun}"
    if fact.slot in _PERIOD_NAMES:
        verb = "start" if fact.slot == Slot.START else "end"
        return f"the same {' and '.join(fact.terms)} cannot {verb} on two days"
    if fact.slot == Slot.PLACE:
        return f"one {noun} took place in one place"
    if fact.slot == Slot.STATUS:
        return f"the {noun} cannot be both {held.value} and {fact.value}"
    if fact.slot == Slot.PARTICIPANTS:
        return f"the same {noun} is reported with other people"
    exact = not (fact.approximate or held.approximate or fact.bound or held.bound)
    how = "both stated exactly" if exact else "beyond their stated approximation"
    return f"the same quantity of the same thing, {how}"


def _shown(fact: HeldFact) -> str:
    if fact.kind in {"date", "place", "status", "participants"}:
        return fact.value
    return fact.text or fact.value


def _clip(text: str, limit: int = 110) -> str:
    text = " ".join(text.split()).rstrip(".")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:–-") + "…"


def _phrase(finding: Finding, noun: str) -> str:
    fact = finding.fact
    if fact.slot == Slot.STATUS:
        verb = {"held": "took place", "postponed": "was postponed", "cancelled": "was cancelled"}
        return f"the {noun} {verb.get(fact.value, 'is ' + fact.value)}"
    if fact.slot == Slot.PARTICIPANTS:
        return f"participants now reported as {fact.value}"
    return _clip(_shown(fact))


def _evidence(fact: HeldFact, lexicon: Lexicon) -> EvidenceRef:
    claim = f"{_label(fact, lexicon)}: {_shown(fact)}"
    return EvidenceRef(article_id=fact.article_id, quote=fact.quote or fact.text, claim=claim)


def _source(ref: ArticleRef | None) -> str:
    if ref is None:
        return "an earlier report"
    return ref.source or ref.title or ref.id


class _Builder:
    """Builds developments for one article and one event."""

    def __init__(
        self, match: StorylineMatch, event: EventState, sig: Signature, now: datetime, lexicon: Lexicon
    ) -> None:
        self.match = match
        self.event = event
        self.sig = sig
        self.now = now
        self.lexicon = lexicon

    def make(
        self,
        kind: DevelopmentKind,
        identity: list[str],
        summary: str,
        articles: list[ArticleRef],
        evidence: list[EvidenceRef],
        confidence: float,
    ) -> Development:
        digest = stable_hash(self.match.storyline_id, self.event.id, kind, *identity, length=24)
        return Development(
            id=f"dev-{digest}",
            kind=kind,
            storyline_id=self.match.storyline_id,
            storyline_title=self.match.storyline_title,
            event_id=self.event.id,
            event_title=self.event.title,
            event_date=self.event.date,
            summary=summary,
            articles=tuple(articles),
            evidence=tuple(evidence),
            confidence=round(confidence, 3),
            created_at=self.now,
            trigger_ingested_at=self.match.enriched.article.ingested_at,
        )

    def new_event(self) -> Development:
        lead = self.match.reason.sentences[:1] or (self.sig.ref.title,)
        evidence = [
            EvidenceRef(article_id=self.sig.ref.id, quote=lead[0], claim=f"event: {self.event.title}")
        ]
        stated = [fact for fact in self.sig.facts if fact.slot in _EVENT_SLOTS and fact.quote]
        evidence += [_evidence(fact, self.lexicon) for fact in stated[:3]]
        source = _source(self.sig.ref)
        summary = f"New in {self.match.storyline_title}: {self.event.title}, first reported by {source}."
        return self.make("new_event", [], summary, [self.sig.ref], evidence, min(1.0, self.match.score))

    def development(self, findings: list[Finding]) -> Development:
        facts = [finding.fact for finding in findings]
        parts = [_phrase(finding, self.event.noun) for finding in findings[:3]]
        more = f" (and {len(findings) - 3} more)" if len(findings) > 3 else ""
        summary = f"New in {self.event.title}, per {_source(self.sig.ref)}: {'; '.join(parts)}{more}."
        identity = sorted(f"{fact.slot}={' '.join(fact.terms) or fact.value}" for fact in facts)
        evidence = [_evidence(fact, self.lexicon) for fact in facts]
        return self.make("new_development", identity, summary, [self.sig.ref], evidence, 0.7)

    def conflict(self, finding: Finding, refs: dict[str, ArticleRef]) -> Development:
        held, fact = finding.held, finding.fact
        assert held is not None
        old_ref, new_ref = refs.get(held.article_id), refs.get(fact.article_id, self.sig.ref)
        summary = (
            f"Conflicting reports on the {_label(fact, self.lexicon)} of {self.event.title}: "
            f"{_source(old_ref)} says {_shown(held)}, {_source(new_ref)} says {_shown(fact)}"
        )
        if finding.reason:
            summary += f" (low confidence: {finding.reason})"
        else:
            summary += f"; they cannot both hold: {_why(finding, self.event.noun)}"
        identity = [fact.slot, *sorted([held.value, fact.value])]
        articles = [ref for ref in (old_ref, new_ref) if ref is not None]
        return self.make(
            "conflict",
            identity,
            summary + ".",
            articles,
            [_evidence(held, self.lexicon), _evidence(fact, self.lexicon)],
            finding.confidence,
        )


def _new_state(storyline_id: str) -> StorylineState:
    return StorylineState(storyline_id=storyline_id)


_APPLIES_REACH = 400  # characters of the text, after the headline, where a lead says what a measure is on


def detect(
    state: StorylineState | None,
    match: StorylineMatch,
    *,
    now: datetime,
    horizon_days: int = 120,
    profile: Profile | None = None,
    storyline: Storyline | None = None,
    owned: bool = False,
) -> tuple[StorylineState, list[Development]]:
    """Fold one matched article into the storyline state; return the new state and its developments.

    ``storyline`` gives the names titles use and the domain profile (``profile`` overrides it; the default
    profile when neither says). ``state`` is left as it was, unless the caller hands it over
    (``owned``): then it is updated in place rather than copied first, and must not be used again.
    """
    lexicon = load_lexicon()
    profile = profile or lexicon.profile(storyline.profile if storyline else None)
    aliases = {spec.id: (spec.name, *spec.aliases) for spec in storyline.entities} if storyline else {}
    if state is None:
        base = _new_state(match.storyline_id)
    else:
        base = state if owned else state.model_copy(deep=True)
    current = prune(base, now, horizon_days)
    article = match.enriched.article
    print_ = fingerprint(article.text)
    key = stable_hash(article.id)
    already = key in current.seen_articles or (
        article.duplicate_of is not None and stable_hash(article.duplicate_of) in current.seen_articles
    )
    remember(current.seen_articles, key)
    if already or print_ in current.fingerprints:
        return current, []
    remember(current.fingerprints, print_)
    current.updated_at = now

    sig = signature(match, now=now, profile=profile, lexicon=lexicon, aliases=aliases)
    if profile.single_actor and storyline is not None:
        orgs = [(spec.id, aliases[spec.id]) for spec in storyline.entities if spec.label == "ORG"]
        as_institution(sig, orgs)
    event = best_event(current.events, sig, lexicon)
    developments: list[Development] = []
    lead = (article.title, article.text[:_APPLIES_REACH])
    applies = applies_to(lead, profile, lexicon)
    others = [
        form
        for entity in match.enriched.entities
        if entity.label == "ORG" and entity.id not in aliases and entity.id not in sig.participants
        for form in {entity.name, *entity.surface_forms}
    ]
    host = organiser(lead, profile, others)
    if event is None:
        event = new_event(match.storyline_id, sig)
        absorb(event, sig, sig.facts, now=now, profile=profile)
        note_applies_to(event, applies, host, event_name(lead, match.enriched.entities, profile, event.noun))
        current.events.append(event)
        developments.append(_Builder(match, event, sig, now, lexicon).new_event())
    else:
        found_date = sig.date if sig.date_quote else None
        findings = compare(event, sig.facts, found_date, profile=profile, lexicon=lexicon)
        absorb(event, sig, sig.facts, now=now, profile=profile)
        note_applies_to(event, applies, host, event_name(lead, match.enriched.entities, profile, event.noun))
        builder = _Builder(match, event, sig, now, lexicon)
        refs = {ref.id: ref for ref in event.articles}
        news = [finding for finding in findings if finding.kind == "new"]
        if news:
            developments.append(builder.development(news))
        developments.extend(builder.conflict(f, refs) for f in findings if f.kind == "conflict")
    fresh: list[Development] = []
    for development in developments:
        if development.id not in current.emitted:
            remember(current.emitted, development.id)
            fresh.append(development)
    return current, fresh
