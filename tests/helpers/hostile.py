"""Generated hostile input for the fuzz test: feeds a hostile server answers, and pushed article bodies.

Everything is drawn from a seeded ``random.Random`` so a failure can be
replayed. Each hostile feed is one of the classes below (malformed XML, entity
expansion, external entities, deep nesting, huge fields, script links, bad
encodings, redirects inside, lying headers, compression bombs, server-side
request forgery through item links and hubs, superlinear HTML, item floods,
absurd dates). Some hostile feeds also carry a *valid* item whose title starts
with ``VALID`` — it must arrive whatever surrounds it.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html import escape

VALID_TEXT = (
    "The city council of Tallinn approved a new budget on Tuesday after a four-hour debate, "
    "raising spending on public transport by 12 percent and delaying the renovation of the old "
    "harbour. The mayor said the plan would be reviewed in the spring."
)


@dataclass
class HostileFeed:
    """What the hostile server answers for one feed path."""

    kind: str
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    valid_titles: tuple[str, ...] = ()
    lie_length: bool = False  # declare a Content-Length larger than the body, then close


@dataclass
class HostilePush:
    """One body for ``POST /api/articles`` and whether the API must refuse it (4xx)."""

    kind: str
    body: bytes
    rejected: bool
    token: bool = True
    valid_title: str | None = None


def _item(title: str, link: str, text: str, *, guid: str, date: str = "Tue, 02 Jun 2026 10:00:00 GMT") -> str:
    return (
        f"<item><guid>{guid}</guid><title>{title}</title><link>{link}</link>"
        f"<description>{text}</description><pubDate>{date}</pubDate></item>"
    )


def _rss(items: list[str], *, extra: str = "", prolog: str = "") -> bytes:
    head = '<?xml version="1.0" encoding="utf-8"?>\n' + prolog
    channel = "<channel><title>Feed</title><link>https://news.example/</link><description>d</description>"
    return (head + '<rss version="2.0">' + channel + extra + "".join(items) + "</channel></rss>").encode()


def _valid(n: int, base: str) -> tuple[str, str]:
    title = f"VALID story {n} about the council budget"
    return title, _item(title, f"{base}/story/{n}", escape(VALID_TEXT), guid=f"valid-{n}")


@cache
def _gzip_bomb() -> bytes:
    return gzip.compress(b"<rss>" + b"\0" * (32 * 1024 * 1024), compresslevel=9)


class FeedFactory:
    """Makes hostile feeds; ``base`` is the hostile server, ``internal`` a service it must not reach."""

    def __init__(self, rng: random.Random, base: str, internal: str) -> None:
        self.rng = rng
        self.base = base
        self.internal = internal
        self._valid = 0
        self.kinds: dict[str, Callable[[], HostileFeed]] = {
            "garbage": self.garbage,
            "truncated": self.truncated,
            "entity_expansion": self.entity_expansion,
            "external_entity": self.external_entity,
            "deep_nesting": self.deep_nesting,
            "huge_fields": self.huge_fields,
            "script_links": self.script_links,
            "bad_encoding": self.bad_encoding,
            "control_chars": self.control_chars,
            "redirect_inside": self.redirect_inside,
            "bad_status": self.bad_status,
            "length_lie": self.length_lie,
            "gzip_bomb": self.gzip_bomb,
            "ssrf_links": self.ssrf_links,
            "quadratic_html": self.quadratic_html,
            "json_feed": self.json_feed,
            "absurd_dates": self.absurd_dates,
            "not_a_feed": self.not_a_feed,
            "empty": self.empty,
            "hub_inside": self.hub_inside,
        }

    def make(self) -> HostileFeed:
        """One hostile feed of a random class."""
        return self.rng.choice(list(self.kinds.values()))()

    def valid_feed(self) -> HostileFeed:
        """A well-formed feed with one valid item."""
        title, item = self._next_valid()
        return HostileFeed("valid", body=_rss([item]), valid_titles=(title,))

    def _next_valid(self) -> tuple[str, str]:
        self._valid += 1
        return _valid(self._valid, self.base)

    def _with_valid(self, kind: str, hostile_items: list[str], **kw: str) -> HostileFeed:
        title, item = self._next_valid()
        items = [*hostile_items, item]
        self.rng.shuffle(items)
        return HostileFeed(kind, body=_rss(items, **kw), valid_titles=(title,))

    # -- classes ----------------------------------------------------------------
    def garbage(self) -> HostileFeed:
        size = self.rng.randint(1, 20_000)
        return HostileFeed("garbage", body=self.rng.randbytes(size))

    def truncated(self) -> HostileFeed:
        body = _rss([_item(f"t{i}", f"{self.base}/t/{i}", "words " * 30, guid=f"t{i}") for i in range(5)])
        return HostileFeed("truncated", body=body[: self.rng.randint(10, len(body) - 10)])

    def entity_expansion(self) -> HostileFeed:
        levels = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
        prolog = f'<!DOCTYPE rss [<!ENTITY l0 "lol">{levels}]>\n'
        return HostileFeed(
            "entity_expansion",
            body=_rss([_item("&l9;", f"{self.base}/x", "&l9;", guid="bomb")], prolog=prolog),
        )

    def external_entity(self) -> HostileFeed:
        target = self.rng.choice(["file:///etc/passwd", f"{self.internal}/secret"])
        prolog = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>\n'
        item = _item("x &xxe;", f"{self.base}/x", "&xxe;", guid="xxe")
        return self._with_valid("external_entity", [item], prolog=prolog)

    def deep_nesting(self) -> HostileFeed:
        # far past any recursion limit; feedparser spends ~5 µs per element
        depth = self.rng.choice([5_000, 20_000])
        return HostileFeed("deep_nesting", body=b"<rss><channel>" + b"<a>" * depth + b"</a>" * depth)

    def huge_fields(self) -> HostileFeed:
        which = self.rng.choice(["title", "text", "link", "guid"])
        big = "W" * self.rng.choice([300_000, 1_500_000])
        fields = {"title": "huge", "text": "short", "link": f"{self.base}/h", "guid": "huge"}
        fields[which] = big if which != "link" else f"{self.base}/{big}"
        item = _item(fields["title"], fields["link"], fields["text"], guid=fields["guid"])
        return self._with_valid("huge_fields", [item])

    def script_links(self) -> HostileFeed:
        scheme = self.rng.choice(
            ["javascript:alert(1)", "data:text/html,<script>x</script>", "file:///etc/passwd", "ftp://x/y"]
        )
        items = [
            _item(escape("<script>alert(1)</script>[x](javascript:y)"), escape(scheme), "words", guid="js")
        ]
        return self._with_valid("script_links", items)

    def bad_encoding(self) -> HostileFeed:
        declared = self.rng.choice(["utf-8", "utf-16", "x-no-such-charset", "ascii"])
        body = f'<?xml version="1.0" encoding="{declared}"?><rss><channel><item><title>'.encode()
        body += self.rng.randbytes(200) + b"\xff\xfe\xc3(" + b"</title></item></channel></rss>"
        return HostileFeed("bad_encoding", body=body)

    def control_chars(self) -> HostileFeed:
        noise = "".join(
            chr(self.rng.choice([0x1, 0x7, 0x8, 0xB, 0x1B, 0x7F, 0x202E, 0x200B])) for _ in range(40)
        )
        return self._with_valid(
            "control_chars", [_item(f"ctl {noise}", f"{self.base}/c", f"text {noise}", guid="c")]
        )

    def redirect_inside(self) -> HostileFeed:
        target = self.rng.choice(
            [
                f"{self.internal}/feed",
                "http://169.254.169.254/latest/meta-data/",
                "file:///etc/passwd",
                "ftp://127.0.0.1/feed",
                "http://[::ffff:127.0.0.2]/feed",
                "/loop",
            ]
        )
        status = self.rng.choice([301, 302, 307, 308])
        return HostileFeed("redirect_inside", status=status, headers={"Location": target})

    def bad_status(self) -> HostileFeed:
        status = self.rng.choice([400, 401, 403, 404, 410, 429, 500, 502, 503])
        retry = self.rng.choice(["", "-5", "99999999999", "soon", "Wed, 21 Oct 2099 07:28:00 GMT"])
        headers = {"Retry-After": retry} if retry else {}
        return HostileFeed("bad_status", status=status, body=b"nope", headers=headers)

    def length_lie(self) -> HostileFeed:
        return HostileFeed("length_lie", body=b"<rss><channel>", lie_length=True)

    def gzip_bomb(self) -> HostileFeed:
        return HostileFeed("gzip_bomb", body=_gzip_bomb(), headers={"Content-Encoding": "gzip"})

    def ssrf_links(self) -> HostileFeed:
        link = self.rng.choice(
            [f"{self.internal}/secret", "http://169.254.169.254/latest/meta-data/", f"{self.base}/to-inside"]
        )
        return self._with_valid("ssrf_links", [_item("Short teaser", link, "Teaser only.", guid="ssrf")])

    def quadratic_html(self) -> HostileFeed:
        pattern = self.rng.choice(["<p", "<a ", "&#", "<!--", "<![CDATA[", "<div>", "< "])
        text = escape(pattern * (400_000 // len(pattern)))
        return self._with_valid("quadratic_html", [_item("quadratic", f"{self.base}/q", text, guid="q")])

    def json_feed(self) -> HostileFeed:
        body = self.rng.choice(
            [
                b"[" * 100_000,
                json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": "x"}).encode(),
                json.dumps(
                    {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": 5}] * 3}
                ).encode(),
                b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
            ]
        )
        return HostileFeed("json_feed", body=body, headers={"Content-Type": "application/feed+json"})

    def absurd_dates(self) -> HostileFeed:
        date = self.rng.choice(
            [
                "Tue, 02 Jun 99999 10:00:00 GMT",
                "0000-00-00",
                "yesterday-ish",
                "Mon, 01 Jan 1900 00:00:00 +9999",
            ]
        )
        return self._with_valid(
            "absurd_dates", [_item("dated", f"{self.base}/d", "words", guid="d", date=date)]
        )

    def not_a_feed(self) -> HostileFeed:
        return HostileFeed(
            "not_a_feed",
            body=b"<html><body><p>Hello</p></body></html>",
            headers={"Content-Type": "text/html"},
        )

    def empty(self) -> HostileFeed:
        return HostileFeed("empty", body=b"")

    def hub_inside(self) -> HostileFeed:
        hub = self.rng.choice([f"{self.internal}/hub", "http://169.254.169.254/hub", "javascript:x"])
        extra = f'<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="{escape(hub)}"/>'
        title, item = self._next_valid()
        return HostileFeed("hub_inside", body=_rss([item], extra=extra), valid_titles=(title,))


def _push(kind: str, value: object, rejected: bool, **kw: object) -> HostilePush:
    return HostilePush(kind, json.dumps(value).encode(), rejected, **kw)  # type: ignore[arg-type]


def hostile_push(rng: random.Random, n: int) -> HostilePush:
    """One hostile body for ``POST /api/articles``; most must be refused, some accepted as odd but valid."""
    good = {"title": f"pushed {n}", "text": "Some words about a vote in parliament.", "id": f"p-{n}"}
    choices: list[Callable[[], HostilePush]] = [
        lambda: HostilePush("not_json", rng.randbytes(rng.randint(1, 2000)), True),
        lambda: HostilePush("deep_json", b"[" * 100_000, True),
        lambda: HostilePush("truncated_json", json.dumps(good).encode()[:-3], True),
        lambda: _push("array", [good], True),
        lambda: _push("null", None, True),
        lambda: _push("missing_title", {"text": "x"}, True),
        lambda: _push("empty_text", {**good, "text": ""}, True),
        lambda: _push("wrong_type", {**good, "title": 5}, True),
        lambda: _push("script_url", {**good, "url": "javascript:alert(1)"}, True),
        lambda: _push("file_url", {**good, "url": "file:///etc/passwd"}, True),
        lambda: _push("bad_date", {**good, "published": "99999-99-99"}, True),
        lambda: _push("bad_language", {**good, "language": "english"}, True),
        lambda: _push("extra_field", {**good, "admin": True}, True),
        lambda: _push("long_title", {**good, "title": "T" * 5000}, True),
        lambda: HostilePush("too_large", json.dumps({**good, "text": "x" * 2_200_000}).encode(), True),
        lambda: HostilePush("no_token", json.dumps(good).encode(), True, token=False),
        lambda: HostilePush("invalid_utf8", b'{"title": "\xff\xfe", "text": "x"}', True),
        lambda: _push(
            "odd_but_valid",
            {**good, "title": f"ctl \u202e\u200b\x07 {n}", "text": "\x00\x1b" + "y" * 50},
            False,
        ),
        lambda: _push("huge_text", {**good, "text": "word " * 300_000}, False),
        lambda: _push(
            "markup", {**good, "title": f"<script>alert({n})</script>", "text": "[a](javascript:x)"}, False
        ),
    ]
    return rng.choice(choices)()


def valid_push(n: int) -> HostilePush:
    """A well-formed pushed article that must arrive."""
    title = f"VALID pushed report {n} on the harbour plan"
    body = {"title": title, "text": VALID_TEXT, "id": f"valid-push-{n}", "url": f"https://news.example/p/{n}"}
    return HostilePush("valid", json.dumps(body).encode(), False, valid_title=title)
