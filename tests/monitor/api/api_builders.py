"""Hand-built pipeline output for API tests: a storyline with two events, articles and a conflict."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from monitor.api.server import HttpServer
from monitor.api.store import RecentStore
from monitor.detect.state import EventState, HeldFact, StorylineState
from monitor.models import (
    Article,
    ArticleRef,
    CanonicalEntity,
    Claim,
    Development,
    EnrichedArticle,
    Evidence,
    EvidenceRef,
    MatchReason,
    Mention,
    StorylineMatch,
    Timings,
)
from monitor.settings import HttpSettings
from monitor.storylines.config import load_storylines

ROOT = Path(__file__).resolve().parents[3]
STORYLINES = load_storylines(ROOT / "seeds" / "storylines.yaml")
JK = "japan-korea-summits"
TOKEN = "test-token-123"
XSS_TITLE = "<script>alert(1)</script>"
XSS_SOURCE = "<img src=x onerror=\"document.title='pwned'\">"


def enriched(
    article_id: str, title: str, text: str, published: datetime, source: str = "Test Wire"
) -> EnrichedArticle:
    """An enriched article with one known entity and one date claim."""
    sentence = text.split(". ")[0]
    return EnrichedArticle(
        article=Article(
            id=article_id,
            url=f"https://example.org/{article_id}",
            title=title,
            text=text,
            source=source,
            published=published,
            ingested_at=published,
        ),
        entities=(
            CanonicalEntity(
                id="tokyo",
                name="Tokyo",
                label="GPE",
                known=True,
                count=1,
                surface_forms=("Tokyo",),
                mentions=(Mention(text="Tokyo", start=0, end=5, label="GPE"),),
            ),
        ),
        claims=(
            Claim(
                kind="date",
                text="August 23",
                value="2025-08-23",
                evidence=Evidence(sentence=sentence, start=0, end=len(sentence)),
            ),
        ),
        timings=Timings(nlp_seconds=0.01, claims_seconds=0.01),
    )


def ref(item: EnrichedArticle) -> ArticleRef:
    a = item.article
    return ArticleRef(id=a.id, url=a.url, title=a.title, source=a.source, published=a.published)


def filled_store(*, hostile: bool = False) -> RecentStore:
    """A store with two events of the Japan–Korea storyline, a new_event and a conflict alert.

    With ``hostile`` the conflicting article's title and source carry markup, as a feed might.
    """
    store = RecentStore()
    seoul = enriched(
        "a-seoul",
        "Kishida arrives in Seoul",
        "Kishida met Yoon in Seoul on May 7, 2023.",
        datetime(2023, 5, 7, 6, tzinfo=UTC),
    )
    tokyo = enriched(
        "a-tokyo",
        "Lee meets Ishiba in Tokyo",
        "Lee and Ishiba met in Tokyo on August 23, 2025.",
        datetime(2025, 8, 23, 12, tzinfo=UTC),
    )
    other = enriched(
        "a-other",
        XSS_TITLE if hostile else "Tokyo summit held a day later, report says",
        "Lee and Ishiba held their summit in Tokyo on August 24, 2025.",
        datetime(2025, 8, 25, 8, tzinfo=UTC),
        source=XSS_SOURCE if hostile else "Other Wire",
    )
    for item in (seoul, tokyo, other):
        store.observe("enriched", item)
        store.observe(
            "match",
            StorylineMatch(
                storyline_id=JK,
                storyline_title="Japan–South Korea summits",
                score=0.9,
                reason=MatchReason(entities=("tokyo",), keywords=("summit",)),
                enriched=item,
            ),
        )
    events = [
        EventState(
            id="ev-seoul",
            title="Kishida–Yoon summit in Seoul",
            noun="summit",
            date=date(2023, 5, 7),
            date_explicit=True,
            place="Seoul",
            participants=["fumio-kishida", "yoon-suk-yeol"],
            names={"fumio-kishida": "Fumio Kishida", "yoon-suk-yeol": "Yoon Suk-yeol"},
            first_published=seoul.article.ingested_at,
            last_published=seoul.article.ingested_at,
            articles=[ref(seoul)],
        ),
        EventState(
            id="ev-tokyo",
            title="Lee–Ishiba summit in Tokyo",
            noun="summit",
            date=date(2025, 8, 23),
            date_explicit=True,
            place="Tokyo",
            participants=["lee-jae-myung", "shigeru-ishiba"],
            names={"lee-jae-myung": "Lee Jae-myung", "shigeru-ishiba": "Shigeru Ishiba"},
            first_published=tokyo.article.ingested_at,
            last_published=other.article.ingested_at,
            articles=[ref(tokyo), ref(other)],
            facts=[
                HeldFact(
                    slot="date:event",
                    kind="date",
                    value="2025-08-23",
                    quote="on August 23, 2025",
                    article_id="a-tokyo",
                ),
            ],
        ),
    ]
    store.observe(
        "state", StorylineState(storyline_id=JK, events=events, updated_at=other.article.ingested_at)
    )
    created = datetime(2025, 8, 25, 9, tzinfo=UTC)
    common: dict[str, Any] = {
        "storyline_id": JK,
        "storyline_title": "Japan–South Korea summits",
        "confidence": 0.8,
        "created_at": created,
    }
    store.observe(
        "development",
        Development(
            id="d-new",
            kind="new_event",
            event_id="ev-tokyo",
            event_title="Lee–Ishiba summit in Tokyo",
            event_date=date(2025, 8, 23),
            summary="Lee and Ishiba meet in Tokyo.",
            articles=(ref(tokyo),),
            evidence=(EvidenceRef(article_id="a-tokyo", quote="met in Tokyo", claim="meeting"),),
            **common,
        ),
    )
    store.observe(
        "development",
        Development(
            id="d-conflict",
            kind="conflict",
            event_id="ev-tokyo",
            event_title="Lee–Ishiba summit in Tokyo",
            event_date=date(2025, 8, 23),
            summary="Reports disagree on the date of the Tokyo summit: 23 August vs 24 August 2025.",
            articles=(ref(tokyo), ref(other)),
            evidence=(
                EvidenceRef(
                    article_id="a-tokyo",
                    quote="Lee and Ishiba met in Tokyo on August 23, 2025.",
                    claim="date: 2025-08-23",
                ),
                EvidenceRef(
                    article_id="a-other",
                    quote="Lee and Ishiba held their summit in Tokyo on August 24, 2025.",
                    claim="date: 2025-08-24",
                ),
            ),
            **common,
        ),
    )
    return store


@asynccontextmanager
async def serving(
    store: RecentStore, *, token: str | None = TOKEN, max_stream_clients: int = 64
) -> AsyncIterator[HttpServer]:
    """An HttpServer on 127.0.0.1:<free port> over ``store``, stopped afterwards."""
    secret = SecretStr(token) if token else None
    settings = HttpSettings(port=0, api_token=secret, max_stream_clients=max_stream_clients)
    server = HttpServer(settings, CollectorRegistry(), lambda: {"http": True}, store, storylines=STORYLINES)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
        await asyncio.sleep(0)


@dataclass
class Served:
    """An HttpServer running on its own event loop in a background thread."""

    url: str
    server: HttpServer
    loop: asyncio.AbstractEventLoop


@contextmanager
def served_in_thread(store: RecentStore) -> Iterator[Served]:
    """Serve ``store`` (see :func:`serving`) from a background thread, for synchronous tests."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    stop = asyncio.Event()
    holder: dict[str, HttpServer] = {}

    async def main() -> None:
        async with serving(store) as server:
            holder["server"] = server
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert ready.wait(10), "the test server did not start"
    try:
        yield Served(f"http://127.0.0.1:{holder['server'].port}", holder["server"], loop)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()
