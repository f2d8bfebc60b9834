"""Shared fixtures: the real embedded Kafka broker, started once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from monitor.broker.embedded import EmbeddedBroker

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real single-node Apache Kafka (KRaft) on a free port, for the whole session."""
    broker = EmbeddedBroker(tmp_path_factory.mktemp("kafka-state"), port=0)
    bootstrap = broker.start(timeout=120)
    yield bootstrap
    broker.stop()


@pytest.fixture(autouse=True)
def _structlog_config_restored() -> Iterator[None]:
    """Each test leaves structlog as it found it: a CLI test configures logging (level filter
    included), which would otherwise hide info events from a later test's ``capture_logs``."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)
