"""``newsmon score``: measure enrichment and detection on the labeled sets."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from monitor.errors import ConfigError, NewsmonError
from monitor.logs import configure_logging

score_app = typer.Typer(no_args_is_help=True, help="Quality figures on labeled data.")

Storylines = Annotated[Path, typer.Option("--storylines", help="Storylines file.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")]


@score_app.command("nlp")
def score_nlp(
    labeled: Annotated[Path, typer.Argument(help="Labeled articles (YAML).")] = Path(
        "tests/data/nlp/labeled.yaml"
    ),
    storylines: Storylines = Path("seeds/storylines.yaml"),
    as_json: AsJson = False,
) -> None:
    """Precision/recall of entity canonicalization and claim extraction."""
    from monitor.nlp import scoring
    from monitor.storylines.config import load_storylines

    _report(
        labeled, as_json, lambda: scoring.score(labeled, load_storylines(storylines)), scoring.format_report
    )


@score_app.command("detect")
def score_detect(
    dataset: Annotated[Path, typer.Argument(help="Labeled development set (YAML).")] = Path(
        "tests/data/detect/dataset.yaml"
    ),
    storylines: Storylines = Path("seeds/storylines.yaml"),
    as_json: AsJson = False,
) -> None:
    """Storyline precision/recall, event grouping quality and conflict precision/recall."""
    from monitor.detect import scoring

    _report(
        dataset, as_json, lambda: scoring.score(dataset, storylines_path=storylines), scoring.format_report
    )


@score_app.command("judgement")
def score_judgement(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Labelled files or folders (default: every held-out part).")
    ] = None,
    storylines: Storylines = Path("tests/data/judgement/storylines.yaml"),
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every error.")] = False,
    as_json: AsJson = False,
) -> None:
    """Alerts as a user judges them: one new_event per event, titles, conflicts vs look-alikes."""
    from monitor.detect import judgement

    chosen = (
        paths
        or sorted(Path("tests/data/judgement").glob("heldout*"))
        or [Path("tests/data/judgement/heldout")]
    )
    _report(
        chosen[0],
        as_json,
        lambda: judgement.load_and_score(chosen, storylines),
        lambda result: judgement.format_report(result, verbose=verbose),
    )


def _report(
    path: Path, as_json: bool, compute: Callable[[], dict[str, Any]], render: Callable[[dict[str, Any]], str]
) -> None:
    configure_logging("warning")
    try:
        if not path.exists():
            raise ConfigError(
                f"labeled data {path} does not exist (run from the project's root or pass a path)"
            )
        result = compute()
    except NewsmonError as exc:
        typer.echo(f"newsmon: error: {exc}", err=True)
        raise typer.Exit(code=2 if isinstance(exc, ConfigError) else 1) from None
    typer.echo(json.dumps(result, indent=2, default=str) if as_json else render(result))
