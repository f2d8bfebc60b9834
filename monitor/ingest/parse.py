"""Feed documents to entries: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through
feedparser, JSON Feed 1.0/1.1 by hand.

``parse_feed`` never raises anything but :class:`FeedError` (reason
``not_a_feed``, ``invalid_json`` or ``empty_response``); ill-formed but
recoverable XML is accepted with a warning, and entries that carry nothing
usable are returned as rejections with a reason.

Every text field is cut before its markup is converted (summary and content at
``max_field_bytes`` of UTF-8, titles and names at ``MAX_TITLE_BYTES``), so the
conversion's work per field is bounded whatever the feed holds.
"""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

try:  # optional: better guesses for feeds with a wrong or missing encoding
    import charset_normalizer as _charset_normalizer
except ImportError:  # pragma: no cover
    _charset_normalizer = None  # type: ignore[assignment]

from monitor.ingest.errors import FeedError
from monitor.ingest.text import cut_utf8, html_to_text

_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_].*)?$")
_FUTURE_SLACK = timedelta(days=2)
_OLDEST = datetime(1970, 1, 2, tzinfo=UTC)

FIELD_CAP_RATIO = 5
"""Feed fields are cut at this many times the article text cap (``ingest.max_text_bytes``)."""
MAX_FIELD_BYTES = FIELD_CAP_RATIO * 200_000
"""Summary and content markup kept per field: five times the default article text cap
(``ingest.max_text_bytes``, 200,000 bytes), room for the markup around text that is cut at
that cap later anyway."""
MAX_TITLE_BYTES = 16_384
"""Title and source-name markup kept per field (a title ends up cut at 1,000 characters)."""


@dataclass(frozen=True)
class Entry:
    """One feed item, reduced to what an Article needs (all text is plain)."""

    guid: str
    link: str
    title: str
    summary: str
    content: str
    published: datetime | None
    source: str
    language: str

    @property
    def body(self) -> str:
        """The best text the feed itself carries."""
        return self.content or self.summary or self.title

    @property
    def needs_full_text(self) -> bool:
        """True when the item only carries a summary (or nothing) and has a web link."""
        return bool(self.link.startswith(("http://", "https://"))) and len(self.content) <= len(self.summary)


@dataclass
class ParsedFeed:
    """A parsed feed: its entries, rejected entries and any parser warning."""

    kind: str
    title: str
    entries: list[Entry] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    warning: str | None = None


def _language(value: object, default: str) -> str:
    if isinstance(value, str):
        match = _LANG.match(value.strip())
        if match:
            return match.group(1).lower()
    return default


def _sane_date(value: datetime | None, now: datetime) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if value < _OLDEST or value > now + _FUTURE_SLACK:
        return None
    return value


def _struct_time(value: object) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _iso_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _source_name(feed_url: str) -> str:
    try:
        return urlsplit(feed_url).hostname or ""
    except ValueError:
        return ""


def _finish(
    parsed: ParsedFeed,
    *,
    guid: str,
    link: str,
    title: str,
    summary: str,
    content: str,
    published: datetime | None,
    source: str,
    language: str,
) -> None:
    if content and summary and content == summary:
        summary = ""
    if not (title or summary or content):
        parsed.rejected.append("empty_item")
        return
    if link and not link.lower().startswith(("http://", "https://")):
        link = ""  # only web links reach alerts: no javascript:, data: or mailto: from a feed
    parsed.entries.append(
        Entry(
            guid=guid[:2000],
            link=link[:4000],
            title=title[:1000],
            summary=summary,
            content=content,
            published=published,
            source=source,
            language=language,
        )
    )


def _text(value: object, *, limit: int, single_line: bool = False) -> str:
    """Plain text of a field, its markup first cut at ``limit`` bytes."""
    if not isinstance(value, str):
        return ""
    return html_to_text(cut_utf8(value, limit), single_line=single_line)


def _title(value: object) -> str:
    return _text(value, limit=MAX_TITLE_BYTES, single_line=True)


def _feedparser(data: bytes, *, feed_url: str, content_type: str) -> Any:
    headers = {"content-location": feed_url}
    if content_type:
        headers["content-type"] = content_type
    try:
        # Markup is reduced to plain text afterwards (scripts and styles dropped), so
        # feedparser's HTML sanitizer and relative-URI rewriting are wasted work.
        return feedparser.parse(
            io.BytesIO(data), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as exc:
        raise FeedError("not_a_feed", f"feed parser failed: {type(exc).__name__}: {exc}") from None


def _redetect_encoding(data: bytes, result: Any) -> bytes | None:
    """UTF-8 re-encoding of a document whose declared encoding was wrong or missing.

    feedparser falls back to windows-1252 when the declared (or default UTF-8)
    encoding fails; a statistical detector does better for KOI8-R, GB2312,
    Shift-JIS and the like.
    """
    bozo = result.get("bozo_exception")
    if _charset_normalizer is None or not isinstance(bozo, feedparser.CharacterEncodingOverride):
        return None
    if "windows-1252" not in str(bozo) and "iso-8859" not in str(bozo):
        return None
    best = _charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding in {"cp1252", "windows_1252", "latin_1", "ascii", "utf_8"}:
        return None
    return str(best).encode("utf-8")


def _parse_xml(
    data: bytes, *, feed_url: str, content_type: str, now: datetime, max_field_bytes: int
) -> ParsedFeed:
    result = _feedparser(data, feed_url=feed_url, content_type=content_type)
    recoded = _redetect_encoding(data, result)
    if recoded is not None:
        result = _feedparser(recoded, feed_url=feed_url, content_type="application/xml; charset=utf-8")
    version = str(result.get("version") or "")
    entries = result.get("entries") or []
    feed = result.get("feed") or {}
    bozo = result.get("bozo_exception") if result.get("bozo") else None
    if not version and not entries:
        reason = f": {type(bozo).__name__}: {bozo}" if bozo is not None else ""
        if feed.get("title") and bozo is None:
            return ParsedFeed(kind="unknown", title=_title(feed.get("title")))
        raise FeedError("not_a_feed", f"no RSS/Atom feed found{reason}")
    title = _title(feed.get("title"))
    parsed = ParsedFeed(
        kind=version or "unknown",
        title=title,
        warning=f"{type(bozo).__name__}: {bozo}" if bozo is not None else None,
    )
    feed_language = _language(feed.get("language"), "en")
    default_source = title or _source_name(feed_url)
    for entry in entries:
        contents = [
            _text(c.get("value"), limit=max_field_bytes)
            for c in entry.get("content") or []
            if isinstance(c, dict) and c.get("value")
        ]
        content = max(contents, key=len) if contents else ""
        summary = _text(entry.get("summary"), limit=max_field_bytes)
        source = entry.get("source") or {}
        link = str(entry.get("link") or "")
        if (
            link
            and not link.startswith(("http://", "https://"))
            and feed_url.startswith(("http://", "https://"))
        ):
            link = urljoin(feed_url, link)
        published = _struct_time(entry.get("published_parsed")) or _struct_time(entry.get("updated_parsed"))
        _finish(
            parsed,
            guid=str(entry.get("id") or ""),
            link=link,
            title=_title(entry.get("title")),
            summary=summary,
            content=content,
            published=_sane_date(published, now),
            source=(_title(source.get("title")) if isinstance(source, dict) else "") or default_source,
            language=_language(entry.get("language"), feed_language),
        )
    return parsed


def _parse_json(data: bytes, *, feed_url: str, now: datetime, max_field_bytes: int) -> ParsedFeed:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise FeedError("invalid_json", f"invalid JSON: {exc}") from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise FeedError("not_a_feed", "JSON document is not a JSON Feed (no jsonfeed.org version)")
    items = doc.get("items")
    if not isinstance(items, list):
        raise FeedError("not_a_feed", "JSON Feed has no 'items' list")
    title = _title(doc.get("title"))
    parsed = ParsedFeed(kind="json" + str(doc["version"]).rsplit("/", 1)[-1], title=title)
    feed_language = _language(doc.get("language"), "en")
    base = str(doc.get("home_page_url") or feed_url)
    for item in items:
        if not isinstance(item, dict):
            parsed.rejected.append("malformed_item")
            continue
        link = item.get("url") or item.get("external_url") or ""
        link = urljoin(base, link) if isinstance(link, str) and link else ""
        content_html = item.get("content_html")
        content = _text(
            content_html if isinstance(content_html, str) else item.get("content_text"), limit=max_field_bytes
        )
        guid = item.get("id")
        published = _iso_date(item.get("date_published")) or _iso_date(item.get("date_modified"))
        _finish(
            parsed,
            guid=str(guid) if isinstance(guid, str | int) and not isinstance(guid, bool) else "",
            link=link,
            title=_title(item.get("title")),
            summary=_text(item.get("summary"), limit=max_field_bytes),
            content=content,
            published=_sane_date(published, now),
            source=title or _source_name(feed_url),
            language=_language(item.get("language"), feed_language),
        )
    return parsed


def _looks_like_json(data: bytes, content_type: str) -> bool:
    """JSON when the body starts like a JSON object, or is not markup and the server says JSON."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return True
    return "json" in content_type.lower() and not head.startswith(b"<")


def parse_feed(
    data: bytes,
    *,
    feed_url: str,
    now: datetime,
    content_type: str = "",
    max_field_bytes: int = MAX_FIELD_BYTES,
) -> ParsedFeed:
    """Parse a feed document; raises :class:`FeedError` when it is not a usable feed.

    Each summary and content field's markup is cut at ``max_field_bytes`` of UTF-8 before it is
    converted to text.
    """
    if not data.strip():
        raise FeedError("empty_response", "empty document")
    if _looks_like_json(data, content_type):
        return _parse_json(data, feed_url=feed_url, now=now, max_field_bytes=max_field_bytes)
    return _parse_xml(
        data, feed_url=feed_url, content_type=content_type, now=now, max_field_bytes=max_field_bytes
    )
