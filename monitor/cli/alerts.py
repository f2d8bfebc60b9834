"""``newsmon alerts``: dead letters."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from monitor.errors import ConfigError, NewsmonError
from monitor.logs import configure_logging
from monitor.settings import load_settings

alerts_app = typer.Typer(no_args_is_help=True, help="Alert delivery: dead letters.")


@alerts_app.command("replay")
def replay_command(
    config: Annotated[Path, typer.Option("--config", "-c", help="The monitor's configuration file.")],
    reason: Annotated[
        list[str] | None,
        typer.Option(
            help="Replay letters with this failure reason (repeatable); default: the transient ones."
        ),
    ] = None,
    min_age: Annotated[float, typer.Option(help="Leave letters younger than this many seconds.")] = 0.0,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would be replayed.")] = False,
) -> None:
    """Send dead letters again to their destinations; failures go back to the dead-letter topic."""
    configure_logging("warning")
    try:
        settings = load_settings(config)
        if settings.kafka.bootstrap_servers is None:
            from monitor.broker.embedded import EmbeddedBroker

            status = EmbeddedBroker(settings.state_dir).status()
            if not (status.answers and status.bootstrap):
                raise ConfigError(
                    "kafka.bootstrap_servers is not set and no embedded broker runs for this state_dir"
                )
            bootstrap = status.bootstrap
        else:
            bootstrap = settings.kafka.bootstrap_servers
        from streams.replay import replay_dead_letters

        report = asyncio.run(
            replay_dead_letters(
                settings,
                bootstrap,
                reasons=set(reason) if reason else None,
                min_age=timedelta(seconds=min_age),
                dry_run=dry_run,
            )
        )
    except NewsmonError as exc:
        typer.echo(f"newsmon: error: {exc}", err=True)
        raise typer.Exit(code=2 if isinstance(exc, ConfigError) else 1) from None
    typer.echo(
        f"dead letters: {report.read} held, {report.chosen} chosen, "
        f"{report.delivered} delivered, {report.failed} failed again" + (" (dry run)" if dry_run else "")
    )
    if report.failed:
        raise typer.Exit(code=1)
