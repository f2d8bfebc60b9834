"""Full-text fetching against real loopback servers: bounded extraction work on hostile pages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from ingest_httpd import FeedServer, static
from structlog.testing import capture_logs

from monitor.egress import EgressPolicy
from monitor.ingest.fetch import Fetcher, make_client
from monitor.ingest.fulltext import (
    MAX_EXTRACTOR_TAGS,
    MAX_PAGE_BYTES,
    FullTextFetcher,
    extract_main_text,
)

STORY = "The committee met on Tuesday and agreed the budget for next year after a long debate. " * 8
PAGE = f"<html><body><article><h1>Budget</h1><p>{STORY}</p></article></body></html>"


@contextlib.asynccontextmanager
async def fulltext(**kwargs: object) -> AsyncIterator[FullTextFetcher]:
    async with make_client(EgressPolicy.loopback_too()) as client:
        yield FullTextFetcher(Fetcher(client), **kwargs)  # type: ignore[arg-type]


def test_page_cut_before_extraction() -> None:
    """Only the first max_page_bytes of a page are read: text placed after 2 MB of filler never
    reaches the article text, the story before it does, and the cut is logged."""
    filler = "<div>" + "filler " * 300 + "</div>"
    page = (
        f"<html><body><article><p>{STORY}</p>"
        + filler * (MAX_PAGE_BYTES // len(filler) + 10)
        + "<p>TAILMARKER beyond the cap.</p></article></body></html>"
    ).encode()
    with capture_logs() as logs:
        text = extract_main_text(page, url="https://news.example/a")
    assert "agreed the budget" in text
    assert "TAILMARKER" not in text
    assert any(e["event"] == "fulltext_page_capped" for e in logs)


@pytest.mark.timeout(120)
def test_page_with_too_many_tags_goes_to_the_linear_converter() -> None:
    """A page of 2 MB of tiny paragraphs (500,000 start tags: minutes of trafilatura's work) is not
    given to trafilatura but to the linear converter, which returns the story (a hang fails on the
    timeout); a page under the tag limit still goes to trafilatura."""
    hostile = f"<html><body><article><p>{STORY}</p>" + "<p>x" * 500_000
    with capture_logs() as logs:
        text = extract_main_text(hostile.encode(), url="https://news.example/a")
    assert "agreed the budget" in text[:2000]
    assert [e["limit"] for e in logs if e["event"] == "fulltext_extractor_skipped"] == [MAX_EXTRACTOR_TAGS]
    with capture_logs() as logs:
        assert "agreed the budget" in extract_main_text(PAGE.encode(), url="https://news.example/b")
    assert not [e for e in logs if e["event"] == "fulltext_extractor_skipped"]


@pytest.mark.timeout(120)
def test_hostile_page_from_a_server_costs_bounded_work() -> None:
    """A 6 MB page of unclosed tags served over HTTP gives its leading story (cut at 2 MB and
    converted linearly, a hang fails on the timeout), and the next page from the same site is
    fetched and extracted as usual."""

    async def scenario() -> None:
        async with FeedServer() as server, fulltext() as ft:
            hostile = f"<html><body><article><p>{STORY}</p>" + "<a b=" * 1_200_000
            server.routes["/hostile"] = static(hostile, content_type="text/html")
            server.routes["/page"] = static(PAGE, content_type="text/html")
            text = await ft.text_for(server.url("/hostile"))
            assert text is not None and "agreed the budget" in text
            assert len(text.encode()) <= MAX_PAGE_BYTES
            again = await ft.text_for(server.url("/page"))
            assert again is not None and "agreed the budget" in again

    asyncio.run(scenario())
