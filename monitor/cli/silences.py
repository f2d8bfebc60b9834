"""``newsmon silences``: mute a storyline or an event through a running monitor's API."""

from __future__ import annotations

import os
from typing import Annotated, Any

import httpx
import typer

silences_app = typer.Typer(no_args_is_help=True, help="Silences: mute a storyline or an event for a while.")

Url = Annotated[str, typer.Option("--url", help="The monitor's HTTP address.")]
Token = Annotated[
    str | None, typer.Option("--token", help="API token (http.api_token); default $NEWSMON_API_TOKEN.")
]
DEFAULT_URL = "http://127.0.0.1:8080"


def _call(method: str, url: str, token: str | None = None, **kwargs: Any) -> Any:
    headers = {}
    token = token or os.environ.get("NEWSMON_API_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = httpx.request(method, url, headers=headers, timeout=10, **kwargs)
    except httpx.HTTPError as exc:
        typer.echo(f"newsmon: error: cannot reach the monitor at {url}: {exc}", err=True)
        raise typer.Exit(code=1) from None
    if response.status_code >= 400:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text
        typer.echo(f"newsmon: error: {response.status_code}: {message}", err=True)
        raise typer.Exit(code=1)
    return response.json()


def _line(item: dict[str, Any]) -> str:
    matcher = item.get("matcher", {})
    what = ", ".join(f"{k}={v}" for k, v in matcher.items() if v) or "?"
    note = f" — {item['comment']}" if item.get("comment") else ""
    return f"{item['id']}  {what}  until {item.get('ends_at')}{note}"


@silences_app.command("list")
def list_silences(url: Url = DEFAULT_URL, expired: bool = False) -> None:
    """List silences in force (and expired ones with --expired)."""
    items = _call("GET", f"{url}/api/silences", params={"include_expired": "true" if expired else "false"})
    for item in items:
        typer.echo(_line(item))
    if not items:
        typer.echo("no silences")


@silences_app.command("add")
def add_silence(
    storyline: Annotated[str | None, typer.Option(help="Storyline id to mute.")] = None,
    event: Annotated[str | None, typer.Option(help="Event id to mute.")] = None,
    hours: Annotated[float, typer.Option(help="For how long.")] = 1.0,
    comment: Annotated[str, typer.Option(help="Why.")] = "",
    url: Url = DEFAULT_URL,
    token: Token = None,
) -> None:
    """Mute a storyline, an event, or an event within a storyline, from now for a duration."""
    if storyline is None and event is None:
        typer.echo("newsmon: error: give --storyline and/or --event", err=True)
        raise typer.Exit(code=2)
    body = {
        "storyline_id": storyline,
        "event_id": event,
        "duration_seconds": max(1, int(hours * 3600)),
        "created_by": os.environ.get("USER", ""),
        "comment": comment,
    }
    item = _call("POST", f"{url}/api/silences", token, json={k: v for k, v in body.items() if v is not None})
    typer.echo(f"silenced: {_line(item)}")


@silences_app.command("expire")
def expire_silence(silence_id: str, url: Url = DEFAULT_URL, token: Token = None) -> None:
    """End a silence now."""
    item = _call("DELETE", f"{url}/api/silences/{silence_id}", token)
    typer.echo(f"expired: {_line(item)}")
