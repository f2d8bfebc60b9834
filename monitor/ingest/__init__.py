"""Ingestion: feeds and article directories to :class:`~monitor.models.Article`.

``FeedPoller`` fetches feeds politely and sends new or updated articles to a
sink (the Kafka producer); ``FeedStateStore`` remembers what was seen across
restarts; ``read_article_dir`` reads a directory of plain-text articles;
``read_opml`` imports a feed list.

Log events (structlog, ``feed_url=`` on every feed event): ``feed_fetched``,
``feed_not_modified``, ``feed_fetch_failed`` (``reason=`` a fixed code from
:data:`monitor.ingest.errors.REASONS`, ``retry_in=``), ``feed_backing_off``,
``feed_redirected_permanently``, ``feed_parse_warning``, ``feed_item_rejected``,
``feed_items_truncated``, ``feed_poll_crashed``, ``feed_state_failed``,
``article_duplicate``, ``article_near_duplicate``, ``sink_failed``,
``fulltext_fetch_failed``, ``fulltext_not_html``, ``fulltext_too_short``,
``fulltext_extractor_failed``, ``fulltext_extractor_skipped`` (a page with more
start tags than trafilatura is given), ``fulltext_page_capped``,
``article_file_missing``, ``article_file_empty``, ``article_file_unreadable``,
``opml_outline_skipped``.

Metrics: ``newsmon_feed_fetches_total{outcome=ok|not_modified|error, reason}``,
``newsmon_feed_items_total{result=new|updated|duplicate|rejected}``,
``newsmon_feed_fetch_duration_seconds``, ``newsmon_feed_up``,
``newsmon_feed_last_new_item_timestamp_seconds``.
"""

from monitor.ingest.files import read_article_dir
from monitor.ingest.opml import read_opml
from monitor.ingest.poller import FeedPoller
from monitor.ingest.state import FeedStateStore

__all__ = ["FeedPoller", "FeedStateStore", "read_article_dir", "read_opml"]
