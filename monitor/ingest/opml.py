"""OPML feed lists (as exported by feed readers) to :class:`FeedSettings`.

Every ``<outline>`` with an ``xmlUrl`` (at any depth; folders are flattened)
becomes a feed; duplicates are dropped, order kept. Outlines whose URL is not
http(s) are skipped with a log line.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import structlog
from pydantic import ValidationError

from monitor.errors import IngestError
from monitor.settings import FeedSettings

log = structlog.get_logger(__name__)


def read_opml(path: Path, *, interval: float | None = None) -> list[FeedSettings]:
    """The feeds listed in an OPML file (``interval`` applies to all when given)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read OPML file {path}: {exc.strerror}") from None
    if b"<!ENTITY" in data:
        raise IngestError(f"OPML file {path}: entity declarations are not accepted")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise IngestError(f"OPML file {path} is not well-formed XML: {exc}") from None
    if root.tag.lower() != "opml":
        raise IngestError(f"{path} is not an OPML document (root element <{root.tag}>)")
    feeds: list[FeedSettings] = []
    seen: set[str] = set()
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue
        if not url.startswith(("http://", "https://")):
            log.warning("opml_outline_skipped", file=str(path), url=url, reason="not an http(s) URL")
            continue
        if url in seen:
            continue
        seen.add(url)
        try:
            settings = FeedSettings(url=url) if interval is None else FeedSettings(url=url, interval=interval)
            feeds.append(settings)
        except ValidationError as exc:
            log.warning("opml_outline_skipped", file=str(path), url=url, reason=str(exc.errors()[0]["msg"]))
    return feeds
