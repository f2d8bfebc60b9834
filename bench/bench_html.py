"""HTML-to-text benchmark on crafted markup: how the work grows with the input.

Run: ``.venv/bin/python bench/bench_html.py [--quick]``

Each crafted pattern is repeated to a given size and converted; the time of the
best of three runs is reported per size, with the ratio between successive
sizes (the sizes double, so about 2 means linear work and about 4 quadratic).
Measured:

* ``former``: the converter before issue #13 item 6 (Python's ``html.parser``
  and a ``\\s*\\n\\s*`` substitution), kept below as a reference, at small sizes
  (at 400 kB it takes minutes on some patterns);
* ``html_to_text``: the current converter (lxml with a nesting limit, line-by-line
  whitespace), up to 2 MB;
* ``lxml_unlimited``: the current converter without its nesting limit, on the
  patterns that make libxml2 search a deep stack of open elements (why the limit
  exists);
* ``parse_feed``: an RSS document with the pattern escaped in one description
  (the field cap applies);
* ``extract_main_text``: a page of the pattern after a short story (page cap and
  trafilatura's tag limit apply);
* ``trafilatura_unlimited``: the same without the tag limit, on tiny paragraphs
  (why the limit exists).

Results go to bench/results/html.json.
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import structlog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.ingest import text as text_module
from monitor.ingest.fulltext import extract_main_text
from monitor.ingest.parse import parse_feed

PATTERNS = {
    "unclosed start tags with an attribute": "<a b=",
    "unbalanced attribute quotes": '<a href="x',
    "unclosed comments": "<!--",
    "bare end-tag openers": "</",
    "em spaces": "\u2003",
    "end tags under unclosed elements": "<b></p>",
    "mismatched end tags under unclosed divs": "<div></span>",
    "tiny paragraphs": "<p>x",
}
DEEP = ("end tags under unclosed elements", "mismatched end tags under unclosed divs")
TAGGY = ("tiny paragraphs",)
STORY = "<p>" + "The committee met on Tuesday and agreed the budget after a long debate. " * 8 + "</p>"
NOW = datetime(2025, 1, 1, tzinfo=UTC)


class _FormerExtractor(HTMLParser):
    """The converter as it was (monitor/ingest/text.py before #13 item 6), for comparison."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in text_module._SKIP:
            self._skip += 1
        elif tag in text_module._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in text_module._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in text_module._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


_FORMER_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_FORMER_NEWLINES = re.compile(r"\s*\n\s*")


def former_html_to_text(markup: str) -> str:
    parser = _FormerExtractor()
    try:
        parser.feed(markup)
        parser.close()
        out = "".join(parser.parts)
    except Exception:
        out = re.sub(r"<[^>]*>", " ", html.unescape(markup))
    out = _FORMER_SPACES.sub(" ", text_module._CONTROL.sub("", out))
    return _FORMER_NEWLINES.sub("\n", out).strip()


def _markup(unit: str, size: int) -> str:
    return "alpha " + unit * (size // len(unit.encode())) + " omega"


def _best_of(fn: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _series(make: Callable[[int], Callable[[], object]], sizes: list[int], runs: int) -> dict[str, Any]:
    seconds = [round(_best_of(make(size), runs), 4) for size in sizes]
    ratios = [round(b / a, 2) if a > 0.0005 else None for a, b in itertools.pairwise(seconds)]
    return {"sizes_bytes": sizes, "seconds": seconds, "ratio_per_doubling": ratios}


def _machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def _rss(unit: str, size: int) -> bytes:
    description = html.escape(_markup(unit, size))
    return (
        '<rss version="2.0"><channel><title>Bench</title><item><guid>1</guid>'
        f"<title>One</title><description>{description}</description></item></channel></rss>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one run each")
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(40))
    runs = 1 if args.quick else 3
    former_sizes = [12_500, 25_000, 50_000] if args.quick else [25_000, 50_000, 100_000]
    sizes = [100_000, 200_000, 400_000] if args.quick else [250_000, 500_000, 1_000_000, 2_000_000]
    results: dict[str, Any] = {}
    for name, unit in PATTERNS.items():
        print(name, flush=True)
        row: dict[str, Any] = {
            "former": _series(
                lambda n, u=unit: lambda: former_html_to_text(_markup(u, n)), former_sizes, runs
            ),
            "html_to_text": _series(
                lambda n, u=unit: lambda: text_module.html_to_text(_markup(u, n)), sizes, runs
            ),
            "parse_feed": _series(
                lambda n, u=unit: lambda: parse_feed(_rss(u, n), feed_url="https://bench.example/", now=NOW),
                sizes,
                runs,
            ),
            "extract_main_text": _series(
                lambda n, u=unit: (
                    lambda: extract_main_text(
                        (f"<html><body><article>{STORY}" + _markup(u, n)).encode(),
                        url="https://bench.example/a",
                    )
                ),
                sizes,
                runs,
            ),
        }
        if name in DEEP:
            row["lxml_unlimited"] = _series(
                lambda n, u=unit: lambda: text_module.html_to_text(_markup(u, n), max_depth=10**9),
                [*former_sizes[1:], 2 * former_sizes[-1], 4 * former_sizes[-1]],
                runs,
            )
        if name in TAGGY:
            row["trafilatura_unlimited"] = _series(
                lambda n, u=unit: (
                    lambda: extract_main_text(
                        (f"<html><body><article>{STORY}" + _markup(u, n)).encode(),
                        url="https://bench.example/a",
                        max_tags=10**9,
                    )
                ),
                former_sizes,
                runs,
            )
        results[name] = row
        print(json.dumps(row), flush=True)
    out = {
        "benchmark": "html",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "config": {"runs_per_size": runs, "quick": args.quick, "python_html_parser": "stdlib (former only)"},
        "patterns": {name: unit for name, unit in PATTERNS.items()},
        "results": results,
    }
    path = Path(__file__).resolve().parent / "results" / "html.json"
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
