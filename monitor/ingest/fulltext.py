"""Full text of an article page, for feed items that carry only a summary.

The page is fetched with the same politeness as feeds (User-Agent, timeouts,
size limit, redirects checked) plus a small per-host concurrency limit and the
site's robots.txt (user agent ``Newsmon``), and
the main text extracted with trafilatura (falling back to plain HTML-to-text
when trafilatura is not installed or finds nothing). Failures are logged and
return ``None``: the caller keeps the summary as the text.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from types import ModuleType
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import structlog

from monitor.ingest.errors import FeedError
from monitor.ingest.fetch import PAGE_ACCEPT, Fetcher
from monitor.ingest.text import clean_whitespace, html_to_text

log = structlog.get_logger(__name__)

_ROBOTS_AGENT = "Newsmon"

_trafilatura: ModuleType | None
try:  # optional: trafilatura is the better extractor, but not required to run
    import trafilatura as _trafilatura
except ImportError:  # pragma: no cover - exercised only without the dependency
    _trafilatura = None


def extract_main_text(html: bytes | str, *, url: str = "") -> str:
    """Main text of an HTML page (boilerplate removed as far as the extractor can)."""
    if _trafilatura is not None:
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


class FullTextFetcher:
    """Fetches article pages and extracts their main text."""

    def __init__(
        self, fetcher: Fetcher, *, concurrency: int = 4, per_host: int = 2, min_chars: int = 200
    ) -> None:
        self.fetcher = fetcher
        self.min_chars = min_chars
        self._global = asyncio.Semaphore(concurrency)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))
        self._robots: dict[str, RobotFileParser | None] = {}
        self._robots_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def allowed(self, url: str) -> bool:
        """Whether the site's robots.txt lets Newsmon fetch ``url`` (fetched once per site).

        A missing or unreadable robots.txt allows everything.
        """
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        async with self._robots_locks[site]:
            if site not in self._robots:
                self._robots[site] = await self._read_robots(site)
        robots = self._robots[site]
        return robots is None or robots.can_fetch(_ROBOTS_AGENT, url)

    async def _read_robots(self, site: str) -> RobotFileParser | None:
        try:
            result = await self.fetcher.fetch(site + "/robots.txt", accept="text/plain")
        except FeedError:
            return None
        parser = RobotFileParser()
        parser.parse(result.body.decode("utf-8", errors="replace").splitlines())
        return parser

    async def text_for(self, url: str) -> str | None:
        """The main text at ``url``, or None when it cannot be had."""
        host = urlsplit(url).hostname or ""
        try:
            if not await self.allowed(url):
                log.info("fulltext_disallowed", url=url, reason="robots.txt")
                return None
            async with self._global, self._hosts[host]:
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
        text = await asyncio.to_thread(extract_main_text, result.body, url=result.final_url)
        if len(text) < self.min_chars:
            log.info("fulltext_too_short", url=url, chars=len(text))
            return None
        return text
