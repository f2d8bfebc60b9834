"""Article identity: URL normalization, id precedence, near-duplicate index."""

from __future__ import annotations

from monitor.ingest.identity import NearDuplicateIndex, article_id, content_hash, normalize_url

TEXT = (
    "Prime Minister Fumio Kishida arrived in Seoul for talks with South Korean President Yoon Suk-yeol, "
    "the first visit by a Japanese leader in twelve years. The discussions centred on trade, chips and "
    "security cooperation with the United States, and on keeping ties with China stable."
)


def test_normalize_url_drops_tracking_and_fragment() -> None:
    """utm_*, fbclid, gclid and fragments are removed; host and scheme lower-cased; params sorted."""
    url = "HTTPS://News.Example.COM:443/a/b?utm_source=rss&b=2&fbclid=x&a=1&gclid=y#top"
    assert normalize_url(url) == "https://news.example.com/a/b?a=1&b=2"
    assert normalize_url("http://x.example") == "http://x.example/"
    assert normalize_url("not a url") == "not a url"


def test_article_id_precedence() -> None:
    """GUID first (URL GUIDs like links, opaque GUIDs scoped to the feed), then link, then content."""
    by_link = article_id(link="https://n.example/story?utm_medium=feed")
    assert by_link == article_id(guid="https://n.example/story")
    assert by_link == article_id(link="https://n.example/story", title="other title")
    assert article_id(guid="42", feed_url="a") != article_id(guid="42", feed_url="b")
    assert article_id(guid="42", feed_url="a") == article_id(
        guid="42", link="https://x.example/", feed_url="a"
    )
    by_content = article_id(title="T", text="Some   text")
    assert by_content == article_id(title="t", text="some text")
    assert by_content.startswith("c") and by_link.startswith("l")


def test_content_hash_ignores_whitespace_and_case() -> None:
    """Exact-duplicate detection is insensitive to whitespace and case only."""
    assert content_hash("A", "b  c") == content_hash("a", "B c")
    assert content_hash("A", "b c") != content_hash("A", "b d")


def test_near_duplicate_index() -> None:
    """A lightly edited copy matches its original; an unrelated text and a too-short text do not."""
    index = NearDuplicateIndex()
    original = index.signature(TEXT)
    assert original is not None
    index.add("orig", original)
    edited = index.signature(TEXT.replace("twelve years", "12 years") + " Reporting by Reuters.")
    assert edited is not None
    match = index.query(edited)
    assert match is not None and match[0] == "orig" and match[1] >= 0.7
    other = index.signature(
        "The central bank raised interest rates by half a point on Thursday, citing persistent inflation in "
        "services and a tight labour market, and signalled that further increases may follow this year."
    )
    assert other is not None and index.query(other) is None
    assert index.signature("too short to compare") is None
