"""Local article directories: plain-text files, optionally with a manifest.

``manifest.yaml`` (see ``seeds/manifest.yaml``) is a list of mappings with
``file``, ``title``, ``source`` and ``published``; when it is present every
listed file's metadata comes from it and the whole file is the text. Without a
manifest (or for a ``.txt`` file it does not list) the first non-blank line is
the title, the rest the text, and the file's mtime the publication time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import structlog
import yaml

from monitor.errors import IngestError
from monitor.ingest.identity import content_hash
from monitor.ingest.text import clean_whitespace
from monitor.models import Article

log = structlog.get_logger(__name__)

MANIFEST = "manifest.yaml"
ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md"})


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise IngestError(f"cannot read article manifest {path}: {exc}") from None
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise IngestError(f"article manifest {path}: expected a list of entries")
    entries: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise IngestError(f"article manifest {path}: entry {index} has no 'file'")
        entries[entry["file"]] = entry
    return entries


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def article_id_for_text(text: str) -> str:
    """Content-based id of a local article: stable across renames and restarts."""
    return "c" + content_hash("", text)


def read_article_dir(path: Path, *, now: datetime) -> list[Article]:
    """Every article in a directory, in publication order (then by file name)."""
    path = Path(path)
    if not path.is_dir():
        raise IngestError(f"not an article directory: {path}")
    manifest_path = path / MANIFEST
    manifest = _read_manifest(manifest_path) if manifest_path.is_file() else {}
    for name in manifest:
        if not (path / name).is_file():
            log.warning("article_file_missing", directory=str(path), file=name)
    feed_url = str(path)
    articles: list[Article] = []
    for file in sorted(path.iterdir()):
        if not file.is_file() or file.name == MANIFEST:
            continue
        entry = manifest.get(file.name)
        if entry is None and file.suffix.lower() not in ARTICLE_SUFFIXES:
            continue
        try:
            raw = _read_text(file)
            mtime = datetime.fromtimestamp(file.stat().st_mtime, tz=UTC)
        except OSError as exc:
            log.warning("article_file_unreadable", file=str(file), error=str(exc))
            continue
        if entry is not None:
            title = clean_whitespace(str(entry.get("title") or ""), single_line=True)
            text = clean_whitespace(raw)
            source = str(entry.get("source") or "")
            published = _as_datetime(entry.get("published"))
        else:
            text = clean_whitespace(raw)
            head, _, rest = text.partition("\n")
            title = head.strip()
            text = rest.strip() or title
            source = ""
            published = mtime
        if not text:
            log.info("article_file_empty", file=str(file))
            continue
        articles.append(
            Article(
                id=article_id_for_text(text),
                url=file.resolve().as_uri(),
                title=title,
                text=text,
                source=source,
                feed_url=feed_url,
                published=published,
                ingested_at=now,
            )
        )
    articles.sort(key=lambda a: (a.published is None, a.published or now, a.url))
    return articles
