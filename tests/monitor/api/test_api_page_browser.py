"""The web page in headless Chromium over a hand-filled store (no broker needed)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from monitor.models import Development
from tests.monitor.api.api_builders import JK, XSS_TITLE, Served, filled_store, served_in_thread
from tests.monitor.api.browser import Browser


async def rendered(url: str, shot: str | None = None) -> str:
    async with Browser() as browser:
        await browser.open(url)
        await browser.wait_for("document.body && document.body.dataset.loaded === 'true'")
        if shot:
            await browser.screenshot(shot)
        return await browser.dom()


@pytest.fixture(scope="module")
def hostile_page() -> Iterator[Served]:
    """The page served over a store whose conflicting article has markup in its title and source."""
    with served_in_thread(filled_store(hostile=True)) as served:
        yield Served(served.url + "/", served.server, served.loop)


@pytest.mark.slow
def test_page_shows_feed_markup_as_text_not_html(hostile_page: Served) -> None:
    """A title <script>alert(1)</script> and a source <img onerror=...> render as text; nothing runs."""
    dom = asyncio.run(rendered(hostile_page.url))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "&lt;img src=x onerror=" in dom
    assert XSS_TITLE not in dom
    assert not re.search(r"<img[^>]*onerror", dom)
    assert "<title>Newsmon</title>" in dom  # the onerror payload would have set the title to 'pwned'
    assert "pwned</title>" not in dom


@pytest.mark.slow
def test_page_renders_timeline_and_conflict_side_by_side(hostile_page: Served) -> None:
    """The page shows both events on the timeline and the conflict's two quotes in a side-by-side pair."""
    dom = asyncio.run(rendered(hostile_page.url, "page-hand-built.png"))
    assert 'data-event-id="ev-seoul"' in dom and 'data-event-id="ev-tokyo"' in dom
    pair = re.search(r'<div class="conflict-pair">(.*?)</div></div>', dom, re.S)
    assert pair is not None, dom[-3000:]
    assert "on August 23, 2025" in pair.group(1) and "on August 24, 2025" in pair.group(1)


@pytest.mark.slow
def test_page_updates_live_when_a_development_arrives(hostile_page: Served) -> None:
    """With the page open, a development observed by the store appears without a reload (SSE)."""
    late = Development(
        id="d-live",
        kind="new_development",
        storyline_id=JK,
        storyline_title="Japan–South Korea summits",
        event_id="ev-seoul",
        event_title="Kishida–Yoon summit in Seoul",
        event_date=date(2023, 5, 7),
        summary="Live update: leaders agree to resume shuttle diplomacy.",
        articles=(),
        evidence=(),
        confidence=0.7,
        created_at=datetime(2025, 9, 1, tzinfo=UTC),
    )

    async def scenario() -> None:
        async with Browser() as browser:
            await browser.open(hostile_page.url)
            await browser.wait_for("document.getElementById('status').dataset.state === 'live'")
            assert "d-live" not in await browser.dom()
            hostile_page.loop.call_soon_threadsafe(hostile_page.server.store.observe, "development", late)
            await browser.wait_for("document.querySelector('[data-development-id=\"d-live\"]')", timeout=10)

    asyncio.run(scenario())
