"""``newsmon feeds``: manage the feed list of a configuration file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml

from monitor.errors import ConfigError, NewsmonError
from monitor.ingest.opml import read_opml
from monitor.settings import build_settings

feeds_app = typer.Typer(no_args_is_help=True, help="Feed subscriptions.")


@feeds_app.command("import")
def import_opml(
    opml: Annotated[Path, typer.Argument(help="An OPML subscription list.")],
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Add the feeds to this configuration file (else print YAML)."),
    ] = None,
    interval: Annotated[float, typer.Option(help="Poll interval for feeds the OPML gives none.")] = 300.0,
) -> None:
    """Import an OPML subscription list: add its feeds to a config file, skipping ones already there."""
    try:
        feeds = read_opml(opml, interval=interval)
        if config is None:
            typer.echo(
                yaml.safe_dump(
                    {"feeds": [f.model_dump() for f in feeds]}, sort_keys=False, allow_unicode=True
                )
            )
            return
        raw = yaml.safe_load(config.read_text(encoding="utf-8")) if config.exists() else {}
        if not isinstance(raw, dict):
            raise ConfigError(f"configuration {config}: the top level must be a mapping")
        existing = list(raw.get("feeds") or [])
        known = {str(item.get("url")) for item in existing if isinstance(item, dict)}
        added = [f.model_dump() for f in feeds if f.url not in known]
        raw["feeds"] = existing + added
        build_settings(raw)  # refuse to write a configuration that would not load
        config.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
    except NewsmonError as exc:
        typer.echo(f"newsmon: error: {exc}", err=True)
        raise typer.Exit(code=2 if isinstance(exc, ConfigError) else 1) from None
    typer.echo(f"added {len(added)} feed(s) to {config} ({len(feeds) - len(added)} already there)")
