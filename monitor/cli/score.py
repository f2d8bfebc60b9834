"""``newsmon score``: measure enrichment and detection on the labeled sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

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
    configure_logging("warning")
    from monitor.nlp.scoring import format_report, score
    from monitor.storylines.config import load_storylines

    try:
        _exists(labeled)
        result = score(labeled, load_storylines(storylines))
    except NewsmonError as exc:
        typer.echo(f"newsmon: error: {exc}", err=True)
        raise typer.Exit(code=2 if isinstance(exc, ConfigError) else 1) from None
    typer.echo(json.dumps(result, indent=2, default=str) if as_json else format_report(result))


@score_app.command("detect")
def score_detect(
    dataset: Annotated[Path, typer.Argument(help="Labeled development set (YAML).")] = Path(
        "tests/data/detect/dataset.yaml"
    ),
    storylines: Storylines = Path("seeds/storylines.yaml"),
    as_json: AsJson = False,
) -> None:
    """Storyline precision/recall, event grouping quality and conflict precision/recall."""
    configure_logging("warning")
    from monitor.detect.scoring import format_report, score

    try:
        _exists(dataset)
        result = score(dataset, storylines_path=storylines)
    except NewsmonError as exc:
        typer.echo(f"newsmon: error: {exc}", err=True)
        raise typer.Exit(code=2 if isinstance(exc, ConfigError) else 1) from None
    typer.echo(json.dumps(result, indent=2, default=str) if as_json else format_report(result))


def _exists(path: Path) -> None:
    if not path.exists():
        raise ConfigError(f"labeled data {path} does not exist (run from the project's root or pass a path)")
