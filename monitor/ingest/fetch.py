"""Polite HTTP GET: conditional requests, bounded size and time, manual redirects.

Redirects are followed by hand so that a chain made only of permanent
redirects (301/308) can be remembered as the feed's new address, and loops are
detected. Bodies are streamed and the download aborted past ``max_bytes``
(after decompression). 429 and 503 answers carry their ``Retry-After`` delay.
Every failure is a :class:`FeedError` with a fixed reason; a connection the
egress policy refuses (on any hop: the client's backend checks each) is
``refused``.
"""

from __future__ import annotations

import asyncio
import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import httpx

from monitor.egress import EgressPolicy, EgressRefused, guarded_client
from monitor.ingest.errors import FeedError

USER_AGENT = "Newsmon/0.1 (+https://github.com/newsmon/newsmon)"
FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, application/json;q=0.9,"
    " application/rdf+xml;q=0.8, application/xml;q=0.7, text/xml;q=0.7, */*;q=0.1"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
_PERMANENT = frozenset({301, 308})
_REDIRECT = frozenset({301, 302, 303, 307, 308})
MAX_RETRY_AFTER = 24 * 3600.0


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch (``status`` 200) or a not-modified answer (304)."""

    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    final_url: str
    permanent_url: str | None

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer."""
        return self.status == 304


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delay = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(delay, 0.0), MAX_RETRY_AFTER)


def make_client(
    policy: EgressPolicy,
    *,
    user_agent: str = USER_AGENT,
    connect_timeout: float = 10.0,
    read_timeout: float = 30.0,
    max_connections: int = 64,
) -> httpx.AsyncClient:
    """An httpx client with the project's User-Agent and timeouts, connecting only where ``policy``
    allows; redirects are handled by hand."""
    return guarded_client(
        policy,
        headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        max_connections=max_connections,
    )


class Fetcher:
    """GETs one URL at a time with the politeness rules of the module."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        user_agent: str = USER_AGENT,
        max_bytes: int = 10 * 1024 * 1024,
        total_timeout: float = 60.0,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        max_redirects: int = 5,
    ) -> None:
        self.client = client
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout
        # per request, so that a shared client's own defaults do not apply
        self._timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self.max_redirects = max_redirects

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET ``url`` (conditionally when validators are given)."""
        try:
            async with asyncio.timeout(self.total_timeout):
                return await self._follow(url, etag=etag, last_modified=last_modified, accept=accept)
        except EgressRefused as exc:
            raise FeedError("refused", str(exc)) from None
        except TimeoutError:
            raise FeedError("timeout", f"no complete answer within {self.total_timeout:g}s") from None
        except httpx.TimeoutException as exc:
            raise FeedError("timeout", f"timed out: {type(exc).__name__}") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FeedError("bad_redirect", f"unusable URL: {exc}") from None
        except httpx.DecodingError as exc:
            raise FeedError("read_error", f"cannot decode response body: {exc}") from None
        except httpx.HTTPError as exc:
            raise FeedError("connection", f"{type(exc).__name__}: {exc}") from None

    async def _follow(
        self, url: str, *, etag: str | None, last_modified: str | None, accept: str
    ) -> FetchResult:
        visited = [url]
        permanent = True
        current = url
        while True:
            headers = {"User-Agent": self.user_agent, "Accept": accept}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            async with self.client.stream(
                "GET", current, headers=headers, follow_redirects=False, timeout=self._timeout
            ) as response:
                if response.status_code in _REDIRECT:
                    location = response.headers.get("location")
                    if not location:
                        raise FeedError("bad_redirect", f"HTTP {response.status_code} without Location")
                    permanent = permanent and response.status_code in _PERMANENT
                    target = urljoin(current, location.strip())
                    if target in visited:
                        raise FeedError("redirect_loop", f"redirect loop via {target}")
                    if len(visited) > self.max_redirects:
                        raise FeedError("too_many_redirects", f"more than {self.max_redirects} redirects")
                    visited.append(target)
                    current = target
                    continue
                return await self._finish(response, url=url, final=current, permanent=permanent)

    async def _finish(
        self, response: httpx.Response, *, url: str, final: str, permanent: bool
    ) -> FetchResult:
        status = response.status_code
        permanent_url = final if permanent and final != url else None
        if status == 304:
            return FetchResult(
                304,
                b"",
                "",
                response.headers.get("etag"),
                response.headers.get("last-modified"),
                final,
                permanent_url,
            )
        if status in (429, 503):
            delay = parse_retry_after(response.headers.get("retry-after"))
            raise FeedError("rate_limited", f"HTTP {status}", retry_after=delay)
        if status in (404, 410):
            raise FeedError("not_found", f"HTTP {status}")
        if status != 200:
            raise FeedError("http_status", f"HTTP {status}")
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            raise FeedError("too_large", f"Content-Length {length} exceeds {self.max_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FeedError("too_large", f"body exceeds {self.max_bytes} bytes")
            chunks.append(chunk)
        return FetchResult(
            200,
            b"".join(chunks),
            response.headers.get("content-type", ""),
            response.headers.get("etag"),
            response.headers.get("last-modified"),
            final,
            permanent_url,
        )
