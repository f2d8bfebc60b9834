"""Full text of an article page, for feed items that carry only a summary.

The page is fetched with the same politeness as feeds (User-Agent, timeouts,
size limit, redirects checked) plus a global and a per-host concurrency limit
and the site's robots.txt (user agent ``Newsmon``), which is fetched under the
same two limits as pages. The main text is extracted with trafilatura (falling
back to plain HTML-to-text when trafilatura is not installed or finds nothing).
Failures are logged and return ``None``: the caller keeps the summary as the
text.

The work per page is bounded: the HTML is cut at ``max_page_bytes`` before
anything parses it, and trafilatura, whose cost grows faster than the number
of elements, only sees pages of at most ``max_tags`` start tags; larger ones go
to the linear converter of :mod:`monitor.ingest.text`. So is the memory kept
between pages: robots.txt answers are remembered per site for ``robots_ttl``
seconds, at most ``max_robots`` sites (least recently used dropped first), and
a host's semaphore or a site's robots lock exists only while a request holds
or awaits it.
"""

from __future__ import annotations

import asyncio
import functools
import re
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from itertools import islice
from types import ModuleType
from typing import Generic, TypeVar
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import structlog

from monitor.ingest.errors import FeedError
from monitor.ingest.fetch import PAGE_ACCEPT, Fetcher
from monitor.ingest.text import clean_whitespace, cut_utf8, html_to_text

log = structlog.get_logger(__name__)

_ROBOTS_AGENT = "Newsmon"
MAX_PAGE_BYTES = 2_000_000
"""Page HTML kept for extraction; the rest is cut before parsing."""
MAX_EXTRACTOR_TAGS = 10_000
"""Largest page (in start tags) handed to trafilatura: about a second of its work at most."""
MAX_ROBOTS_BYTES = 512_000
"""robots.txt parsed up to here (RFC 9309 asks crawlers to read at least 500 KiB)."""
ROBOTS_TTL = 24 * 3600.0
MAX_ROBOTS_SITES = 1024
_START_TAG = re.compile(r"<[A-Za-z]")
_START_TAG_BYTES = re.compile(rb"<[A-Za-z]")


@functools.cache
def _extractor() -> ModuleType | None:
    """trafilatura, imported on first use: a process that never fetches a page (a worker) does not
    hold it (about 25 MB resident). Optional: the better extractor, but not required to run."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - exercised only without the dependency
        return None
    return trafilatura


def _start_tags(markup: bytes | str, limit: int) -> int:
    """Start tags in ``markup``, counted up to ``limit + 1``."""
    found = _START_TAG_BYTES.finditer(markup) if isinstance(markup, bytes) else _START_TAG.finditer(markup)
    return sum(1 for _ in islice(found, limit + 1))


def extract_main_text(
    html: bytes | str,
    *,
    url: str = "",
    max_bytes: int = MAX_PAGE_BYTES,
    max_tags: int = MAX_EXTRACTOR_TAGS,
) -> str:
    """Main text of an HTML page (boilerplate removed as far as the extractor can).

    Only the first ``max_bytes`` of the page are read; trafilatura runs on pages of at most
    ``max_tags`` start tags, the linear converter on the others.
    """
    if isinstance(html, bytes):
        if len(html) > max_bytes:
            log.info("fulltext_page_capped", url=url, size=len(html), kept=max_bytes)
            html = html[:max_bytes]
    elif len(capped := cut_utf8(html, max_bytes)) < len(html):
        log.info("fulltext_page_capped", url=url, size=len(html.encode("utf-8", "replace")), kept=max_bytes)
        html = capped
    tags = _start_tags(html, max_tags)
    _trafilatura = _extractor()
    if _trafilatura is not None and tags > max_tags:
        log.info("fulltext_extractor_skipped", url=url, reason="too_many_tags", limit=max_tags)
    elif _trafilatura is not None:
        try:
            text = _trafilatura.extract(
                html, url=url or None, include_comments=False, include_tables=False, favor_precision=True
            )
        except Exception as exc:
            log.warning("fulltext_extractor_failed", url=url, error=f"{type(exc).__name__}: {exc}")
            text = None
        if text:
            return clean_whitespace(str(text))
    markup = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    return html_to_text(markup, boilerplate=True)


_P = TypeVar("_P", bound=AbstractAsyncContextManager[object])


@dataclass
class _Held(Generic[_P]):
    primitive: _P
    users: int = 0


class KeyedPrimitives(Generic[_P]):
    """One asyncio primitive (semaphore, lock) per key, kept only while it is held or awaited.

    The map holds no entry for an idle key, so it is bounded by the number of
    requests in flight, not by how many hosts were ever seen; an entry in use
    is never dropped from under its holders.
    """

    def __init__(self, factory: Callable[[], _P]) -> None:
        self._factory = factory
        self._held: dict[str, _Held[_P]] = {}

    def __len__(self) -> int:
        return len(self._held)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Hold the key's primitive for the duration of the block."""
        entry = self._held.get(key)
        if entry is None:
            entry = self._held[key] = _Held(self._factory())
        entry.users += 1
        try:
            async with entry.primitive:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._held[key]


@dataclass(frozen=True)
class _Robots:
    parser: RobotFileParser | None
    expires: float


class FullTextFetcher:
    """Fetches article pages and extracts their main text.

    ``concurrency`` and ``per_host`` bound the requests in flight (pages and
    robots.txt alike), overall and per host name.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        concurrency: int = 4,
        per_host: int = 2,
        min_chars: int = 200,
        max_page_bytes: int = MAX_PAGE_BYTES,
        max_tags: int = MAX_EXTRACTOR_TAGS,
        robots_ttl: float = ROBOTS_TTL,
        max_robots: int = MAX_ROBOTS_SITES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fetcher = fetcher
        self.min_chars = min_chars
        self.max_page_bytes = max_page_bytes
        self.max_tags = max_tags
        self.robots_ttl = robots_ttl
        self.max_robots = max_robots
        self._clock = clock
        self._global = asyncio.Semaphore(concurrency)
        self._hosts: KeyedPrimitives[asyncio.Semaphore] = KeyedPrimitives(lambda: asyncio.Semaphore(per_host))
        self._robots: OrderedDict[str, _Robots] = OrderedDict()
        self._robots_locks: KeyedPrimitives[asyncio.Lock] = KeyedPrimitives(asyncio.Lock)

    @property
    def cache_sizes(self) -> dict[str, int]:
        """Entries held now: robots.txt answers, host semaphores, robots locks."""
        return {
            "robots": len(self._robots),
            "hosts": len(self._hosts),
            "robots_locks": len(self._robots_locks),
        }

    @asynccontextmanager
    async def _slot(self, url: str) -> AsyncIterator[None]:
        """A place among the requests in flight: one of ``concurrency``, one of ``per_host``."""
        async with self._global, self._hosts.hold(urlsplit(url).hostname or ""):
            yield

    async def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets Newsmon fetch ``url`` (fetched once per site and TTL).

        A missing or unreadable robots.txt allows everything.
        """
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        async with self._robots_locks.hold(site):
            entry = self._robots.get(site)
            if entry is None or entry.expires <= self._clock():
                entry = _Robots(await self._read_robots(site), self._clock() + self.robots_ttl)
                self._robots[site] = entry
                while len(self._robots) > self.max_robots:
                    self._robots.popitem(last=False)
            self._robots.move_to_end(site)
        return entry.parser is None or entry.parser.can_fetch(_ROBOTS_AGENT, url)

    async def _read_robots(self, site: str) -> RobotFileParser | None:
        url = site + "/robots.txt"
        try:
            async with self._slot(url):
                result = await self.fetcher.fetch(url, accept="text/plain")
        except FeedError:
            return None
        parser = RobotFileParser()
        parser.parse(result.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace").splitlines())
        return parser

    async def text_for(self, url: str) -> str | None:
        """The main text at ``url``, or None when it cannot be had."""
        try:
            if not await self.allowed(url):
                log.info("fulltext_disallowed", url=url, reason="robots.txt")
                return None
            async with self._slot(url):
                result = await self.fetcher.fetch(url, accept=PAGE_ACCEPT)
        except FeedError as exc:
            log.info("fulltext_fetch_failed", url=url, reason=exc.reason, error=str(exc))
            return None
        except Exception as exc:  # a page must never break its feed
            log.warning(
                "fulltext_fetch_failed", url=url, reason="unexpected", error=f"{type(exc).__name__}: {exc}"
            )
            return None
        content_type = result.content_type.lower()
        if content_type and "html" not in content_type and "xml" not in content_type:
            log.info("fulltext_not_html", url=url, content_type=result.content_type)
            return None
        text = await asyncio.to_thread(
            extract_main_text,
            result.body,
            url=result.final_url,
            max_bytes=self.max_page_bytes,
            max_tags=self.max_tags,
        )
        if len(text) < self.min_chars:
            log.info("fulltext_too_short", url=url, chars=len(text))
            return None
        return text
