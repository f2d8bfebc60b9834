"""Feed parsing: formats, HTML stripping, bad input turned into reasons."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.ingest.errors import FeedError
from monitor.ingest.parse import parse_feed
from monitor.ingest.text import html_to_text

DATA = Path(__file__).resolve().parents[2] / "data" / "ingest" / "feedparser"
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def parse_file(name: str) -> object:
    path = DATA / name
    content_type = "application/feed+json" if path.suffix == ".json" else "application/xml"
    return parse_feed(
        path.read_bytes(), feed_url="http://feeds.example/x", now=NOW, content_type=content_type
    )


def test_rss_item_html_stripped() -> None:
    """Escaped and naked markup in RSS descriptions both end up as plain text."""
    for name in (
        "wellformed_rss_item_description_escaped_markup.xml",
        "wellformed_rss_item_description_naked_markup.xml",
    ):
        parsed = parse_file(name)
        assert [e.summary for e in parsed.entries] == ["Example description"]  # type: ignore[attr-defined]


def test_atom03_title_and_base64_content() -> None:
    """Atom 0.3 escaped-HTML titles are stripped to text; base64 content is decoded."""
    title = parse_file("wellformed_atom_entry_title_content_mode_escaped.xml")
    assert title.entries[0].title == "Example Atom"  # type: ignore[attr-defined]
    content = parse_file("wellformed_atom_entry_content_mode_base64.xml")
    assert content.entries[0].content == "Example Atom"  # type: ignore[attr-defined]


def test_rdf_rss10_item() -> None:
    """RSS 1.0 (RDF) items are read."""
    parsed = parse_file("wellformed_rdf_rdf_item_description.xml")
    assert parsed.kind == "rss10"  # type: ignore[attr-defined]
    assert parsed.entries[0].summary == "Example description"  # type: ignore[attr-defined]
    assert parsed.entries[0].guid == "http://example.com/1"  # type: ignore[attr-defined]


def test_json_feed_corpus_example() -> None:
    """The corpus JSON Feed yields both items; the script in content_html is dropped."""
    parsed = parse_file("json_example.json")
    texts = sorted(e.content for e in parsed.entries)  # type: ignore[attr-defined]
    assert texts == ["Hello, world!", "This is a second item."]


def test_wrong_encoding_redetected() -> None:
    """A KOI8-R feed with no encoding declaration is decoded as KOI8-R, not windows-1252."""
    parsed = parse_file("illformed_chardet_koi8r.xml")
    assert parsed.entries[0].title == "Как пережить новогоднюю ночь"  # type: ignore[attr-defined]


def test_illformed_xml_recovered_or_rejected() -> None:
    """Truncated XML is accepted with a warning; an empty document is rejected as not_a_feed."""
    parsed = parse_file("illformed_rss_incomplete_cdata.xml")
    assert parsed.warning  # type: ignore[attr-defined]
    with pytest.raises(FeedError) as exc:
        parse_file("illformed_rss_empty_document.xml")
    assert exc.value.reason == "not_a_feed"


def test_items_without_title_link_or_date() -> None:
    """Items missing title/link/date are kept when they have text; empty items are rejected."""
    doc = b"""<rss version="2.0"><channel><title>t</title>
      <item><description>Only a body.</description></item>
      <item><guid>x1</guid></item>
      <item><title>Future &lt;i&gt;item&lt;/i&gt;</title>
            <pubDate>Sat, 01 Jan 2200 00:00:00 GMT</pubDate></item>
    </channel></rss>"""
    parsed = parse_feed(doc, feed_url="http://f.example/", now=NOW)
    assert [(e.title, e.body, e.link, e.published) for e in parsed.entries] == [
        ("", "Only a body.", "", None),
        ("Future item", "Future item", "", None),
    ]
    assert parsed.rejected == ["empty_item"]


def test_not_a_feed_and_invalid_json() -> None:
    """HTML pages, JSON that is not a JSON Feed, broken JSON and empty bodies raise FeedError reasons."""
    cases = [
        (b"<html><body><p>hi</p></body></html>", "text/html", "not_a_feed"),
        (json.dumps({"hello": 1}).encode(), "application/json", "not_a_feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "application/json", "invalid_json"),
        (b"   ", "", "empty_response"),
    ]
    for body, content_type, reason in cases:
        with pytest.raises(FeedError) as exc:
            parse_feed(body, feed_url="http://f.example/", now=NOW, content_type=content_type)
        assert exc.value.reason == reason


def test_relative_links_resolved_against_feed_url() -> None:
    """Relative item links are made absolute with the feed's URL."""
    doc = b'<rss version="2.0"><channel><item><title>a</title><link>/post/1</link></item></channel></rss>'
    parsed = parse_feed(doc, feed_url="https://site.example/feeds/all.xml", now=NOW)
    assert parsed.entries[0].link == "https://site.example/post/1"


def test_html_to_text() -> None:
    """Block tags become line breaks, scripts vanish, entities are decoded."""
    markup = "<p>One &amp; two</p><script>evil()</script><ul><li>three</li></ul>caf&eacute;"
    assert html_to_text(markup) == "One & two\nthree\ncafé"
    assert html_to_text("<b>A</b>\n  <i>B</i>", single_line=True) == "A B"
    assert html_to_text("AT&T < 5") == "AT&T < 5"


def test_content_type_mismatch_sniffed() -> None:
    """An RSS body served as application/json and a JSON Feed served as text/xml are both read."""
    rss = b'<rss version="2.0"><channel><item><title>x</title></item></channel></rss>'
    assert parse_feed(rss, feed_url="u", now=NOW, content_type="application/json").entries[0].title == "x"
    doc = b'{"version": "https://jsonfeed.org/version/1", "items": [{"id": "1", "content_text": "y"}]}'
    assert parse_feed(doc, feed_url="u", now=NOW, content_type="text/xml").entries[0].content == "y"


def test_http_charset_used_for_undeclared_encoding() -> None:
    """A Latin-1 body without XML declaration is decoded with the HTTP charset parameter."""
    body = '<rss version="2.0"><channel><item><title>Café à Zürich</title></item></channel></rss>'
    parsed = parse_feed(
        body.encode("latin-1"), feed_url="u", now=NOW, content_type="text/xml; charset=iso-8859-1"
    )
    assert parsed.entries[0].title == "Café à Zürich"


def test_only_web_links_are_kept() -> None:
    """A feed item linking to javascript:, data: or mailto: keeps its text but loses the link."""
    links = ["javascript:alert(1)", "data:text/html,hi", "mailto:a@b.example", "https://news.example/3"]
    items = "".join(
        f"<item><guid>g{n}</guid><title>Story {n}</title><link>{link}</link>"
        f"<description>Body {n}.</description></item>"
        for n, link in enumerate(links)
    )
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()
    )
    parsed = parse_feed(body, feed_url="https://feeds.example/rss", now=NOW, content_type="application/xml")
    assert [e.link for e in parsed.entries] == ["", "", "", "https://news.example/3"]
    assert [e.title for e in parsed.entries] == ["Story 0", "Story 1", "Story 2", "Story 3"]
