"""A hostile feed cannot make the ingester fetch internal addresses: full text, robots, redirects.

The feed is served on 127.0.0.1, which the policy allows (as an operator would
allow an intranet feed); an internal service listens on 127.0.0.2, which it
does not. Every request the hostile side tries to aim there is refused before
a connection is made, counted, and the rest of the feed still arrives.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web
from ingest_httpd import FeedServer, rss, static
from prometheus_client import CollectorRegistry

from monitor.egress import EgressPolicy
from monitor.ingest import FeedPoller, FeedStateStore
from monitor.metrics import Metrics
from monitor.settings import FeedSettings
from tests.helpers.sinks import Collector

FEED_HOST_ONLY = EgressPolicy.from_settings(["127.0.0.1/32"], None)
SECRET = "aws_secret_access_key=AKIAEXAMPLE " * 20


def _poller(url: str, state: Path, sink: Collector, registry: CollectorRegistry) -> FeedPoller:
    return FeedPoller(
        [FeedSettings(url=url, interval=3600)],
        state=FeedStateStore(state),
        sink=sink,
        metrics=Metrics(registry),
        full_text=True,
        egress=FEED_HOST_ONLY,
    )


def test_item_links_to_internal_addresses_are_not_fetched(tmp_path: Path) -> None:
    """Summary-only items linking to the internal service, to cloud metadata and to a page that
    redirects inside keep their summary as text; the internal service sees no request (not even
    robots.txt) and a normal item's page is still fetched."""

    async def scenario() -> None:
        async with FeedServer() as feed, FeedServer(host="127.0.0.2") as internal:
            internal.routes["/latest/meta-data"] = static(f"<p>{SECRET}</p>", content_type="text/html")
            feed.routes["/hop"] = static(
                "", status=302, headers={"Location": internal.url("/latest/meta-data")}
            )
            story = "<p>" + "The committee met on Tuesday and agreed the budget for next year. " * 8 + "</p>"
            feed.routes["/story"] = static(
                f"<html><body><article>{story}</article></body></html>", content_type="text/html"
            )
            links = [
                internal.url("/latest/meta-data"),
                "http://169.254.169.254/latest/meta-data",
                feed.url("/hop"),
            ]
            entries = [
                {"guid": f"g{n}", "link": link, "title": f"Item {n}", "description": f"Teaser {n}."}
                for n, link in enumerate(links)
            ]
            entries.append(
                {"guid": "ok", "link": feed.url("/story"), "title": "Budget", "description": "Short."}
            )
            feed.routes["/feed"] = static(rss(entries))
            sink = Collector()
            poller = _poller(feed.url("/feed"), tmp_path, sink, CollectorRegistry())
            assert await poller.poll_once() == 4
            await poller.stop()
            texts = {a.title: a.text for a in sink.articles}
            assert (
                texts["Item 0"] == "Teaser 0."
                and texts["Item 1"] == "Teaser 1."
                and texts["Item 2"] == "Teaser 2."
            )
            assert "agreed the budget" in texts["Budget"]
            assert all("AKIA" not in text for text in texts.values())
            assert internal.requests == []

    asyncio.run(scenario())


def test_feed_redirect_inside_is_refused_and_not_remembered(tmp_path: Path) -> None:
    """A feed answering 301 to an internal address fails with reason ``refused`` (a metric label);
    the internal address is not taken as the feed's new address, and nothing is fetched there."""

    async def scenario() -> None:
        async with FeedServer() as feed, FeedServer(host="127.0.0.2") as internal:
            internal.routes["/feed"] = static(rss([{"guid": "x", "title": "Inside", "description": "x"}]))
            feed.routes["/feed"] = static("", status=301, headers={"Location": internal.url("/feed")})
            sink = Collector()
            registry = CollectorRegistry()
            poller = _poller(feed.url("/feed"), tmp_path, sink, registry)
            await poller.poll_once()
            await poller.stop()
            labels = {"feed_url": feed.url("/feed"), "outcome": "error", "reason": "refused"}
            assert registry.get_sample_value("newsmon_feed_fetches_total", labels) == 1.0
            assert sink.articles == [] and internal.requests == []
            state = FeedStateStore(tmp_path).feed(feed.url("/feed"))
            assert state.redirect_url is None

    asyncio.run(scenario())


def test_robots_txt_of_an_internal_site_is_not_fetched(tmp_path: Path) -> None:
    """The robots.txt request for an internal link is refused like the page itself: the internal
    service is asked nothing, and the item keeps its summary."""

    async def robots(request: web.Request) -> web.StreamResponse:
        return web.Response(text="User-agent: *\nAllow: /\n")

    async def scenario() -> None:
        async with FeedServer() as feed, FeedServer(host="127.0.0.2") as internal:
            internal.routes["/robots.txt"] = robots
            internal.routes["/admin"] = static("<p>admin console</p>", content_type="text/html")
            entry = {"guid": "a", "link": internal.url("/admin"), "title": "Admin", "description": "Teaser."}
            feed.routes["/feed"] = static(rss([entry]))
            sink = Collector()
            poller = _poller(feed.url("/feed"), tmp_path, sink, CollectorRegistry())
            assert await poller.poll_once() == 1
            await poller.stop()
            assert sink.articles[0].text == "Teaser."
            assert internal.requests == []

    asyncio.run(scenario())
