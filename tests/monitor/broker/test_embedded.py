"""The embedded Apache Kafka broker: starts for real, answers, stops, and fails clearly."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from monitor.broker import distribution
from monitor.broker.embedded import EmbeddedBroker
from monitor.broker.probe import broker_answers, free_port
from monitor.errors import BrokerError


@pytest.mark.integration
def test_session_broker_answers_kafka_requests(kafka_bootstrap: str) -> None:
    """The session broker answers an ApiVersions request on its bootstrap address."""
    host, port = kafka_bootstrap.split(":")
    assert broker_answers(host, int(port))


@pytest.mark.integration
@pytest.mark.slow
def test_start_status_stop_and_restart_keeps_data(tmp_path: Path) -> None:
    """A broker formats its storage once, reports status, stops, and restarts on the same data."""
    broker = EmbeddedBroker(tmp_path, port=0)
    bootstrap = broker.start(timeout=120)
    try:
        status = broker.status()
        assert status.running and status.answers and status.bootstrap == bootstrap
        meta = (broker.data_dir / "meta.properties").read_text()
    finally:
        assert broker.stop() is True
    assert broker.status().running is False
    again = EmbeddedBroker(tmp_path, port=0)
    again.start(timeout=120)
    try:
        assert (again.data_dir / "meta.properties").read_text() == meta
        assert again.status().answers
    finally:
        again.stop()


def test_port_taken_is_a_clear_error(tmp_path: Path) -> None:
    """Starting on a port something else listens on fails, naming the port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        broker = EmbeddedBroker(tmp_path, port=port)
        with pytest.raises(BrokerError, match=rf"port {port} .* is taken"):
            broker.start()


def test_unusable_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    """A state directory that cannot hold Kafka's data gives a BrokerError naming it."""
    blocker = tmp_path / "state"
    blocker.write_text("a file where a directory should be")
    broker = EmbeddedBroker(blocker, port=free_port())
    with pytest.raises(BrokerError, match=r"data directory .* is unusable"):
        broker.start()


def test_missing_java_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without java on PATH the broker refuses to start and says Java 17+ is needed."""
    monkeypatch.setenv("PATH", str(tmp_path))
    broker = EmbeddedBroker(tmp_path / "state", port=free_port())
    with pytest.raises(BrokerError, match="Java is not installed"):
        broker.start()


def test_stop_without_broker_says_so(tmp_path: Path) -> None:
    """Stopping when nothing runs returns False and leaves no pid file."""
    broker = EmbeddedBroker(tmp_path, port=free_port())
    assert broker.stop() is False
    assert not broker.pid_file.exists()


def test_jars_resolve_into_cache() -> None:
    """The pinned Kafka broker jar and a logging binding are in the cache after install."""
    lib = distribution.install(distribution.default_cache_dir())
    names = os.listdir(lib)
    assert f"kafka_2.13-{distribution.KAFKA_VERSION}.jar" in names
    assert any(name.startswith("log4j-slf4j") for name in names)


def test_cluster_ids_never_look_like_options() -> None:
    """Generated cluster ids are 22 url-safe characters and never start with '-' (Kafka's rule)."""
    from monitor.broker.embedded import _cluster_id

    ids = {_cluster_id() for _ in range(3000)}
    assert all(len(i) == 22 and not i.startswith("-") for i in ids)
