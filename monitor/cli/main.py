"""``newsmon``: the command line. Thin: it builds the settings and calls in.

Exit codes: 0 ok (also after a stop that had to be forced), 1 a runtime failure
(``NewsmonError``, or a stop that did not finish), 2 bad configuration or usage,
128 + N a second signal N during the stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import structlog
import typer

from monitor.cli.alerts import alerts_app
from monitor.cli.feeds import feeds_app
from monitor.cli.score import score_app
from monitor.cli.silences import silences_app
from monitor.errors import ConfigError, NewsmonError
from monitor.logs import configure_logging
from monitor.settings import FeedSettings, Settings, build_settings, load_settings

if TYPE_CHECKING:
    from monitor.broker.embedded import EmbeddedBroker

log = structlog.get_logger("newsmon.cli")

#: the signals that stop ``run``, ``worker`` and ``ingest``; a second one during the stop exits at once
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: how long after the stop's bound (grace + forcing) the watchdog ends the process
WATCHDOG_SLACK_SECONDS = 5.0

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Newsmon: an event-streaming news monitor."
)
broker_app = typer.Typer(no_args_is_help=True, help="The embedded single-node Apache Kafka broker.")
app.add_typer(broker_app, name="broker")
app.add_typer(feeds_app, name="feeds")
app.add_typer(alerts_app, name="alerts")
app.add_typer(score_app, name="score")
app.add_typer(silences_app, name="silences")

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="YAML configuration file (default: the bundled seeds demo)."),
]
LogLevel = Annotated[str, typer.Option("--log-level", help="debug, info, warning or error.")]


def demo_settings(root: Path) -> Settings:
    """The settings of ``newsmon run`` without ``--config``: the bundled seeds."""
    seeds = root / "seeds"
    if not (seeds / "storylines.yaml").exists():
        raise ConfigError(f"no --config given and no bundled demo at {seeds}: run from the project's root")
    return build_settings(
        {
            "feeds": [FeedSettings(url=str(seeds), interval=300).model_dump()],
            "storylines": str(seeds / "storylines.yaml"),
        }
    )


def get_settings(config: Path | None) -> Settings:
    """Settings from ``--config``, else the seeds demo from the current directory."""
    return load_settings(config) if config is not None else demo_settings(Path.cwd())


def _exit_code(exc: NewsmonError) -> int:
    return 2 if isinstance(exc, ConfigError) else 1


def _fail(exc: NewsmonError) -> typer.Exit:
    typer.echo(f"newsmon: error: {exc}", err=True)
    return typer.Exit(code=_exit_code(exc))


@app.command()
def run(config: ConfigOption = None, log_level: LogLevel = "info") -> None:
    """Run the monitor: embedded broker (unless kafka.bootstrap_servers is set), ingester, worker, HTTP."""
    _serve_command(config, log_level)


@app.command()
def worker(config: ConfigOption = None, log_level: LogLevel = "info") -> None:
    """Run a Faust worker alone (no ingester); needs kafka.bootstrap_servers to share a cluster."""
    _serve_command(config, log_level, ingest=False)


@app.command()
def ingest(config: ConfigOption = None, log_level: LogLevel = "info") -> None:
    """Run the feed ingester alone (no worker): it produces new articles to Kafka."""
    _serve_command(config, log_level, worker=False)


def _serve_command(config: Path | None, log_level: str, *, ingest: bool = True, worker: bool = True) -> None:
    configure_logging(log_level)
    try:
        asyncio.run(_serve(get_settings(config), ingest=ingest, worker=worker))
    except NewsmonError as exc:
        raise _fail(exc) from None


def _first(obj: object, names: tuple[str, ...]) -> Any:
    return next((getattr(obj, name) for name in names if hasattr(obj, name)), None)


def _dump_tasks() -> None:
    """SIGUSR1: write where every asyncio task of the process waits to stderr (a stuck stage shows)."""
    tasks = sorted(asyncio.all_tasks(), key=lambda t: t.get_name())
    lines = [f"newsmon: {len(tasks)} asyncio tasks (SIGUSR1), each with the chain it awaits"]
    for task in tasks:
        lines.append(f"--- {task.get_name()}")
        awaited: Any = task.get_coro()
        while awaited is not None:
            frame = _first(awaited, ("cr_frame", "ag_frame", "gi_frame"))
            if frame is not None:
                code = frame.f_code
                lines.append(f"    {code.co_qualname} ({code.co_filename}:{frame.f_lineno})")
            awaited = _first(awaited, ("cr_await", "ag_await", "gi_yieldfrom"))
    print("\n".join(lines), file=sys.stderr, flush=True)


async def _serve(settings: Settings, *, ingest: bool = True, worker: bool = True) -> None:
    """Run until SIGINT/SIGTERM, then stop within ``stop_grace_seconds`` (see ``streams.shutdown``).

    A second signal during the stop exits at once (128 + its number). When the stop had to be forced,
    the process exits here: abandoned Kafka clients and Faust's consumer thread would hold the
    interpreter's own exit. A watchdog thread ends a stop that still has not finished a few seconds
    after that bound (exit 1), even with the event loop blocked.
    """
    from streams.service import NewsmonService  # the stream layer, loaded only when serving
    from streams.shutdown import FORCE_SECONDS

    service = NewsmonService(settings, ingest=ingest, worker=worker)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, _dump_tasks)
    failure: BaseException | None = None
    stopping = asyncio.ensure_future(stop.wait())
    try:
        starting = asyncio.ensure_future(service.start())  # a signal stops a start waiting for Kafka too
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if starting.done():
            starting.result()
            port = service.http.port if service.http else settings.http.port
            typer.echo(
                f"newsmon: running (Kafka {service.bootstrap}, http://{settings.http.host}:{port}); "
                "Ctrl-C stops",
                err=True,
            )
            await stopping
    except BaseException as exc:  # reported below if the stop is forced, else raised as usual
        failure = exc
        raise
    finally:
        stopping.cancel()
        for sig in STOP_SIGNALS:  # from now on a signal is heard even while the loop is blocked
            loop.remove_signal_handler(sig)
            signal.signal(sig, _exit_at_once)
        bound = settings.stop_grace_seconds + FORCE_SECONDS + WATCHDOG_SLACK_SECONDS
        watchdog = threading.Timer(bound, _abandon_stop, args=(bound,))
        watchdog.daemon = True
        watchdog.start()
        if not await service.stop():
            _exit_now(_report(failure))


def _report(failure: BaseException | None) -> int:
    """Say what ended a run whose stop was forced; the exit code."""
    if failure is None:
        return 0
    if isinstance(failure, NewsmonError):
        typer.echo(f"newsmon: error: {failure}", err=True)
        return _exit_code(failure)
    traceback.print_exception(failure)
    return 1


def _exit_at_once(signum: int, _frame: object) -> None:
    """A second SIGINT/SIGTERM while stopping: log it (from a thread: the signal may have come while
    this thread holds the log's lock) and exit."""
    name = signal.Signals(signum).name

    def run() -> None:
        log.warning("service_stop_interrupted", signal=name)
        _exit_now(128 + signum)

    threading.Thread(target=run, name="newsmon-stop-interrupted", daemon=True).start()


def _abandon_stop(seconds: float) -> None:
    log.error("service_stop_abandoned", seconds=seconds)
    _exit_now(1)


def _exit_now(code: int) -> None:
    """Exit without the interpreter's shutdown, which would wait for threads and pools left running."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


@broker_app.command("start")
def broker_start(
    config: ConfigOption = None, port: Annotated[int | None, typer.Option(help="Port.")] = None
) -> None:
    """Start the embedded broker in the background and wait until it answers."""
    configure_logging("warning")
    try:
        broker = _broker(config, port)
        typer.echo(f"Kafka running on {broker.start()} (state in {broker.home})")
    except NewsmonError as exc:
        raise _fail(exc) from None


@broker_app.command("stop")
def broker_stop(config: ConfigOption = None) -> None:
    """Stop the embedded broker."""
    configure_logging("warning")
    try:
        stopped = _broker(config, None).stop()
    except NewsmonError as exc:
        raise _fail(exc) from None
    typer.echo("Kafka stopped" if stopped else "Kafka was not running")


@broker_app.command("status")
def broker_status(config: ConfigOption = None) -> None:
    """Say whether the embedded broker runs and answers (exit 1 when it does not)."""
    try:
        status = _broker(config, None).status()
    except NewsmonError as exc:
        raise _fail(exc) from None
    if not status.running:
        typer.echo("Kafka is not running")
        raise typer.Exit(code=1)
    typer.echo(
        f"Kafka pid {status.pid} on {status.bootstrap}: {'answers' if status.answers else 'does NOT answer'}"
    )
    if not status.answers:
        raise typer.Exit(code=1)


@broker_app.command("install")
def broker_install() -> None:
    """Resolve the Apache Kafka jars with Maven into the cache (done by start if needed)."""
    from monitor.broker import distribution

    try:
        path = distribution.install(distribution.default_cache_dir(), quiet=False)
    except NewsmonError as exc:
        raise _fail(exc) from None
    typer.echo(f"Apache Kafka {distribution.KAFKA_VERSION} jars in {path}")


def _broker(config: Path | None, port: int | None) -> EmbeddedBroker:
    from monitor.broker.embedded import EmbeddedBroker

    settings = load_settings(config) if config else Settings()
    return EmbeddedBroker(
        settings.state_dir,
        port=port if port is not None else settings.broker.port,
        controller_port=settings.broker.controller_port,
        heap=settings.broker.heap,
    )


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
