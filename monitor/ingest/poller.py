"""The feed poller: fetch every feed on its own schedule, turn items into
Articles, and hand each new or updated one to the sink exactly once.

* Every feed runs in its own task, so a slow or failing feed never delays the
  others; a global semaphore bounds concurrent fetches.
* Failures back off exponentially with jitter (``Retry-After`` honoured);
  successes reschedule after the feed's interval.
* An article is queued in the state store before the sink is called and marked
  seen only once the sink accepted it; queued articles are retried (oldest
  first) until it does, across restarts.
* Nothing raised by a feed escapes: errors become a log event
  (``feed_fetch_failed``), metrics and a backoff.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import structlog

from monitor.egress import EgressPolicy
from monitor.ingest.dedup import Deduplicator
from monitor.ingest.errors import FeedError, FinalSinkError
from monitor.ingest.fetch import USER_AGENT, Fetcher, make_client
from monitor.ingest.files import read_article_dir
from monitor.ingest.fulltext import FullTextFetcher
from monitor.ingest.identity import article_id, content_hash
from monitor.ingest.parse import FIELD_CAP_RATIO, Entry, ParsedFeed, parse_feed
from monitor.ingest.state import FeedState, FeedStateStore, PendingArticle
from monitor.metrics import Metrics, feed_label
from monitor.models import Article
from monitor.settings import FeedSettings

log = structlog.get_logger(__name__)

Sink = Callable[[Article], Awaitable[None]]
# called with (configured feed URL, final URL, body, content type) after each changed HTTP fetch
FetchHook = Callable[[str, str, bytes, str], None]
MAX_BACKOFF = 6 * 3600.0
REDIRECT_RESET_FAILURES = 3


def backoff_delay(interval: float, failures: int, *, cap: float = MAX_BACKOFF) -> float:
    """Exponential backoff with jitter: about ``interval * 2**failures``, never below the interval."""
    base = min(interval * 2.0 ** min(failures, 30), max(cap, interval))
    return float(max(interval, base * random.uniform(0.75, 1.25)))


def _local_path(url: str) -> Path | None:
    if url.startswith(("http://", "https://")):
        return None
    if url.startswith("file://"):
        return Path(unquote(urlsplit(url).path))
    return Path(url)


def _host(url: str) -> str:
    """The politeness key of a feed: its host (a local path is its own key)."""
    if _local_path(url) is not None:
        return url
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


class FeedPoller:
    """Polls feeds and sends their articles to ``sink``."""

    def __init__(
        self,
        feeds: Sequence[FeedSettings],
        *,
        state: FeedStateStore,
        sink: Sink,
        metrics: Metrics,
        client: httpx.AsyncClient | None = None,
        concurrency: int = 16,
        user_agent: str = USER_AGENT,
        full_text: bool = True,
        max_bytes: int = 10 * 1024 * 1024,
        timeout: float = 60.0,
        sink_retry_interval: float = 5.0,
        max_items: int = 1000,
        per_host: int = 8,
        on_fetched: FetchHook | None = None,
        max_text_bytes: int = 200_000,
        egress: EgressPolicy | None = None,
    ) -> None:
        self.feeds = tuple(feeds)
        self.on_fetched = on_fetched
        self.state = state
        self.sink = sink
        self.metrics = metrics
        self._own_client = client is None
        self.client = client or make_client(
            egress or EgressPolicy(), user_agent=user_agent, max_connections=max(concurrency, 8)
        )
        self.fetcher = Fetcher(self.client, user_agent=user_agent, max_bytes=max_bytes, total_timeout=timeout)
        self.fulltext = FullTextFetcher(self.fetcher) if full_text else None
        self.dedup = Deduplicator(state)
        self.sink_retry_interval = sink_retry_interval
        self.max_items = max_items
        self.max_text_bytes = max_text_bytes
        # feed fields are cut before their markup is converted; generous, since markup is not text
        self.max_field_bytes = FIELD_CAP_RATIO * max_text_bytes
        self._per_host = per_host
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self._per_host)
        )
        self._semaphore = asyncio.Semaphore(concurrency)
        self._claimed_ids: set[str] = set()
        self._claimed_hashes: dict[str, str] = {}
        self._feed_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    # ------------------------------------------------------------------ public API

    async def poll_once(self) -> int:
        """Poll every feed once (except those backing off) and return how many
        articles the sink accepted (new ones, updates and earlier held ones)."""
        sent = await self._flush_all()
        results = await asyncio.gather(*(self._poll_guarded(feed, scheduled=False) for feed in self.feeds))
        return sent + sum(results)

    async def accept(
        self, articles: Sequence[Article], *, feed_url: str, web: bool = False
    ) -> dict[str, str]:
        """Ingest pushed articles (WebSub, the API) through the poll path: dedup
        against the seen-state, near-duplicate marking, the pending queue, the sink.

        Returns each article's verdict by id: ``new``, ``updated`` or ``duplicate``
        (already known and unchanged, or a copy of another article).
        """
        verdicts: dict[str, str] = {}
        async with self._feed_locks[feed_url]:
            own = [a.model_copy(update={"feed_url": feed_url}) for a in articles]
            await self._ingest(feed_url, own, web=web, verdicts=verdicts)
        return verdicts

    def articles(self, feed_url: str, parsed: ParsedFeed, now: datetime) -> list[Article]:
        """The Articles of a parsed feed document, oldest first, as a poll would build them."""
        return self._articles(feed_url, parsed, now)

    async def run(self) -> None:
        """Poll every feed on its own interval until :meth:`stop` is called."""
        self._stop.clear()
        self._tasks = [
            asyncio.create_task(self._feed_loop(feed), name=f"feed:{feed.url}") for feed in self.feeds
        ]
        self._tasks.append(asyncio.create_task(self._pending_loop(), name="feed-pending"))
        try:
            await self._stop.wait()
        finally:
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            self._tasks = []

    async def stop(self) -> None:
        """Stop :meth:`run` and close the HTTP client if the poller created it."""
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._own_client:
            await self.client.aclose()

    # ------------------------------------------------------------------ scheduling

    async def _feed_loop(self, feed: FeedSettings) -> None:
        while not self._stop.is_set():
            try:
                delay = self.state.feed(feed.url).next_poll - time.time()
            except Exception as exc:  # the state file itself failed: retry after an interval
                log.error("feed_state_failed", feed_url=feed.url, error=f"{type(exc).__name__}: {exc}")
                delay = feed.interval
            if delay > 0:
                try:
                    await asyncio.wait_for(self._stop.wait(), timeout=delay)
                    return
                except TimeoutError:
                    pass
            started = time.time()
            try:
                await self._poll_guarded(feed, scheduled=True)
                if self.state.feed(feed.url).next_poll <= started:  # never spin on a feed
                    self.state.update_feed(feed.url, next_poll=time.time() + feed.interval)
            except Exception as exc:
                log.error("feed_poll_crashed", feed_url=feed.url, error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(feed.interval)

    async def _pending_loop(self) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.sink_retry_interval)
                return
            except TimeoutError:
                pass
            if self.state.pending_count():
                await self._flush_all()

    async def _poll_guarded(self, feed: FeedSettings, *, scheduled: bool) -> int:
        try:
            return await self._poll_feed(feed, scheduled=scheduled)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("feed_poll_crashed", feed_url=feed.url, error=str(exc))
            # forget the validators so that the next poll reads the whole feed again
            self.state.update_feed(
                feed.url,
                next_poll=time.time() + feed.interval,
                etag=None,
                last_modified=None,
                body_hash=None,
                last_error="unexpected",
            )
            self.metrics.feed_fetches.labels(feed_label(feed.url), "error", "unexpected").inc()
            return 0

    # ------------------------------------------------------------------ one feed

    async def _poll_feed(self, feed: FeedSettings, *, scheduled: bool) -> int:
        url = feed.url
        async with self._feed_locks[url]:
            state = self.state.feed(url)
            now = time.time()
            if not scheduled and state.failures and state.next_poll > now:
                log.debug("feed_backing_off", feed_url=url, retry_in=round(state.next_poll - now, 3))
                return 0
            sent = await self._flush(url)
            started = time.monotonic()
            try:
                async with self._semaphore, self._hosts[_host(state.redirect_url or url)]:
                    started = time.monotonic()
                    loaded = await self._load(feed, state)
            except FeedError as exc:
                self._failed(feed, state, exc, time.monotonic() - started)
                return sent
            elapsed = time.monotonic() - started
            self.metrics.feed_fetch_seconds.labels(feed_label(url)).observe(elapsed)
            self.metrics.feed_up.labels(feed_label(url)).set(1)
            if loaded is None:
                self.metrics.feed_fetches.labels(feed_label(url), "not_modified", "").inc()
                log.debug("feed_not_modified", feed_url=url)
                return sent
            articles, rejected = loaded
            self.metrics.feed_fetches.labels(feed_label(url), "ok", "").inc()
            for reason in rejected:
                self.metrics.feed_items.labels(feed_label(url), "rejected").inc()
                log.info("feed_item_rejected", feed_url=url, reason=reason)
            sent += await self._ingest(url, articles, web=_local_path(url) is None)
            log.info("feed_fetched", feed_url=url, items=len(articles), sent=sent, seconds=round(elapsed, 3))
            return sent

    def _failed(self, feed: FeedSettings, state: FeedState, exc: FeedError, elapsed: float) -> None:
        url = feed.url
        failures = state.failures + 1
        delay = backoff_delay(feed.interval, failures)
        if exc.retry_after is not None:
            delay = max(delay, exc.retry_after)
        changes: dict[str, object] = {
            "failures": failures,
            "next_poll": time.time() + delay,
            "last_error": exc.reason,
        }
        if state.redirect_url and failures >= REDIRECT_RESET_FAILURES:
            # the remembered target keeps failing: go back to the configured address
            changes["redirect_url"] = None
        self.state.update_feed(url, **changes)
        self.metrics.feed_fetch_seconds.labels(feed_label(url)).observe(elapsed)
        self.metrics.feed_fetches.labels(feed_label(url), "error", exc.reason).inc()
        self.metrics.feed_up.labels(feed_label(url)).set(0)
        log.warning(
            "feed_fetch_failed",
            feed_url=url,
            reason=exc.reason,
            error=str(exc),
            failures=failures,
            retry_in=round(delay, 3),
        )

    async def _load(self, feed: FeedSettings, state: FeedState) -> tuple[list[Article], list[str]] | None:
        """Articles (and rejection reasons) of a feed, or None when it has not changed."""
        now_dt = datetime.now(UTC)
        path = _local_path(feed.url)
        if path is not None:
            return await self._load_local(feed, state, path, now_dt)
        result = await self.fetcher.fetch(
            state.redirect_url or feed.url, etag=state.etag, last_modified=state.last_modified
        )
        changes: dict[str, object] = {
            "failures": 0,
            "next_poll": time.time() + feed.interval,
            "last_error": None,
            "last_success": time.time(),
        }
        if result.permanent_url and result.permanent_url != state.redirect_url:
            changes["redirect_url"] = result.permanent_url
            log.info("feed_redirected_permanently", feed_url=feed.url, target=result.permanent_url)
        if result.not_modified:
            self.state.update_feed(feed.url, **changes)
            return None
        body_hash = hashlib.sha256(result.body).hexdigest()
        changes.update(etag=result.etag, last_modified=result.last_modified, body_hash=body_hash)
        if body_hash == state.body_hash:
            # a 200 with the very same bytes (servers without validators): nothing to parse
            self.state.update_feed(feed.url, **changes)
            return None
        parsed = await asyncio.to_thread(
            parse_feed,
            result.body,
            feed_url=result.final_url,
            now=now_dt,
            content_type=result.content_type,
            max_field_bytes=self.max_field_bytes,
        )
        self.state.update_feed(feed.url, **changes)
        if self.on_fetched is not None:  # WebSub hub discovery
            self.on_fetched(feed.url, result.final_url, result.body, result.content_type)
        return self._articles(feed.url, parsed, now_dt), parsed.rejected

    async def _load_local(
        self, feed: FeedSettings, state: FeedState, path: Path, now_dt: datetime
    ) -> tuple[list[Article], list[str]] | None:
        changes: dict[str, object] = {
            "failures": 0,
            "next_poll": time.time() + feed.interval,
            "last_error": None,
            "last_success": time.time(),
        }
        if path.is_dir():
            articles = await asyncio.to_thread(read_article_dir, path, now=now_dt)
            self.state.update_feed(feed.url, **changes)
            return [a.model_copy(update={"feed_url": feed.url}) for a in articles], []
        try:
            stat = path.stat()
        except OSError as exc:
            raise FeedError("not_found", f"cannot read {path}: {exc.strerror}") from None
        validator = f"{stat.st_mtime_ns}-{stat.st_size}"
        if validator == state.etag:
            self.state.update_feed(feed.url, **changes)
            return None
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            raise FeedError("read_error", f"cannot read {path}: {exc.strerror}") from None
        content_type = "application/feed+json" if path.suffix.lower() == ".json" else "application/xml"
        parsed = await asyncio.to_thread(
            parse_feed,
            data,
            feed_url=feed.url,
            now=now_dt,
            content_type=content_type,
            max_field_bytes=self.max_field_bytes,
        )
        self.state.update_feed(feed.url, etag=validator, **changes)
        return self._articles(feed.url, parsed, now_dt), parsed.rejected

    def _articles(self, feed_url: str, parsed: ParsedFeed, now: datetime) -> list[Article]:
        if parsed.warning:
            log.info("feed_parse_warning", feed_url=feed_url, warning=parsed.warning[:300])
        entries = parsed.entries
        if len(entries) > self.max_items:
            log.warning("feed_items_truncated", feed_url=feed_url, items=len(entries), kept=self.max_items)
            entries = entries[: self.max_items]
        ordered = sorted(reversed(entries), key=lambda e: e.published or now)
        return [self._entry_article(feed_url, entry, now) for entry in ordered]

    @staticmethod
    def _entry_article(feed_url: str, entry: Entry, now: datetime) -> Article:
        return Article(
            id=article_id(
                guid=entry.guid, link=entry.link, title=entry.title, text=entry.body, feed_url=feed_url
            ),
            url=entry.link,
            title=entry.title,
            text=entry.body,
            summary=entry.summary,
            source=entry.source,
            feed_url=feed_url,
            published=entry.published,
            ingested_at=now,
            language=entry.language,
        )

    # ------------------------------------------------------------------ articles to the sink

    async def _ingest(
        self, feed_url: str, articles: list[Article], *, web: bool, verdicts: dict[str, str] | None = None
    ) -> int:
        """Queue the new and updated articles of one fetch (in order), then send them.

        Deciding is synchronous and claims ids and content hashes in memory until
        the articles are queued, so two feeds fetched concurrently cannot both
        admit the same article while full texts are being fetched.
        """
        accepted: list[tuple[Article, str]] = []
        verdicts = {} if verdicts is None else verdicts
        for article in articles:
            chash = content_hash(article.title, article.text)
            verdicts[article.id] = "duplicate"
            if article.id in self._claimed_ids:
                continue
            decision = self.dedup.decide(article.id, chash, feed_url)
            if decision.verdict == "unchanged":
                continue
            owner = decision.owner if decision.verdict == "duplicate" else self._claimed_hashes.get(chash)
            if owner is not None:
                self.metrics.feed_items.labels(feed_label(feed_url), "duplicate").inc()
                log.debug("article_duplicate", feed_url=feed_url, id=article.id, duplicate_of=owner)
                continue
            self._claimed_ids.add(article.id)
            self._claimed_hashes[chash] = article.id
            verdicts[article.id] = decision.verdict
            accepted.append((article.model_copy(update={"version": decision.version}), chash))
        if not accepted:
            return 0
        try:
            completed = await asyncio.gather(*(self._with_full_text(a, web=web) for a, _ in accepted))
            for article, (_, chash) in zip(completed, accepted, strict=True):
                self.state.add_pending(self._mark_near_duplicate(self._capped(article)), chash)
        finally:
            for article, chash in accepted:
                self._claimed_ids.discard(article.id)
                self._claimed_hashes.pop(chash, None)
        return await self._flush(feed_url)

    async def _with_full_text(self, article: Article, *, web: bool) -> Article:
        """The article with its page's main text when the feed only carried a summary."""
        only_summary = article.text in (article.summary, article.title) or len(article.text) < 300
        if self.fulltext is None or not web or not only_summary:
            return article
        if not article.url.startswith(("http://", "https://")):
            return article
        text = await self.fulltext.text_for(article.url)
        if not text or len(text) <= len(article.text):
            return article
        summary = article.summary or article.text
        return article.model_copy(update={"text": text, "summary": summary})

    def _capped(self, article: Article) -> Article:
        """The article with text and summary cut at ``max_text_bytes`` of UTF-8 (records must fit Kafka)."""
        limit = self.max_text_bytes
        text, summary = _cut_bytes(article.text, limit), _cut_bytes(article.summary, limit)
        if text is article.text and summary is article.summary:
            return article
        log.info("article_text_capped", feed_url=article.feed_url, id=article.id, chars=len(article.text))
        return article.model_copy(update={"text": text, "summary": summary})

    def _mark_near_duplicate(self, article: Article) -> Article:
        if article.version != 1:
            return article
        original = self.dedup.near_duplicate(article)
        if original is None:
            return article
        log.info("article_near_duplicate", feed_url=article.feed_url, id=article.id, duplicate_of=original)
        return article.model_copy(update={"duplicate_of": original})

    async def _flush_all(self) -> int:
        sent = 0
        for url in self.state.pending_feeds():
            async with self._feed_locks[url]:
                sent += await self._flush(url)
        return sent

    async def _flush(self, feed_url: str) -> int:
        """Send a feed's held articles in order; stop at the first sink failure."""
        sent = 0
        for pending in self.state.pending(feed_url):
            if not await self._send(pending):
                break
            sent += 1
        return sent

    async def _send(self, pending: PendingArticle) -> bool:
        article = pending.article
        try:
            await self.sink(article)
        except asyncio.CancelledError:
            raise
        except FinalSinkError as exc:  # retrying cannot help: count it, and let the feed's queue move on
            url, reason = article.feed_url, exc.reason
            log.error("article_rejected", feed_url=url, id=article.id, reason=reason, error=str(exc))
            self.state.mark_sent(pending, now=time.time())
            self.metrics.feed_items.labels(feed_label(article.feed_url), "rejected").inc()
            return True
        except Exception as exc:
            log.warning(
                "sink_failed", feed_url=article.feed_url, id=article.id, error=f"{type(exc).__name__}: {exc}"
            )
            return False
        self.state.mark_sent(pending, now=time.time())
        result = "new" if article.version == 1 else "updated"
        self.metrics.feed_items.labels(feed_label(article.feed_url), result).inc()
        self.metrics.feed_last_new_item.labels(feed_label(article.feed_url)).set(time.time())
        return True


def _cut_bytes(text: str, limit: int) -> str:
    """The text itself when it fits ``limit`` UTF-8 bytes, else its longest whole-word prefix that does."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data[:limit].decode("utf-8", errors="ignore")
    return cut.rsplit(" ", 1)[0] if " " in cut else cut
