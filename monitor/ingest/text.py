"""HTML to plain text, for titles, summaries and feed content.

Block elements become line breaks, scripts and styles are dropped, entities
decoded, whitespace collapsed. Never raises on malformed markup.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

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
_NEWLINES = re.compile(r"\s*\n\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP_HINT = re.compile(r"<[A-Za-z!/]|&[#A-Za-z0-9]+;")


class _Extractor(HTMLParser):
    def __init__(self, skip: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._skipped = skip

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._skipped:
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skipped:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def clean_whitespace(text: str, *, single_line: bool = False) -> str:
    """Collapse runs of spaces; keep paragraph breaks unless ``single_line``."""
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub(" " if single_line else "\n", text)
    return text.strip()


def html_to_text(markup: str, *, single_line: bool = False, boilerplate: bool = False) -> str:
    """Plain text of an HTML fragment (or of plain text, returned cleaned).

    With ``boilerplate`` set, page furniture (nav, header, footer, aside, forms)
    is dropped too: a crude main-text extraction for whole pages.
    """
    if not markup:
        return ""
    if not _MARKUP_HINT.search(markup):
        return clean_whitespace(markup, single_line=single_line)
    parser = _Extractor(_BOILERPLATE if boilerplate else _SKIP)
    try:
        parser.feed(markup)
        parser.close()
        text = "".join(parser.parts)
    except Exception:
        text = re.sub(r"<[^>]*>", " ", html.unescape(markup))
    return clean_whitespace(text, single_line=single_line)
