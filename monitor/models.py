"""Plain data models that flow between pipeline stages.

Every stage takes and returns these models; they serialize to JSON for the
Kafka topics (``model_dump(mode="json")`` / ``model_validate``), so the stream
layer never needs to know their shape.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DevelopmentKind = Literal["new_event", "new_development", "conflict"]


class Model(BaseModel):
    """Base: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Article(Model):
    """A news article as the ingester produced it."""

    id: str = Field(description="Stable article id (GUID, normalized link or content hash).")
    url: str = ""
    title: str = ""
    text: str
    summary: str = ""
    source: str = ""
    feed_url: str = ""
    published: datetime | None = None
    ingested_at: datetime
    language: str = "en"
    duplicate_of: str | None = None
    version: int = 1


class Mention(Model):
    """One occurrence of an entity in an article's text."""

    text: str
    start: int
    end: int
    label: str


class CanonicalEntity(Model):
    """An entity resolved to a stable id, with every surface form seen."""

    id: str
    name: str
    label: str
    known: bool = Field(description="True when the entity comes from a storyline definition.")
    count: int
    surface_forms: tuple[str, ...]
    mentions: tuple[Mention, ...]


class Evidence(Model):
    """The sentence a claim was read from."""

    sentence: str
    start: int
    end: int


class Claim(Model):
    """A normalized statement of fact extracted from one sentence.

    ``kind`` is one of: date, duration, quantity, percent, percent_change,
    money, meeting. ``value`` holds the normalized value (a number, an ISO date,
    a duration in days, or for meetings the participants/place/date mapping);
    ``unit`` names the unit and ``subject`` what the value measures, as far as
    the sentence says.
    """

    kind: str
    text: str
    value: float | str | dict[str, str | list[str] | None] | None
    unit: str = ""
    approximate: bool = False
    subject: str = ""
    qualifier: str = ""
    measured: str = ""  # lemma of the word the value measures, from the parse ('duty' in 'a 27% duty')
    evidence: Evidence


class Timings(Model):
    """Where enrichment spent its time, in seconds."""

    nlp_seconds: float
    claims_seconds: float


class EnrichedArticle(Model):
    """An article plus what NLP read from it."""

    article: Article
    entities: tuple[CanonicalEntity, ...]
    claims: tuple[Claim, ...]
    language: str = "en"
    timings: Timings


class MatchReason(Model):
    """Why an article matched a storyline."""

    entities: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()


class StorylineMatch(Model):
    """An enriched article assigned to one storyline."""

    storyline_id: str
    storyline_title: str
    score: float
    reason: MatchReason
    enriched: EnrichedArticle


class ArticleRef(Model):
    """How an alert cites an article."""

    id: str
    url: str
    title: str
    source: str
    published: datetime | None


class EvidenceRef(Model):
    """A quote backing an alert, with the claim read from it."""

    article_id: str
    quote: str
    claim: str


class Development(Model):
    """Something new (or conflicting) in a storyline; becomes an alert."""

    id: str = Field(description="Stable id derived from the content: the idempotency key.")
    kind: DevelopmentKind
    storyline_id: str
    storyline_title: str
    event_id: str
    event_title: str
    event_date: date | None
    summary: str
    articles: tuple[ArticleRef, ...]
    evidence: tuple[EvidenceRef, ...]
    confidence: float
    created_at: datetime
    trigger_ingested_at: datetime | None = Field(
        default=None, description="When the article that raised it was ingested (for latency metrics)."
    )
