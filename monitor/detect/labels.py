"""The labelled judgement set: gold storylines, events, titles and conflicts.

The format is documented in ``tests/data/judgement/README.md``: YAML files,
each a mapping of ``events``, ``articles``, ``conflicts`` and ``lookalikes``.
:func:`load_labelled` reads one file or every ``*.yaml`` of a folder, checks
every cross-reference (events, articles, verbatim sentences) and names each
problem; ``python -m monitor.detect.labels PATH...`` runs the same check.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from monitor.errors import NewsmonError
from monitor.models import Article


class DatasetError(NewsmonError):
    """The labelled dataset cannot be read or is malformed."""


class _Label(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GoldEvent(_Label):
    """A real happening that deserves exactly one ``new_event`` alert in its storyline."""

    id: str
    storyline: str
    date: date
    title_must_name: tuple[str, ...] = ()


class LabelledArticle(_Label):
    """One article with the storylines and events it belongs to."""

    id: str
    source: str
    url: str = ""
    published: datetime
    title: str = ""
    storylines: tuple[str, ...] = ()
    events: dict[str, str] = Field(default_factory=dict)
    text: str = Field(min_length=1)
    # The storylines its file's labels speak for (empty: every storyline). A storyline
    # added after the file was written is outside it: its labels say nothing of it.
    labelled_for: tuple[str, ...] = ()

    def speaks_for(self, storyline_id: str) -> bool:
        """True when this article's labels say whether it belongs to the storyline."""
        return not self.labelled_for or storyline_id in self.labelled_for

    def article(self) -> Article:
        """The article as the ingester would produce it."""
        return Article(
            id=self.id, url=self.url, title=self.title, text=self.text, source=self.source,
            published=self.published, ingested_at=self.published,
        )  # fmt: skip


ConflictKind = Literal[
    "date", "place", "participant", "figure", "duration", "start_year", "status", "currency"
]


class GoldConflict(_Label):
    """Two reports of one event that state incompatible values of the same quantity."""

    storyline: str
    event: str
    articles: tuple[str, str]
    erring: str
    erring_sentence: str = Field(min_length=1)
    other_sentence: str = Field(min_length=1)
    what: str = Field(min_length=1)
    values: dict[str, str]
    kind: ConflictKind
    synthetic: bool = False


class Lookalike(_Label):
    """Two reports whose values only look contradictory."""

    storyline: str
    event: str
    articles: tuple[str, str]
    values: dict[str, str] = Field(default_factory=dict)
    why: str = Field(min_length=1)


class _File(_Label):
    labelled_for: tuple[str, ...] = ()
    events: tuple[GoldEvent, ...] = ()
    articles: tuple[LabelledArticle, ...] = ()
    conflicts: tuple[GoldConflict, ...] = ()
    lookalikes: tuple[Lookalike, ...] = ()


class LabelledSet(_Label):
    """Every file of a labelled set, merged; articles in publication order."""

    files: tuple[str, ...]
    events: tuple[GoldEvent, ...]
    articles: tuple[LabelledArticle, ...]
    conflicts: tuple[GoldConflict, ...]
    lookalikes: tuple[Lookalike, ...]


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.glob("*.yaml")))
        elif path.is_file():
            found.append(path)
        else:
            raise DatasetError(f"labelled data {path} does not exist")
    return found


def _read(path: Path) -> _File:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DatasetError(f"cannot read labelled data {path}: {exc}") from None
    try:
        return _File.model_validate(raw or {})
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:10]]
        raise DatasetError(f"{path}: " + "; ".join(problems)) from None


def _pair_problems(
    where: str, item: GoldConflict | Lookalike, articles: dict[str, LabelledArticle], events: set[str]
) -> list[str]:
    problems = [f"{where}: unknown article {ref!r}" for ref in item.articles if ref not in articles]
    if item.event not in events:
        problems.append(f"{where}: unknown event {item.event!r}")
    if item.articles[0] == item.articles[1]:
        problems.append(f"{where}: the two articles are the same")
    if problems:
        return problems
    for ref in item.articles:
        if articles[ref].events.get(item.storyline) != item.event:
            problems.append(f"{where}: article {ref!r} is not labelled with event {item.event!r}")
    for ref in item.values:
        if ref not in item.articles:
            problems.append(f"{where}: values name {ref!r}, which is not one of the two articles")
    if isinstance(item, GoldConflict):
        if item.erring not in item.articles:
            problems.append(f"{where}: erring {item.erring!r} is not one of the two articles")
            return problems
        other = item.articles[1] if item.erring == item.articles[0] else item.articles[0]
        if item.erring_sentence not in articles[item.erring].text:
            problems.append(f"{where}: erring_sentence is not verbatim in {item.erring!r}")
        if item.other_sentence not in articles[other].text:
            problems.append(f"{where}: other_sentence is not verbatim in {other!r}")
    return problems


def check(labelled: LabelledSet, storylines: Sequence[str] | None = None) -> list[str]:
    """Every cross-reference problem of a labelled set (empty when it is sound)."""
    problems: list[str] = []
    articles: dict[str, LabelledArticle] = {}
    for article in labelled.articles:
        if article.id in articles:
            problems.append(f"article {article.id!r}: duplicate id")
        articles[article.id] = article
    events: dict[str, GoldEvent] = {}
    for event in labelled.events:
        if event.id in events:
            problems.append(f"event {event.id!r}: duplicate id")
        events[event.id] = event
        if storylines is not None and event.storyline not in storylines:
            problems.append(f"event {event.id!r}: unknown storyline {event.storyline!r}")
    for article in labelled.articles:
        if storylines is not None:
            problems.extend(
                f"article {article.id!r}: unknown storyline {sid!r}"
                for sid in (*article.storylines, *article.labelled_for)
                if sid not in storylines
            )
        problems.extend(
            f"article {article.id!r}: in storyline {sid!r}, which its file's labelled_for leaves out"
            for sid in article.storylines
            if not article.speaks_for(sid)
        )
        for sid, event_id in article.events.items():
            if sid not in article.storylines:
                problems.append(f"article {article.id!r}: event for {sid!r}, a storyline it is not in")
            if event_id not in events:
                problems.append(f"article {article.id!r}: unknown event {event_id!r}")
            elif events[event_id].storyline != sid:
                problems.append(f"article {article.id!r}: event {event_id!r} belongs to another storyline")
    for index, conflict in enumerate(labelled.conflicts):
        problems.extend(
            _pair_problems(f"conflict {index} {conflict.articles}", conflict, articles, set(events))
        )
    for index, lookalike in enumerate(labelled.lookalikes):
        problems.extend(
            _pair_problems(f"lookalike {index} {lookalike.articles}", lookalike, articles, set(events))
        )
    return problems


def _scoped(article: LabelledArticle, labelled_for: tuple[str, ...]) -> LabelledArticle:
    return article.model_copy(update={"labelled_for": labelled_for}) if labelled_for else article


def load_labelled(paths: Iterable[Path], storylines: Sequence[str] | None = None) -> LabelledSet:
    """Read every file (a folder: its ``*.yaml``), merge them and check the references."""
    files = _files(paths)
    if not files:
        raise DatasetError("no labelled data files found")
    parts = [_read(path) for path in files]
    labelled = LabelledSet(
        files=tuple(str(path) for path in files),
        events=tuple(event for part in parts for event in part.events),
        articles=tuple(
            sorted(
                (_scoped(article, part.labelled_for) for part in parts for article in part.articles),
                key=lambda article: (article.published, article.id),
            )
        ),
        conflicts=tuple(conflict for part in parts for conflict in part.conflicts),
        lookalikes=tuple(lookalike for part in parts for lookalike in part.lookalikes),
    )
    problems = check(labelled, storylines)
    if problems:
        shown = "\n  ".join(problems[:40])
        raise DatasetError(f"{len(problems)} problem(s) in {', '.join(labelled.files)}:\n  {shown}")
    return labelled


def main(argv: Sequence[str]) -> int:
    """Check labelled files; print a summary or the problems."""
    from monitor.storylines.config import load_storylines

    root = Path(__file__).resolve().parents[2] / "tests" / "data" / "judgement" / "storylines.yaml"
    known = [storyline.id for storyline in load_storylines(root)] if root.is_file() else None
    try:
        labelled = load_labelled([Path(arg) for arg in argv], known)
    except NewsmonError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    distractors = sum(1 for article in labelled.articles if not article.storylines)
    synthetic = sum(1 for conflict in labelled.conflicts if conflict.synthetic)
    print(
        f"ok: {len(labelled.articles)} articles ({distractors} distractors), {len(labelled.events)} events, "
        f"{len(labelled.conflicts)} conflicts ({synthetic} synthetic), {len(labelled.lookalikes)} lookalikes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
