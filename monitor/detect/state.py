"""What detection remembers per storyline, stored as JSON in a Faust table.

``StorylineState`` is plain pydantic: ``state.model_dump(mode="json")`` to store
it, ``StorylineState.model_validate(data)`` to read it back. Memory is bounded:
:func:`prune` drops events not updated within a horizon and caps every list.
Seen articles, text fingerprints and emitted development ids are kept as short
hashes in bounded oldest-first lists (``MAX_SEEN`` each), longer than events
live, so that a replay of old articles stays silent.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from monitor.models import ArticleRef

MAX_EVENTS = 40
MAX_ARTICLES_PER_EVENT = 30
MAX_FACTS_PER_EVENT = 40
MAX_TERMS = 60
MAX_SEEN = 2_000
MAX_QUOTE = 300


class _State(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class HeldFact(_State):
    """One fact known about an event, with the sentence and article it came from.

    ``slot`` names what the value measures (``date:event``, ``place:event``,
    ``status:event``, ``quantity:troops``, ``outcome``); two facts in the same
    slot with incompatible values are a conflict.
    """

    slot: str
    kind: str
    value: str
    number: float | None = None
    unit: str = ""
    subject: str = ""
    qualifier: str = ""
    approximate: bool = False
    explicit: bool = True
    background: bool = False
    terms: list[str] = Field(default_factory=list)
    measured: str = Field(default="", description="the word a figure measures, by its lexicon name: 'duty'")
    referents: list[str] = Field(default_factory=list, description="entity ids the figure belongs to")
    referent_names: list[str] = Field(default_factory=list)
    named_owner: bool = Field(default=False, description="the referent is not merely a place")
    marks: list[str] = Field(default_factory=list, description="contrast-set words of the figure's clause")
    bound: str = Field(default="", description="'lower' ('more than 5') or 'upper' ('up to 5')")
    cumulative: bool = False
    text: str = ""
    quote: str = ""
    article_id: str

    @field_validator("quote", "text", "value")
    @classmethod
    def _clip(cls, value: str) -> str:
        """Quotes stay short so the state fits a Kafka record."""
        value = " ".join(value.split())
        return value if len(value) <= MAX_QUOTE else value[: MAX_QUOTE - 1].rsplit(" ", 1)[0] + "…"


class EventState(_State):
    """One specific meeting, agreement, decision or incident within a storyline."""

    id: str
    title: str
    headline: str = Field(default="", description="first article's headline, for events without a meeting")
    noun: str = "event"
    date: dt.date | None = None
    date_explicit: bool = False
    place: str | None = None
    participants: list[str] = Field(default_factory=list)
    names: dict[str, str] = Field(default_factory=dict, description="participant id -> display name")
    people: list[str] = Field(default_factory=list, description="every person id the event's articles named")
    votes: dict[str, float] = Field(default_factory=dict, description="participant id -> summed salience")
    status: str | None = None
    first_published: datetime
    last_published: datetime
    touched_at: datetime | None = Field(default=None, description="when an article last joined")
    articles: list[ArticleRef] = Field(default_factory=list)
    facts: list[HeldFact] = Field(default_factory=list)
    terms: dict[str, int] = Field(default_factory=dict)
    applies_to: dict[str, int] = Field(
        default_factory=dict, description="what a measure applies to ('into brandy') -> reports saying so"
    )
    organisers: dict[str, int] = Field(
        default_factory=dict, description="organisation the event is named after ('ITV') -> reports saying so"
    )
    named_as: dict[str, int] = Field(
        default_factory=dict, description="the event's own name ('Typhoon Haiyan') -> reports naming it so"
    )


class StorylineState(_State):
    """Everything detection keeps for one storyline."""

    storyline_id: str
    events: list[EventState] = Field(default_factory=list)
    emitted: list[str] = Field(
        default_factory=list, description="development ids already alerted, oldest first"
    )
    seen_articles: list[str] = Field(
        default_factory=list, description="hashes of article ids seen, oldest first"
    )
    fingerprints: list[str] = Field(
        default_factory=list, description="hashes of article texts seen, oldest first"
    )
    updated_at: datetime | None = None

    def event(self, event_id: str) -> EventState | None:
        """The event with this id, if still held."""
        return next((event for event in self.events if event.id == event_id), None)


def remember(items: list[str], key: str) -> None:
    """Append a key to a bounded, oldest-first memory list (no duplicates)."""
    if key not in items:
        items.append(key)
    if len(items) > MAX_SEEN:
        del items[: len(items) - MAX_SEEN]


def _event_activity(event: EventState) -> datetime:
    if event.touched_at is None:
        return event.last_published
    return max(event.last_published, event.touched_at)


def prune(state: StorylineState, now: datetime, horizon_days: int) -> StorylineState:
    """A copy of the state without anything older than ``horizon_days`` before ``now``."""
    cutoff = now - timedelta(days=horizon_days)
    events = [event for event in state.events if _event_activity(event) >= cutoff]
    events = sorted(events, key=_event_activity)[-MAX_EVENTS:]
    trimmed: list[EventState] = []
    for event in events:
        articles = event.articles
        if len(articles) > MAX_ARTICLES_PER_EVENT:
            articles = articles[:5] + articles[-(MAX_ARTICLES_PER_EVENT - 5) :]
        facts = event.facts
        if len(facts) > MAX_FACTS_PER_EVENT:  # keep the first reports' facts and the latest ones
            facts = facts[:10] + facts[-(MAX_FACTS_PER_EVENT - 10) :]
        trimmed.append(event.model_copy(update={"articles": articles, "facts": facts}))
    return state.model_copy(
        update={
            "events": trimmed,
            "emitted": state.emitted[-MAX_SEEN:],
            "seen_articles": state.seen_articles[-MAX_SEEN:],
            "fingerprints": state.fingerprints[-MAX_SEEN:],
        }
    )


def restore(raw: object) -> tuple[StorylineState | None, str | None]:
    """A stored state read back, or ``(None, reason)`` when it is not a state.

    The table's changelog is a Kafka topic anyone with access can write to; a
    record that is not a state (garbage, an older shape) must cost the
    storyline its memory, never stop detection for it. The caller logs the
    reason and starts the storyline afresh.
    """
    if raw is None or raw == {}:
        return None, None
    try:
        return StorylineState.model_validate(raw), None
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        return None, str(exc).splitlines()[0][:200]


class StateStore:
    """Stored states read back, without reading back the value the last detection stored.

    A storyline's detections follow one another on one worker, and the table
    hands back the very value stored after the previous one: that value's model
    is kept and detection goes on from it (see ``detect(owned=True)``), neither
    validated again nor copied. Any other value (recovered from the changelog,
    written by another worker) is read back with :func:`restore`.
    """

    def __init__(self) -> None:
        self._last: dict[str, tuple[object, StorylineState]] = {}

    def restore(self, storyline_id: str, raw: object) -> tuple[StorylineState | None, str | None]:
        """The state of ``raw`` as :func:`restore` gives it; the kept model if ``raw`` is the value stored.

        The kept model is given once: it is the caller's to update, and a detection that fails
        leaves no half-updated model behind.
        """
        kept = self._last.pop(storyline_id, None)
        if kept is not None and raw is not None and kept[0] is raw:
            return kept[1], None
        return restore(raw)

    def store(self, state: StorylineState) -> dict[str, object]:
        """The value to store for ``state``; its model is kept for the next :meth:`restore`.

        Fields at their defaults are left out (read back, they take them again): a fact has some
        twenty fields, mostly empty, and the value is written to the changelog on every detection
        (110 kB on average on the e2e bench's texts in full, 27 % less without them).
        """
        value = state.model_dump(mode="json", exclude_defaults=True)
        self._last[state.storyline_id] = (value, state)
        return value
