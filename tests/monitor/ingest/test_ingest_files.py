"""Local article directories and OPML import."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.errors import IngestError
from monitor.ingest import read_article_dir, read_opml

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_seeds_with_manifest() -> None:
    """The seed directory yields five articles in publication order with manifest metadata."""
    articles = read_article_dir(SEEDS, now=NOW)
    assert len(articles) == 5
    published = [a.published for a in articles]
    assert published == sorted(published)  # type: ignore[type-var]
    first = articles[0]
    assert first.title == "South Korean, Japanese officials meet ahead of leaders' summit"
    assert first.source.startswith("Thomson Reuters Foundation")
    assert first.published == datetime(2023, 5, 3, 10, tzinfo=UTC)
    assert first.ingested_at == NOW and first.text and first.url.startswith("file://")


def test_ids_are_content_based(tmp_path: Path) -> None:
    """Ids survive renaming files and re-reading; different texts get different ids."""
    copy = tmp_path / "copy"
    shutil.copytree(SEEDS, copy)
    (copy / "000_fd6998d678eb2309.txt").rename(copy / "renamed.txt")
    manifest = (copy / "manifest.yaml").read_text(encoding="utf-8")
    (copy / "manifest.yaml").write_text(manifest.replace("000_fd6998d678eb2309.txt", "renamed.txt"), "utf-8")
    ids = {a.id for a in read_article_dir(SEEDS, now=NOW)}
    assert {a.id for a in read_article_dir(copy, now=NOW)} == ids
    assert len(ids) == 5


def test_without_manifest_first_line_is_title(tmp_path: Path) -> None:
    """Without a manifest the first line is the title and the file's mtime the publication time."""
    (tmp_path / "b.txt").write_text("Second headline\n\nBody two.\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First headline\nBody one.\n", encoding="utf-8")
    (tmp_path / "ignored.bin").write_bytes(b"\x00\x01")
    os.utime(tmp_path / "b.txt", (1_600_000_000, 1_600_000_000))
    os.utime(tmp_path / "a.txt", (1_700_000_000, 1_700_000_000))
    articles = read_article_dir(tmp_path, now=NOW)
    assert [(a.title, a.text) for a in articles] == [
        ("Second headline", "Body two."),
        ("First headline", "Body one."),
    ]
    assert articles[0].published == datetime.fromtimestamp(1_600_000_000, tz=UTC)


def test_bad_directory_and_manifest(tmp_path: Path) -> None:
    """A missing directory or a malformed manifest raises IngestError."""
    with pytest.raises(IngestError):
        read_article_dir(tmp_path / "missing", now=NOW)
    (tmp_path / "manifest.yaml").write_text("{not: a list}", encoding="utf-8")
    with pytest.raises(IngestError):
        read_article_dir(tmp_path, now=NOW)


def test_read_opml(tmp_path: Path) -> None:
    """Nested outlines with xmlUrl become feeds (deduplicated, non-http skipped); bad files raise."""
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        """<?xml version="1.0"?>
        <opml version="2.0"><head><title>subs</title></head><body>
          <outline text="News">
            <outline text="A" type="rss" xmlUrl="https://a.example/feed.xml"/>
            <outline text="B" type="rss" xmlUrl="http://b.example/rss"/>
          </outline>
          <outline text="A again" xmlUrl="https://a.example/feed.xml"/>
          <outline text="ftp" xmlUrl="ftp://c.example/feed"/>
          <outline text="folder only"/>
        </body></opml>""",
        encoding="utf-8",
    )
    feeds = read_opml(opml, interval=600)
    assert [(f.url, f.interval) for f in feeds] == [
        ("https://a.example/feed.xml", 600),
        ("http://b.example/rss", 600),
    ]
    (tmp_path / "bad.opml").write_text("<opml><body>", encoding="utf-8")
    with pytest.raises(IngestError):
        read_opml(tmp_path / "bad.opml")
    (tmp_path / "rss.opml").write_text("<rss/>", encoding="utf-8")
    with pytest.raises(IngestError):
        read_opml(tmp_path / "rss.opml")
