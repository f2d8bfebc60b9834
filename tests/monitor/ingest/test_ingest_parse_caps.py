"""Feed fields are cut before their markup is converted, so one huge field costs bounded work and
the items around it arrive whole."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime

import pytest

from monitor.ingest.parse import MAX_FIELD_BYTES, MAX_TITLE_BYTES, parse_feed

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def _rss(items: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f"<item><guid>{guid}</guid><link>https://news.example/{guid}</link>"
        f"<title>{html.escape(title)}</title><description>{html.escape(description)}</description></item>"
        for guid, title, description in items
    )
    return f'<rss version="2.0"><channel><title>Feed</title>{body}</channel></rss>'.encode()


def test_summary_and_title_cut_at_their_caps_before_conversion() -> None:
    """A summary of plain words longer than the cap comes out as exactly its first
    ``max_field_bytes`` bytes (the converter never saw the rest), a long title as its first
    MAX_TITLE_BYTES bytes cut to 1,000 characters, and the next item is untouched."""
    words = "".join(f"w{n} " for n in range(60_000))  # ~470 kB
    doc = _rss([("big", "T" * 100_000, words), ("small", "Small item", "<p>Short <b>summary</b>.</p>")])
    parsed = parse_feed(doc, feed_url="https://news.example/feed", now=NOW, max_field_bytes=50_000)
    big, small = parsed.entries
    assert words.startswith(big.summary)
    assert 49_990 < len(big.summary.encode()) <= 50_000
    assert big.title == "T" * 1000
    assert (small.title, small.summary) == ("Small item", "Short summary.")
    assert MAX_TITLE_BYTES < 100_000


@pytest.mark.timeout(120)
def test_three_megabytes_of_hostile_markup_in_a_field_cost_bounded_work() -> None:
    """3 MB of unclosed start tags (quadratic for the former converter) in a description and in an
    Atom-style content element are cut at MAX_FIELD_BYTES and converted (a hang fails on the
    timeout); the text written before the markup and the item after it are kept."""
    hostile = "<p>Lead sentence.</p>" + "<a b=" * 600_000
    doc = _rss([("hostile", "Hostile", hostile), ("fine", "Fine item", "All good.")])
    parsed = parse_feed(doc, feed_url="https://news.example/feed", now=NOW)
    first, second = parsed.entries
    assert first.summary.startswith("Lead sentence.")
    assert len(first.summary.encode()) <= MAX_FIELD_BYTES
    assert (second.title, second.summary) == ("Fine item", "All good.")


def test_json_feed_fields_cut_too() -> None:
    """JSON Feed content_html, content_text, summary and title are cut at the same caps."""
    long_text = "".join(f"n{n} " for n in range(20_000))
    items = [
        {"id": "1", "title": "x" * 50_000, "content_html": f"<p>{long_text}</p>", "summary": long_text},
        {"id": "2", "content_text": long_text},
        {"id": "3", "title": "Kept", "content_text": "Whole text."},
    ]
    doc = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": items}).encode()
    parsed = parse_feed(doc, feed_url="https://news.example/feed", now=NOW, max_field_bytes=10_000)
    first, second, third = parsed.entries
    assert len(first.title) == 1000
    for text in (first.content, first.summary, second.content):
        assert long_text.startswith(text)
        assert 9_990 < len(text.encode()) <= 10_000
    assert (third.title, third.content) == ("Kept", "Whole text.")
