"""What WebSub hubs advertise and sign: hub links in feed documents, ``X-Hub-Signature``.

Pure functions over bytes and strings; :mod:`monitor.ingest.websub` uses them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import feedparser

ALGORITHMS: dict[str, Callable[..., Any]] = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
_HEX = frozenset("0123456789abcdef")


# --------------------------------------------------------------------------- signatures


def sign(secret: str, body: bytes, algorithm: str = "sha256") -> str:
    """The ``X-Hub-Signature`` value a hub sends: ``<algorithm>=<hex HMAC of the body>``."""
    digest = hmac.new(secret.encode(), body, ALGORITHMS[algorithm]).hexdigest()
    return f"{algorithm}={digest}"


def parse_signature(header: str | None) -> tuple[str, str] | str:
    """``(algorithm, hex digest)`` of a well-formed ``X-Hub-Signature``, else why not (a fixed reason).

    Well-formed means a known algorithm and exactly that algorithm's digest length in hex: this
    is checked before a body is read.
    """
    if not header or not header.strip():
        return "missing_signature"
    algorithm, sep, given = header.strip().partition("=")
    algorithm, given = algorithm.strip().lower(), given.strip().lower()
    if not sep or not given:
        return "malformed_signature"
    method = ALGORITHMS.get(algorithm)
    if method is None:
        return "unsupported_algorithm"
    if len(given) != 2 * method().digest_size or not set(given) <= _HEX:
        return "malformed_signature"
    return algorithm, given


def signature_problem(secret: str, body: bytes, header: str | None) -> str | None:
    """None when ``header`` is a valid signature of ``body``, else why not (a fixed reason)."""
    parsed = parse_signature(header)
    if isinstance(parsed, str):
        return parsed
    algorithm, given = parsed
    expected = hmac.new(secret.encode(), body, ALGORITHMS[algorithm]).hexdigest()
    return None if hmac.compare_digest(expected, given) else "signature_mismatch"


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class HubLinks:
    """Where a feed says it is published: its hub and its topic URL (``rel="self"``)."""

    hub: str
    topic: str


def _http(url: object) -> bool:
    return isinstance(url, str) and url.startswith(("http://", "https://"))


def discover(body: bytes, *, feed_url: str, content_type: str = "") -> HubLinks | None:
    """The hub and topic a feed document advertises, or None."""
    if b"hub" not in body:  # cheap: most feeds advertise none
        return None
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        try:
            doc = json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return None
        hubs = doc.get("hubs") if isinstance(doc, dict) else None
        for hub in hubs if isinstance(hubs, list) else []:
            if (
                isinstance(hub, dict)
                and str(hub.get("type", "")).lower() == "websub"
                and _http(hub.get("url"))
            ):
                topic = doc.get("feed_url")
                return HubLinks(str(hub["url"]), str(topic) if _http(topic) else feed_url)
        return None
    headers = {"content-location": feed_url}
    if content_type:
        headers["content-type"] = content_type
    try:
        result = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    except Exception:
        return None
    hub = topic = None
    for link in (result.get("feed") or {}).get("links") or []:
        rel, href = link.get("rel"), link.get("href")
        if not isinstance(href, str) or not href:
            continue
        href = urljoin(feed_url, href)
        if rel == "hub" and hub is None and _http(href):
            hub = href
        elif rel == "self" and topic is None and _http(href):
            topic = href
    return HubLinks(hub, topic or feed_url) if hub else None
