"""deploy/docker-compose.yml: valid for Compose, and wired together correctly.

The file is loaded the way ``docker compose config`` loads it: by the Docker
Compose plugin when one is installed, else by compose-go (the plugin's own
loader: YAML, merge keys, interpolation, the Compose Specification schema)
through the small Go program in tests/deploy/composecheck. Building that
takes ~40 s the first time, hence ``slow``.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.settings import load_settings
from tests.deploy.support import COMPOSE, CONFIGS, DEPLOY, PROMETHEUS, ROOT, run

pytestmark = pytest.mark.slow

COMPOSECHECK = Path(__file__).resolve().parent / "composecheck"
KAFKA_NODES = ("kafka-1", "kafka-2", "kafka-3")

Loader = Callable[[Path], tuple[int, str, str]]


def _docker_compose_works() -> bool:
    return shutil.which("docker") is not None and run(["docker", "compose", "version"]).returncode == 0


@pytest.fixture(scope="module")
def compose_loader(tmp_path_factory: pytest.TempPathFactory) -> Loader:
    """A function that loads a compose file and returns (exit code, JSON, errors)."""
    if _docker_compose_works():

        def load(path: Path) -> tuple[int, str, str]:
            result = run(["docker", "compose", "-f", str(path), "config", "--format", "json"])
            return result.returncode, result.stdout, result.stderr

        return load
    go = shutil.which("go")
    if go is None:
        pytest.skip(
            "neither the Docker Compose plugin nor Go is installed "
            "(apt-get install docker-compose-plugin, or golang-go for tests/deploy/composecheck)"
        )
    binary = tmp_path_factory.mktemp("composecheck") / "composecheck"
    built = run([go, "build", "-o", str(binary), "."], cwd=COMPOSECHECK, timeout=600)
    assert built.returncode == 0, built.stderr

    def load(path: Path) -> tuple[int, str, str]:
        result = run([str(binary), "-f", str(path)])
        return result.returncode, result.stdout, result.stderr

    return load


@pytest.fixture(scope="module")
def project(compose_loader: Loader) -> dict[str, Any]:
    """The resolved compose project (as `docker compose config --format json` prints it)."""
    code, out, err = compose_loader(COMPOSE)
    assert code == 0, err
    return json.loads(out)


def _service(project: dict[str, Any], name: str) -> dict[str, Any]:
    return project["services"][name]


def _env(service: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in (service.get("environment") or {}).items()}


def test_compose_file_is_valid(project: dict[str, Any]) -> None:
    """The compose file loads without error and defines the whole stack."""
    assert set(project["services"]) == {
        *KAFKA_NODES,
        "kafka-init",
        "ingester",
        "worker",
        "prometheus",
        "grafana",
    }


def test_loader_rejects_an_invalid_file(compose_loader: Loader, tmp_path: Path) -> None:
    """The validator is not vacuous: a minimal file passes, an unknown key or a bad port fails."""
    bad = tmp_path / "bad.yml"
    bad.write_text("name: check\nservices:\n  a:\n    image: x\n", encoding="utf-8")
    assert compose_loader(bad)[0] == 0
    bad.write_text("name: check\nservices:\n  a:\n    image: x\n    replica: 3\n", encoding="utf-8")
    assert compose_loader(bad)[0] != 0
    bad.write_text("name: check\nservices:\n  a:\n    image: x\n    ports: ['eighty:80']\n", encoding="utf-8")
    assert compose_loader(bad)[0] != 0


def test_kafka_is_three_kraft_nodes_forming_one_quorum(project: dict[str, Any]) -> None:
    """Three apache/kafka:4.0.0 nodes, each broker and controller, with one cluster id and three voters."""
    voters = {f"{i}@kafka-{i}:9093" for i in (1, 2, 3)}
    cluster_ids = set()
    node_ids = set()
    for name in KAFKA_NODES:
        service = _service(project, name)
        env = _env(service)
        assert service["image"] == "apache/kafka:4.0.0"
        assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
        assert set(env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")) == voters
        assert f"{env['KAFKA_NODE_ID']}@{name}:9093" in voters
        node_ids.add(env["KAFKA_NODE_ID"])
        cluster_ids.add(env["CLUSTER_ID"])
        listeners = dict(item.split("://") for item in env["KAFKA_LISTENERS"].split(","))
        protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
        assert set(listeners) <= set(protocols)
        assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] in listeners
        assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] in listeners
        advertised = dict(item.split("://") for item in env["KAFKA_ADVERTISED_LISTENERS"].split(","))
        assert advertised["PLAINTEXT"] == f"{name}:9092"
        assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] not in advertised
        assert any(v["target"] == env["KAFKA_LOG_DIRS"] and v["type"] == "volume" for v in service["volumes"])
        assert service["healthcheck"]["test"]
    assert node_ids == {"1", "2", "3"}
    assert len(cluster_ids) == 1


def test_cluster_id_is_a_kafka_uuid(project: dict[str, Any]) -> None:
    """CLUSTER_ID is 16 bytes in unpadded URL-safe base64, as `kafka-storage.sh format` requires."""
    cluster_id = _env(_service(project, "kafka-1"))["CLUSTER_ID"]
    raw = base64.urlsafe_b64decode(cluster_id + "==")
    assert len(cluster_id) == 22 and len(raw) == 16
    assert base64.urlsafe_b64encode(raw).decode().rstrip("=") == cluster_id


def test_replication_factor_is_three(project: dict[str, Any]) -> None:
    """Kafka's own topics get three replicas, and kafka-init creates Newsmon's with three."""
    for name in KAFKA_NODES:
        env = _env(_service(project, name))
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] == "2"
    init = _service(project, "kafka-init")
    assert init["entrypoint"] == ["/bin/bash", "/usr/local/bin/create-topics.sh"]
    assert "REPLICATION_FACTOR" not in _env(init)  # the script's default, 3
    (mount,) = init["volumes"]
    assert Path(mount["source"]) == DEPLOY / "kafka" / "create-topics.sh"
    assert mount["target"] == "/usr/local/bin/create-topics.sh"
    for node in KAFKA_NODES:
        assert init["depends_on"][node]["condition"] == "service_healthy"


def test_newsmon_services_run_the_example_configs(project: dict[str, Any]) -> None:
    """The ingester runs `newsmon run`, the workers `newsmon worker`, each with its deploy/config file."""
    ingester, worker = _service(project, "ingester"), _service(project, "worker")
    assert ingester["command"] == ["run", "--config", "/etc/newsmon/ingester.yaml"]
    assert worker["command"] == ["worker", "--config", "/etc/newsmon/worker.yaml"]
    for service in (ingester, worker):
        assert service["image"] == ingester["image"]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert Path(service["build"]["context"]) == ROOT
        config_mount = next(v for v in service["volumes"] if v["target"] == "/etc/newsmon")
        assert Path(config_mount["source"]) == CONFIGS and config_mount["read_only"]
        assert service["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
        assert service["healthcheck"]["test"]
    assert any(v["target"] == "/var/lib/newsmon" and v["type"] == "volume" for v in ingester["volumes"])


def test_workers_are_replicated(project: dict[str, Any]) -> None:
    """At least three worker replicas run, and no host port pins them to one."""
    worker = _service(project, "worker")
    assert worker["deploy"]["replicas"] >= 3
    assert not worker.get("ports")


def test_configs_point_at_the_compose_brokers(project: dict[str, Any]) -> None:
    """Every Newsmon config bootstraps from the brokers' in-network listener and matches kafka-init."""
    init = _env(_service(project, "kafka-init"))
    for path in sorted(CONFIGS.glob("*.yaml")):
        settings = load_settings(path)
        assert settings.kafka.bootstrap_servers is not None
        assert set(settings.kafka.bootstrap_servers.split(",")) == {f"{n}:9092" for n in KAFKA_NODES}
        assert set(init["BOOTSTRAP"].split(",")) == set(settings.kafka.bootstrap_servers.split(","))
        assert int(init["NEWSMON_PARTITIONS"]) == settings.kafka.partitions, path.name
        assert init["NEWSMON_PREFIX"] == settings.kafka.topic_prefix, path.name
        assert init["NEWSMON_APP_ID"] == settings.app_id, path.name
        assert settings.http.host == "0.0.0.0" and settings.http.port == 8080, path.name


def test_prometheus_scrapes_the_compose_services(project: dict[str, Any]) -> None:
    """Prometheus mounts deploy/prometheus and scrapes the ingester and the worker service by name."""
    service = _service(project, "prometheus")
    mount = next(v for v in service["volumes"] if v["target"] == "/etc/prometheus")
    assert Path(mount["source"]) == PROMETHEUS
    assert "--config.file=/etc/prometheus/prometheus.yml" in service["command"]
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text(encoding="utf-8"))
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["newsmon-ingester"]["static_configs"][0]["targets"] == ["ingester:8080"]
    (dns,) = jobs["newsmon-worker"]["dns_sd_configs"]
    assert dns["names"] == ["worker"] and dns["type"] == "A" and dns["port"] == 8080
    assert {"ingester", "worker"} <= set(project["services"])


def test_grafana_mounts_provisioning_and_dashboards(project: dict[str, Any]) -> None:
    """Grafana gets deploy/grafana/provisioning and the dashboards where the provider looks."""
    service = _service(project, "grafana")
    mounts = {v["target"]: Path(v["source"]) for v in service["volumes"] if v["type"] == "bind"}
    assert mounts["/etc/grafana/provisioning"] == DEPLOY / "grafana" / "provisioning"
    assert mounts["/var/lib/grafana/dashboards"] == DEPLOY / "grafana" / "dashboards"
    home = _env(service)["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (DEPLOY / "grafana" / "dashboards" / Path(home).name).exists()


def test_every_bind_mount_source_exists(project: dict[str, Any]) -> None:
    """Each bind-mounted file or directory is in the repository."""
    for name, service in project["services"].items():
        for volume in service.get("volumes") or []:
            if volume["type"] == "bind":
                assert Path(volume["source"]).exists(), (name, volume["source"])
