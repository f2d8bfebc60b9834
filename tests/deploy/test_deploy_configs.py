"""deploy/config: the example configurations load with Newsmon's own settings loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.settings import load_settings
from monitor.storylines.config import load_storylines
from tests.deploy.support import CONFIGS, DEPLOY, ROOT

CONFIG_FILES = sorted(CONFIGS.glob("*.yaml"))
# deploy/Dockerfile copies seeds/ here; the example configs refer to it.
IMAGE_SEEDS = Path("/usr/share/newsmon/seeds")


def _in_repo(path: Path) -> Path:
    """The repository file that the image holds at ``path`` (under IMAGE_SEEDS)."""
    return ROOT / "seeds" / path.relative_to(IMAGE_SEEDS)


def test_there_are_ingester_and_worker_configs() -> None:
    """deploy/config has the ingester's and the workers' configuration."""
    assert {p.name for p in CONFIG_FILES} == {"ingester.yaml", "worker.yaml"}


@pytest.mark.parametrize("path", CONFIG_FILES, ids=lambda p: p.name)
def test_config_loads_with_load_settings(path: Path) -> None:
    """Each example config validates with monitor.settings.load_settings and names an external Kafka."""
    settings = load_settings(path)
    assert settings.kafka.bootstrap_servers, "an empty bootstrap would start the embedded broker"
    assert settings.http.host == "0.0.0.0"
    assert settings.state_dir == Path("/var/lib/newsmon")


def test_processes_of_one_cluster_agree() -> None:
    """Ingester and workers share Kafka settings, app id and storylines (topics, group, partitions)."""
    ingester = load_settings(CONFIGS / "ingester.yaml")
    worker = load_settings(CONFIGS / "worker.yaml")
    assert ingester.kafka == worker.kafka
    assert ingester.app_id == worker.app_id
    assert ingester.storylines == worker.storylines


def test_only_the_ingester_has_feeds() -> None:
    """The ingester polls feeds; the worker config lists none (a worker never polls)."""
    assert load_settings(CONFIGS / "ingester.yaml").feeds
    assert not load_settings(CONFIGS / "worker.yaml").feeds


@pytest.mark.parametrize("path", CONFIG_FILES, ids=lambda p: p.name)
def test_paths_refer_to_what_the_image_ships(path: Path) -> None:
    """Storylines and local feeds point into the image's copy of seeds/, and those files load."""
    settings = load_settings(path)
    assert settings.storylines.is_relative_to(IMAGE_SEEDS)
    assert load_storylines(_in_repo(settings.storylines))
    for feed in settings.feeds:
        if "://" not in feed.url:
            assert _in_repo(Path(feed.url)).exists(), feed.url
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert f"COPY seeds {IMAGE_SEEDS}" in dockerfile
    assert "COPY deploy/config/ /etc/newsmon/" in dockerfile
