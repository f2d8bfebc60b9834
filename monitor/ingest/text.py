"""HTML to plain text, for titles, summaries and feed content.

Block elements become line breaks, scripts and styles are dropped, entities
decoded, whitespace collapsed. Never raises on malformed markup.

The work is linear in the input, whatever the markup: the tokenizer is
libxml2's HTML parser (through lxml), whose only superlinear case, end tags
searched for in a stack of unclosed elements, is cut off by refusing documents
nested deeper than ``MAX_DEPTH`` (such markup is stripped of its tags instead),
and no regular expression here backtracks over a run of characters. Callers
cap their input first (:func:`cut_utf8`); Python's own ``html.parser``
(quadratic on unclosed tags and comments before 3.13.4) is not used.
"""

from __future__ import annotations

import functools
import html
import re

from lxml import etree

MAX_DEPTH = 512
"""Deepest element nesting converted by the parser (browsers stop nesting at 512 too)."""

_BLOCK = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "hr",
        "dd",
        "dt",
    }
)
_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "head"})
_BOILERPLATE = _SKIP | {"nav", "aside", "footer", "header", "form", "menu"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP_HINT = re.compile(r"<[A-Za-z!/]|&[#A-Za-z0-9]+;")
# Fallback for markup the parser refuses: a tag is "<" up to the next ">" with no "<" in between,
# so that a run of unclosed "<" costs one step each instead of a scan to the end of the text.
_TAG = re.compile(r"<[^<>]*>")


class _TooDeep(Exception):
    """Raised inside the parser to stop it when the markup nests deeper than ``MAX_DEPTH``."""


class _Extractor:
    """lxml parser target: collects the text outside skipped elements, a newline per block tag."""

    def __init__(self, skip: frozenset[str], max_depth: int) -> None:
        self.parts: list[str] = []
        self._skip = 0
        self._skipped = skip
        self._depth = 0
        self._max_depth = max_depth

    def start(self, tag: str, attrib: object) -> None:
        self._depth += 1
        if self._depth > self._max_depth:
            raise _TooDeep
        if tag in self._skipped:
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def end(self, tag: str) -> None:
        self._depth -= 1
        if tag in self._skipped:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)

    def comment(self, text: str) -> None:
        pass

    def close(self) -> str:
        return "".join(self.parts)


def cut_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, at a character boundary (unchanged if shorter)."""
    if len(text) * 4 <= limit:  # no character takes more than four bytes
        return text
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore")


def clean_whitespace(text: str, *, single_line: bool = False) -> str:
    """Collapse runs of spaces; keep paragraph breaks unless ``single_line``.

    A run of whitespace that holds a line break becomes one line break (one
    space with ``single_line``). Done line by line rather than with a pattern
    like ``\\s*\\n\\s*``, which rescans a long run of other whitespace (em
    spaces, say) from each of its characters: quadratic.
    """
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    lines = (line.strip() for line in text.split("\n"))
    return (" " if single_line else "\n").join(line for line in lines if line)


@functools.cache
def _opening(skip: frozenset[str]) -> re.Pattern[str]:
    return re.compile(r"<(" + "|".join(sorted(skip)) + r")\b", re.IGNORECASE)


def _strip_tags(markup: str, skip: frozenset[str]) -> str:
    """Text of markup the parser gave up on: skipped elements dropped, tags removed.

    Linear: every search starts where the previous one ended.
    """
    lower = markup.lower()
    kept: list[str] = []
    pos = 0
    while (opening := _opening(skip).search(markup, pos)) is not None:
        kept.append(markup[pos : opening.start()])
        closing = lower.find("</" + opening.group(1).lower(), opening.end())
        end = lower.find(">", closing) if closing >= 0 else -1
        if end < 0:  # unclosed: like a browser, the rest of the document is inside it
            pos = len(markup)
            break
        pos = end + 1
    kept.append(markup[pos:])
    return html.unescape(_TAG.sub(" ", "".join(kept)))


def html_to_text(
    markup: str, *, single_line: bool = False, boilerplate: bool = False, max_depth: int = MAX_DEPTH
) -> str:
    """Plain text of an HTML fragment (or of plain text, returned cleaned).

    With ``boilerplate`` set, page furniture (nav, header, footer, aside, forms)
    is dropped too: a crude main-text extraction for whole pages. Markup nested
    deeper than ``max_depth`` elements is not parsed but stripped of its tags.
    """
    if not markup:
        return ""
    if not _MARKUP_HINT.search(markup):
        return clean_whitespace(markup, single_line=single_line)
    skip = _BOILERPLATE if boilerplate else _SKIP
    target = _Extractor(skip, max_depth)
    # bytes with the encoding given: a <meta charset> in the markup cannot re-decode it
    parser = etree.HTMLParser(target=target, encoding="utf-8", no_network=True)
    try:
        parser.feed(_CONTROL.sub("", markup).encode("utf-8", "replace"))
        text = parser.close()
    except Exception:  # _TooDeep, or anything libxml2 refuses: never fail on markup
        text = _strip_tags(markup, skip)
    return clean_whitespace(str(text), single_line=single_line)
