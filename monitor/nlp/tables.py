"""Markdown-style tables in article text ("| Country | Troops (approx.) |").

Each data cell holding a number becomes a claim whose subject is the row
label plus the column header, e.g. quantity 50000 "personnel" (approximate,
because the cell says "~50,000" or the header says "approx.") for
"Japan — U.S. Military Personnel Hosted".
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from monitor.models import Claim, Evidence
from monitor.nlp.numbers import parse_number, split_approximator

_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.MULTILINE)
_RULE = re.compile(r"^[\s|:\-]+$")
_PCT = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?:%|percent\b)")
_NUMBER = re.compile(
    r"(?P<n>(?:~|≈|about\s+|around\s+|approx\.?\s*)?\d{1,3}(?:,\d{3})+(?:\.\d+)?|"
    r"(?:~|≈|about\s+|around\s+|approx\.?\s*)?\d+(?:\.\d+)?)(?:\s*(?P<s>million|billion|thousand))?"
)


def table_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges of table blocks: runs of two or more lines that start and end with "|"."""
    regions: list[tuple[int, int]] = []
    rows = list(_ROW.finditer(text))
    index = 0
    while index < len(rows):
        first = last = rows[index]
        index += 1
        while index < len(rows) and text[last.end() : rows[index].start()].strip() == "":
            last = rows[index]
            index += 1
        if first is not last:
            regions.append((first.start(), last.end()))
    return regions


def _cells(line: str, offset: int) -> list[tuple[str, int]]:
    cells: list[tuple[str, int]] = []
    position = line.index("|") + 1
    for part in line[position:].split("|")[:-1]:
        lead = len(part) - len(part.lstrip())
        cells.append((part.strip(), offset + position + lead))
        position += len(part) + 1
    return cells


def _unit(doc: Doc, header: str, start: int) -> str:
    span = doc.char_span(start, start + len(header), alignment_mode="expand")
    nouns = [t for t in span if t.pos_ in {"NOUN", "PROPN"} and t.is_alpha] if span is not None else []
    plural = [t for t in nouns if t.tag_ in {"NNS", "NNPS"} or t.lower_ in {"personnel", "staff", "troops"}]
    chosen = plural or nouns
    return chosen[-1].lower_ if chosen else header.casefold()


def table_claims(doc: Doc, text: str, regions: list[tuple[int, int]]) -> list[Claim]:
    """Percent and quantity claims from the data rows of each table."""
    claims: list[Claim] = []
    for start, end in regions:
        lines: list[tuple[str, int]] = []
        position = start
        for line in text[start:end].split("\n"):
            lines.append((line, position))
            position += len(line) + 1
        rows = [(line, offset) for line, offset in lines if line.strip() and not _RULE.match(line)]
        if len(rows) < 2:
            continue
        header = _cells(*rows[0])
        for line, offset in rows[1:]:
            cells = _cells(line, offset)
            if not cells:
                continue
            label = cells[0][0]
            stripped = line.strip()
            evidence = Evidence(sentence=stripped, start=offset + line.index(stripped[0]),
                                end=offset + line.index(stripped[0]) + len(stripped))  # fmt: skip
            for column, (cell, cell_start) in enumerate(cells[1:], start=1):
                head_text, head_start = header[column] if column < len(header) else ("", start)
                claim = _cell_claim(doc, cell, cell_start, head_text, head_start, label, evidence)
                if claim is not None:
                    claims.append(claim)
    return claims


def _cell_claim(doc: Doc, cell: str, cell_start: int, header: str, header_start: int, label: str,
                evidence: Evidence) -> Claim | None:  # fmt: skip
    approx_header = bool(re.search(r"\bapprox|\bestimate|~", header, re.IGNORECASE))
    clean_header = re.sub(r"\s*\([^)]*\)", "", header).strip()
    pct = _PCT.search(cell)
    if pct is not None:
        rest = (cell[: pct.start()] + cell[pct.end() :]).strip()
        subject = f"{label} {rest or clean_header}".strip()
        return Claim(
            kind="percent",
            text=cell[pct.start() : pct.end()],
            value=float(pct.group("n")),
            unit="%",
            approximate=approx_header,
            subject=subject,
            qualifier=clean_header,
            evidence=evidence,
        )
    number = _NUMBER.fullmatch(cell)
    if number is None:
        return None
    marker, digits = split_approximator(number.group("n"))
    value = parse_number(digits + (" " + number.group("s") if number.group("s") else ""))
    if value is None:
        return None
    return Claim(kind="quantity", text=cell, value=value, unit=_unit(doc, header, header_start),
                 approximate=bool(marker) or approx_header, subject=f"{label} {clean_header}".strip(),
                 qualifier="table", evidence=evidence)  # fmt: skip
