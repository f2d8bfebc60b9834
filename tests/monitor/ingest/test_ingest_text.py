"""HTML to plain text on hostile markup: bounded work, nothing lost around it.

The patterns below made the former converter (Python's ``html.parser`` and a
``\\s*\\n\\s*`` pattern) take quadratic time: seconds at 100 kB, minutes at 400 kB
(``bench/bench_html.py`` measures both). Here each one, at 400 kB, must
convert within a bounded wait far above what linear work needs, keep the text
written before it, and give no more text than it was given.
"""

from __future__ import annotations

import random
import re

import pytest

from monitor.ingest.text import MAX_DEPTH, clean_whitespace, cut_utf8, html_to_text

SIZE = 400_000
LEAD = "<p>The minister spoke on Tuesday.</p>"

# Each pattern is repeated to SIZE bytes after LEAD.
HOSTILE = {
    "unclosed start tags with an attribute": "<a b=",
    "unbalanced attribute quotes": '<a href="x',
    "unclosed comments": "<!--",
    "bare end-tag openers": "</",
    "lone angle brackets": "<",
    "bare character references": "&#",
    "unclosed CDATA": "<![CDATA[",
    "em spaces (no line break)": "\u2003",
    "mixed Unicode spaces": " \u2003\u3000\u2028",
    "end tags searched through unclosed elements": "<b></p>",
    "mismatched end tags under unclosed divs": "<div></span>",
    "nested divs": "<div>",
    "paragraphs": "<p>x",
}


def _hostile(unit: str) -> str:
    return LEAD + unit * ((SIZE - len(LEAD)) // len(unit.encode()))


@pytest.mark.timeout(60)
@pytest.mark.parametrize("unit", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_markup_converts_in_bounded_work(unit: str) -> None:
    """400 kB of each crafted pattern converts (a hang fails on the timeout), keeps the lead
    paragraph and gives no more text than the markup held."""
    markup = _hostile(unit)
    text = html_to_text(markup)
    assert text.startswith("The minister spoke on Tuesday.")
    assert len(text) <= len(markup)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("unit", ["\u2003", " \u2003\t\u3000", "\u2028\u2029", "\x85 "])
def test_long_whitespace_runs_collapse_in_bounded_work(unit: str) -> None:
    """400 kB of whitespace without a line break between two words collapses to their text."""
    text = "alpha" + unit * (SIZE // len(unit)) + "omega"
    assert clean_whitespace(text, single_line=True).split() == ["alpha", "omega"]
    assert clean_whitespace(text).split() == ["alpha", "omega"]


def test_clean_whitespace_matches_the_regular_expression_it_replaces() -> None:
    """On short random texts the line-by-line collapse gives exactly what the former
    ``\\s*\\n\\s*`` substitution gave: the same text, only without the quadratic case."""
    spaces = re.compile(r"[ \t\r\f\v\u00a0]+")
    newlines = re.compile(r"\s*\n\s*")
    alphabet = ["a", "b", " ", "\n", "\t", "\r", "\u2003", "\u00a0", "\u3000", "\x85", "\u2028", "\x0c"]
    rng = random.Random(13)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        for single_line in (False, True):
            collapsed = spaces.sub(" ", text.replace("\x0c", ""))
            expected = newlines.sub(" " if single_line else "\n", collapsed).strip()
            assert clean_whitespace(text, single_line=single_line) == expected, repr(text)


def test_nesting_deeper_than_the_limit_is_stripped_not_parsed() -> None:
    """Markup nested past MAX_DEPTH is not handed to the tree-keeping parser (whose end-tag search
    grows with depth) but stripped of its tags: the text, entities decoded, is all still there and
    a script inside it is still dropped."""
    at_limit = "<b>" * (MAX_DEPTH - 2) + "kept &amp; parsed"  # html and body count too
    assert html_to_text(at_limit) == "kept & parsed"
    deeper = "<b>" * (MAX_DEPTH + 1) + "deep &amp; stripped<script>evil()</script> tail"
    assert html_to_text(deeper, single_line=True) == "deep & stripped tail"


def test_fallback_drops_skipped_elements_and_keeps_what_follows() -> None:
    """In stripped markup, script and style bodies are dropped up to their end tag (whatever its
    case or spacing), an unclosed one swallows the rest as a browser would, and the boilerplate
    mode drops navigation."""
    deep = "<i>" * (MAX_DEPTH + 1)
    assert html_to_text(deep + "a<SCRIPT>x()</script >b<style>p{}</Style>c") == "abc"
    assert html_to_text(deep + "a<p>b</p>c<script>never closed") == "a b c"
    assert html_to_text(deep + "<nav>menu</nav>story", boilerplate=True) == "story"
    assert html_to_text(deep + "<nav>menu</nav>story") == "menu story"


def test_markup_edge_cases_convert_like_before() -> None:
    """Control characters vanish, lone surrogates (possible in JSON strings) do not break the
    parser, a charset declaration in the markup cannot re-decode it, and an unclosed comment
    hides only what follows it."""
    assert html_to_text("a\x00b<b>c</b>") == "abc"
    assert html_to_text("bad \ud800 <b>x</b>") == "bad ? x"
    assert html_to_text("<meta charset='koi8-r'><b>Привет</b>") == "Привет"
    assert html_to_text("safe<!-- hidden") == "safe"
    assert html_to_text("<p>One &amp; two</p><script>evil()</script><ul><li>three</li></ul>") == (
        "One & two\nthree"
    )


def test_cut_utf8_cuts_at_a_character_boundary() -> None:
    """Cutting is by UTF-8 bytes, never splits a character, and leaves short text untouched."""
    assert cut_utf8("abc", 10) == "abc"
    assert cut_utf8("abcdef", 4) == "abcd"
    assert cut_utf8("é" * 10, 5) == "éé"
    assert cut_utf8("日本語", 8) == "日本"
    assert len(cut_utf8("x\ud800" * 10, 9).encode("utf-8", "surrogatepass")) <= 9
    text = "é" * 300_000
    assert cut_utf8(text, 200_000) == "é" * 100_000
