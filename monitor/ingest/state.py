"""Per-feed polling state and seen articles, kept in one SQLite file.

What survives a restart: each feed's HTTP validators (ETag, Last-Modified),
failure count and next poll time, its permanent redirect target; every article
id the sink accepted with its content hash and version; articles waiting for
the sink (the broker was down); and near-duplicate signatures of recent
articles. All writes are committed immediately (WAL mode), so a crash loses at
most the article being sent.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from monitor.errors import IngestError
from monitor.models import Article

STATE_FILE = "ingest.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    redirect_url TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    next_poll REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    last_success REAL,
    body_hash TEXT
);
CREATE TABLE IF NOT EXISTS seen (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    feed_url TEXT NOT NULL,
    seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_hash ON seen (content_hash);
CREATE TABLE IF NOT EXISTS pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    feed_url TEXT NOT NULL,
    article TEXT NOT NULL,
    UNIQUE (id, version)
);
CREATE TABLE IF NOT EXISTS signatures (
    id TEXT PRIMARY KEY,
    sig BLOB NOT NULL,
    added REAL NOT NULL
);
"""


@dataclass(frozen=True)
class FeedState:
    """What is remembered about one feed."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    redirect_url: str | None = None
    failures: int = 0
    next_poll: float = 0.0
    last_error: str | None = None
    last_success: float | None = None
    body_hash: str | None = None


@dataclass(frozen=True)
class SeenArticle:
    """An article the sink accepted."""

    id: str
    content_hash: str
    version: int
    feed_url: str


@dataclass(frozen=True)
class PendingArticle:
    """An article waiting for the sink."""

    seq: int
    article: Article
    content_hash: str


class FeedStateStore:
    """SQLite-backed ingestion state under a directory (or at a ``.sqlite3`` file path)."""

    def __init__(self, path: Path) -> None:
        path = Path(path)
        db_path = path if path.suffix in {".sqlite3", ".sqlite", ".db"} else path / STATE_FILE
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise IngestError(f"cannot open ingest state {db_path}: {exc}") from None
        self.path = db_path
        self._signature_adds = 0

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    # ---------------------------------------------------------------- feeds

    def feed(self, url: str) -> FeedState:
        """The state of a feed (defaults when never polled)."""
        row = self._db.execute(
            "SELECT etag, last_modified, redirect_url, failures, next_poll, last_error, last_success,"
            " body_hash FROM feeds WHERE url = ?",
            (url,),
        ).fetchone()
        if row is None:
            return FeedState(url=url)
        return FeedState(url, row[0], row[1], row[2], int(row[3]), float(row[4]), row[5], row[6], row[7])

    def save_feed(self, state: FeedState) -> None:
        """Store a feed's state."""
        self._db.execute(
            "INSERT INTO feeds (url, etag, last_modified, redirect_url, failures, next_poll, last_error,"
            " last_success, body_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET"
            " etag=excluded.etag, last_modified=excluded.last_modified, redirect_url=excluded.redirect_url,"
            " failures=excluded.failures, next_poll=excluded.next_poll, last_error=excluded.last_error,"
            " last_success=excluded.last_success, body_hash=excluded.body_hash",
            (
                state.url,
                state.etag,
                state.last_modified,
                state.redirect_url,
                state.failures,
                state.next_poll,
                state.last_error,
                state.last_success,
                state.body_hash,
            ),
        )

    def update_feed(self, url: str, **changes: object) -> FeedState:
        """Change some fields of a feed's state and store it."""
        state = replace(self.feed(url), **changes)  # type: ignore[arg-type]
        self.save_feed(state)
        return state

    # ---------------------------------------------------------------- articles

    def seen(self, article_id: str) -> SeenArticle | None:
        """The accepted article with this id, if any."""
        row = self._db.execute(
            "SELECT content_hash, version, feed_url FROM seen WHERE id = ?", (article_id,)
        ).fetchone()
        return None if row is None else SeenArticle(article_id, row[0], int(row[1]), row[2])

    def hash_owner(self, content_hash: str) -> str | None:
        """The id of an accepted or pending article with exactly this content."""
        row = self._db.execute(
            "SELECT id FROM seen WHERE content_hash = ? LIMIT 1", (content_hash,)
        ).fetchone()
        if row is None:
            row = self._db.execute(
                "SELECT id FROM pending WHERE content_hash = ? LIMIT 1", (content_hash,)
            ).fetchone()
        return None if row is None else str(row[0])

    def pending_version(self, article_id: str) -> SeenArticle | None:
        """Latest pending version of an article, if it waits for the sink."""
        row = self._db.execute(
            "SELECT version, content_hash, feed_url FROM pending WHERE id = ? ORDER BY version DESC LIMIT 1",
            (article_id,),
        ).fetchone()
        return None if row is None else SeenArticle(article_id, str(row[1]), int(row[0]), str(row[2]))

    def add_pending(self, article: Article, content_hash: str) -> None:
        """Keep an article until the sink accepts it."""
        self._db.execute(
            "INSERT OR IGNORE INTO pending (id, version, content_hash, feed_url, article)"
            " VALUES (?, ?, ?, ?, ?)",
            (article.id, article.version, content_hash, article.feed_url, article.model_dump_json()),
        )

    def pending(self, feed_url: str | None = None) -> Iterator[PendingArticle]:
        """Articles waiting for the sink, oldest first (optionally of one feed)."""
        if feed_url is None:
            rows = self._db.execute("SELECT seq, article, content_hash FROM pending ORDER BY seq").fetchall()
        else:
            rows = self._db.execute(
                "SELECT seq, article, content_hash FROM pending WHERE feed_url = ? ORDER BY seq", (feed_url,)
            ).fetchall()
        for seq, data, chash in rows:
            yield PendingArticle(int(seq), Article.model_validate_json(data), str(chash))

    def pending_feeds(self) -> list[str]:
        """Feeds with articles waiting for the sink."""
        rows = self._db.execute("SELECT DISTINCT feed_url FROM pending ORDER BY feed_url").fetchall()
        return [str(r[0]) for r in rows]

    def pending_count(self) -> int:
        """How many articles wait for the sink."""
        return int(self._db.execute("SELECT COUNT(*) FROM pending").fetchone()[0])

    def mark_sent(self, pending: PendingArticle, *, now: float) -> None:
        """Record that the sink accepted a pending article (atomically)."""
        article = pending.article
        with self._transaction():
            self._db.execute("DELETE FROM pending WHERE seq = ?", (pending.seq,))
            self._db.execute(
                "INSERT INTO seen (id, content_hash, version, feed_url, seen_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET content_hash=excluded.content_hash,"
                " version=MAX(seen.version, excluded.version), seen_at=excluded.seen_at",
                (article.id, pending.content_hash, article.version, article.feed_url, now),
            )

    def seen_count(self) -> int:
        """How many articles the sink accepted."""
        return int(self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0])

    # ---------------------------------------------------------------- near-duplicate signatures

    def add_signature(self, article_id: str, sig: bytes, *, now: float, keep: int = 20000) -> None:
        """Store a near-duplicate signature, keeping only the ``keep`` most recent."""
        self._db.execute(
            "INSERT OR IGNORE INTO signatures (id, sig, added) VALUES (?, ?, ?)", (article_id, sig, now)
        )
        self._signature_adds += 1
        if self._signature_adds % 1000:
            return
        count = int(self._db.execute("SELECT COUNT(*) FROM signatures").fetchone()[0])
        if count > keep:
            self._db.execute(
                "DELETE FROM signatures WHERE id IN (SELECT id FROM signatures ORDER BY added LIMIT ?)",
                (count - keep,),
            )

    def signatures(self) -> list[tuple[str, bytes]]:
        """Stored signatures, oldest first."""
        rows = self._db.execute("SELECT id, sig FROM signatures ORDER BY added").fetchall()
        return [(str(r[0]), bytes(r[1])) for r in rows]

    # ---------------------------------------------------------------- helpers

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")
