"""A real single-node Apache Kafka broker (KRaft mode) on 127.0.0.1.

The broker is a Java process started from the jars that
:mod:`monitor.broker.distribution` resolved. Its state lives under
``<state_dir>/kafka``: ``data/`` (the log directory, formatted on first start),
``server.properties``, ``broker.pid`` and ``logs/``. The process outlives the
Python process that started it when started by ``newsmon broker start``; the
service stops it when it started it itself.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import structlog

from monitor.broker import distribution
from monitor.broker.probe import broker_answers, free_port, port_is_free
from monitor.errors import BrokerError

log = structlog.get_logger("newsmon.broker")

HOST = "127.0.0.1"
_MIN_JAVA = 17


@dataclass(frozen=True)
class BrokerStatus:
    """What ``newsmon broker status`` reports."""

    running: bool
    pid: int | None
    bootstrap: str | None
    answers: bool


class EmbeddedBroker:
    """Supervise one Apache Kafka process (broker and controller in one)."""

    def __init__(
        self,
        state_dir: Path,
        *,
        port: int = 9092,
        controller_port: int = 0,
        heap: str = "512m",
        cache_dir: Path | None = None,
    ) -> None:
        self.home = state_dir / "kafka"
        self.port = port
        self.controller_port = controller_port
        self.heap = heap
        self.cache_dir = cache_dir or distribution.default_cache_dir()
        self._proc: subprocess.Popen[bytes] | None = None

    # -- paths -------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def pid_file(self) -> Path:
        return self.home / "broker.pid"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.port}"

    # -- lifecycle ---------------------------------------------------------
    def start(self, *, timeout: float = 90.0) -> str:
        """Start the broker (formatting storage on first start); return its bootstrap address.

        Reuses a broker this state directory already runs. Raises
        :class:`BrokerError` when Java is missing, the port is taken, the data
        directory is unusable, or the broker does not answer within ``timeout``.
        """
        running = self._running_pid()
        if running is not None:
            port = self._recorded_port()
            if port is not None and broker_answers(HOST, port):
                self.port = port
                log.info("broker_reused", pid=running, bootstrap=self.bootstrap)
                return self.bootstrap
        java = _find_java()
        self._prepare_dirs()
        if self.port == 0:
            self.port = free_port(HOST)
        if not port_is_free(HOST, self.port):
            raise BrokerError(
                f"port {self.port} on {HOST} is taken: stop what uses it or set broker.port "
                "(or kafka.bootstrap_servers to use that broker)"
            )
        controller_port = self.controller_port or free_port(HOST)
        if not port_is_free(HOST, controller_port):
            raise BrokerError(
                f"controller port {controller_port} on {HOST} is taken: set broker.controller_port"
            )
        lib = distribution.install(self.cache_dir)
        config = self._write_config(controller_port)
        classpath = f"{lib}/*"
        if not (self.data_dir / "meta.properties").exists():
            self._format(java, classpath, config)
        self._launch(java, classpath, config)
        self._wait_ready(timeout)
        log.info("broker_started", pid=self._proc.pid if self._proc else None, bootstrap=self.bootstrap)
        return self.bootstrap

    def stop(self, *, timeout: float = 30.0) -> bool:
        """Stop the broker cleanly (SIGTERM, then SIGKILL after ``timeout``). False if none ran."""
        pid = self._running_pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            self._reap()
            time.sleep(0.2)
        if _alive(pid):
            log.warning("broker_kill", pid=pid)
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
            self._reap()
        self.pid_file.unlink(missing_ok=True)
        log.info("broker_stopped", pid=pid)
        return True

    def status(self) -> BrokerStatus:
        """Whether a broker runs for this state directory, and whether it answers."""
        pid = self._running_pid()
        port = self._recorded_port()
        bootstrap = f"{HOST}:{port}" if port else None
        answers = bool(pid and port and broker_answers(HOST, port))
        return BrokerStatus(running=pid is not None, pid=pid, bootstrap=bootstrap, answers=answers)

    # -- steps -------------------------------------------------------------
    def _prepare_dirs(self) -> None:
        try:
            for path in (self.home, self.data_dir, self.log_dir):
                path.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("ok", encoding="utf-8")
            probe.unlink()
        except OSError as exc:
            raise BrokerError(f"Kafka data directory {self.data_dir} is unusable: {exc.strerror}") from None

    def _write_config(self, controller_port: int) -> Path:
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{HOST}:{controller_port}",
            "listeners": f"PLAINTEXT://{HOST}:{self.port},CONTROLLER://{HOST}:{controller_port}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self.data_dir.resolve()),
            "num.partitions": "4",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "8",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "false",
            "log.retention.hours": "168",
        }
        path = self.home / "server.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in props.items()), encoding="utf-8")
        return path

    def _java_cmd(self, java: str, classpath: str, *args: str) -> list[str]:
        log_config = resources.files("monitor.broker").joinpath("log4j2.properties")
        return [
            java,
            f"-Xmx{self.heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dkafka.logs.dir={self.log_dir.resolve()}",
            f"-Dlog4j2.configurationFile={log_config}",
            "-cp",
            classpath,
            *args,
        ]

    def _format(self, java: str, classpath: str, config: Path) -> None:
        cluster_id = _cluster_id()
        cmd = self._java_cmd(
            java, classpath, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(config)
        )
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise BrokerError(
                f"formatting Kafka storage in {self.data_dir} failed: {proc.stderr.strip()[-800:]}"
            )
        log.info("broker_formatted", data_dir=str(self.data_dir), cluster_id=cluster_id)

    def _launch(self, java: str, classpath: str, config: Path) -> None:
        out = (self.log_dir / "stdout.log").open("ab")
        self._proc = subprocess.Popen(
            self._java_cmd(java, classpath, "kafka.Kafka", str(config)),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        out.close()
        self.pid_file.write_text(f"{self._proc.pid} {self.port}\n", encoding="utf-8")

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise BrokerError(
                    f"Kafka exited with code {self._proc.returncode} while starting:\n{self._log_tail()}"
                )
            if broker_answers(HOST, self.port, timeout=1.0):
                return
            time.sleep(0.3)
        self.stop()
        raise BrokerError(
            f"Kafka did not answer on {self.bootstrap} within {timeout:.0f}s:\n{self._log_tail()}"
        )

    def _log_tail(self, lines: int = 20) -> str:
        texts = []
        for name in ("server.log", "stdout.log"):
            path = self.log_dir / name
            if path.exists():
                texts.extend(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        errors = [line for line in texts if re.search(r"ERROR|Exception|FATAL", line)]
        return "\n".join(errors[-lines:] or texts[-lines:])

    def _read_pid_file(self) -> tuple[int, int] | None:
        try:
            pid_text, port_text = self.pid_file.read_text(encoding="utf-8").split()
            return int(pid_text), int(port_text)
        except (OSError, ValueError):
            return None

    def _running_pid(self) -> int | None:
        record = self._read_pid_file()
        if record is None or not _alive(record[0]):
            return None
        return record[0]

    def _recorded_port(self) -> int | None:
        record = self._read_pid_file()
        return record[1] if record else None

    def _reap(self) -> None:
        if self._proc is not None:
            self._proc.poll()


def _cluster_id() -> str:
    """A random Kafka cluster id; like Kafka's own, never starting with '-' (read as an option)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child counts as gone
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _find_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise BrokerError(
            f"Java is not installed (no 'java' on PATH): the embedded Kafka broker needs Java {_MIN_JAVA}+"
        )
    proc = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', proc.stderr + proc.stdout)
    if match is None:
        raise BrokerError(f"cannot tell the Java version of {java}: {proc.stderr.strip()[:200]}")
    major = int(match.group(1))
    if major == 1 and match.group(2):
        major = int(match.group(2))
    if major < _MIN_JAVA:
        raise BrokerError(f"Java {major} found at {java}; the embedded Kafka broker needs Java {_MIN_JAVA}+")
    return java
