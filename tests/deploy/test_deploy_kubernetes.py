"""deploy/kubernetes: manifests valid against the bundled Kubernetes schemas, and wired together.

Schemas come from the ``kubernetes-validate`` package (PyPI), which ships the
OpenAPI-derived JSON schemas of every Kubernetes minor version: no network.
"""

from __future__ import annotations

import copy
import functools
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.settings import load_settings
from tests.deploy.support import KUBERNETES, load_yaml_documents

kubernetes_validate = pytest.importorskip(
    "kubernetes_validate", reason="kubernetes-validate is not installed (pip install kubernetes-validate)"
)

MANIFESTS = sorted(p for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml")
# The oldest Kubernetes still commonly run, and the newest the package knows.
VERSIONS = ("1.29.0", kubernetes_validate.latest_version())


@functools.cache
def _resources() -> list[dict[str, Any]]:
    """Every resource of the manifests (parsed once; callers must not modify them)."""
    return [doc for path in MANIFESTS for doc in load_yaml_documents(path)]


def _one(kind: str, name: str) -> dict[str, Any]:
    (found,) = [r for r in _resources() if r["kind"] == kind and r["metadata"]["name"] == name]
    return found


def _pod_spec(deployment: str) -> dict[str, Any]:
    return _one("Deployment", deployment)["spec"]["template"]["spec"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid_against_the_kubernetes_schema(path: Path, version: str) -> None:
    """Every resource validates strictly (unknown fields rejected) against the bundled schema."""
    for resource in load_yaml_documents(path):
        kubernetes_validate.validate(resource, version, strict=True)


def test_strict_validation_rejects_a_misspelt_field() -> None:
    """The schema check is not vacuous: a typo in a Deployment (`livenesProbe`) fails it."""
    deployment = copy.deepcopy(_one("Deployment", "newsmon-worker"))
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["livenesProbe"] = container.pop("livenessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSIONS[-1], strict=True)


def test_kustomization_lists_every_manifest() -> None:
    """kustomization.yaml includes every manifest file, in namespace newsmon."""
    kustomization = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text(encoding="utf-8"))
    assert sorted(kustomization["resources"]) == sorted(p.name for p in MANIFESTS)
    assert kustomization["namespace"] == "newsmon"
    for resource in _resources():
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == "newsmon", resource["metadata"]["name"]


@pytest.mark.parametrize("deployment", ["newsmon-ingester", "newsmon-worker"])
def test_probes_check_healthz_on_the_http_port(deployment: str) -> None:
    """Startup, liveness and readiness probes GET /healthz on the port Newsmon's http.port listens on."""
    (container,) = _pod_spec(deployment)["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["http"] == 8080
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "http"}, probe


@pytest.mark.parametrize("deployment", ["newsmon-ingester", "newsmon-worker"])
def test_every_container_has_requests_and_limits(deployment: str) -> None:
    """Each container, init containers included, requests CPU and memory and has a memory limit."""
    spec = _pod_spec(deployment)
    for container in spec["containers"] + spec.get("initContainers", []):
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]), container["name"]
        assert "memory" in resources["limits"], container["name"]


@pytest.mark.parametrize("deployment", ["newsmon-ingester", "newsmon-worker"])
def test_pods_run_restricted(deployment: str) -> None:
    """Pods run as non-root, without privilege escalation or capabilities, on a read-only root."""
    spec = _pod_spec(deployment)
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    for container in spec["containers"] + spec.get("initContainers", []):
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False, container["name"]
        assert context["readOnlyRootFilesystem"] is True, container["name"]
        assert context["capabilities"]["drop"] == ["ALL"], container["name"]


@pytest.mark.parametrize(
    ("deployment", "command"), [("newsmon-ingester", "run"), ("newsmon-worker", "worker")]
)
def test_deployments_run_newsmon_with_the_configmap(deployment: str, command: str) -> None:
    """Each Deployment runs its newsmon command with a config file that the ConfigMap provides."""
    spec = _pod_spec(deployment)
    (container,) = spec["containers"]
    assert container["args"][0] == command
    assert container["args"][1] == "--config"
    config_file = Path(container["args"][2])
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == str(config_file.parent))
    volume = next(v for v in spec["volumes"] if v["name"] == mount["name"])
    configmap = _one("ConfigMap", volume["configMap"]["name"])
    assert config_file.name in configmap["data"]


def test_configmap_configs_load_with_the_settings_loader() -> None:
    """Each config file in the ConfigMap validates with monitor.settings.load_settings, consistently."""
    configmap = _one("ConfigMap", "newsmon-config")
    loaded = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in configmap["data"].items():
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            loaded[name] = load_settings(path)
    assert set(loaded) == {"ingester.yaml", "worker.yaml"}
    ingester, worker = loaded["ingester.yaml"], loaded["worker.yaml"]
    assert ingester.kafka == worker.kafka and ingester.kafka.bootstrap_servers
    assert ingester.app_id == worker.app_id and ingester.storylines == worker.storylines
    assert ingester.feeds and not worker.feeds
    for settings in loaded.values():
        assert settings.http.host == "0.0.0.0" and settings.http.port == 8080


def test_init_containers_create_the_topics_the_configs_use() -> None:
    """The topic init container's parameters match the Newsmon configuration (prefix, app id, partitions)."""
    topics = _one("ConfigMap", "newsmon-kafka-topics")["data"]
    configmap = _one("ConfigMap", "newsmon-config")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "worker.yaml"
        path.write_text(configmap["data"]["worker.yaml"], encoding="utf-8")
        settings = load_settings(path)
    assert topics["BOOTSTRAP"] == settings.kafka.bootstrap_servers
    assert topics["NEWSMON_PREFIX"] == settings.kafka.topic_prefix
    assert topics["NEWSMON_APP_ID"] == settings.app_id
    assert int(topics["NEWSMON_PARTITIONS"]) == settings.kafka.partitions
    for deployment in ("newsmon-ingester", "newsmon-worker"):
        (init,) = _pod_spec(deployment)["initContainers"]
        assert init["command"] == ["/bin/bash", "/opt/newsmon/create-topics.sh"]
        refs = {e["name"]: e["valueFrom"]["configMapKeyRef"] for e in init["env"] if "valueFrom" in e}
        assert set(refs) == {"BOOTSTRAP", "NEWSMON_PREFIX", "NEWSMON_APP_ID", "NEWSMON_PARTITIONS"}
        assert all(r["name"] == "newsmon-kafka-topics" and r["key"] == k for k, r in refs.items())


def test_services_and_budgets_select_their_pods() -> None:
    """Services, the PodDisruptionBudget and the HPA target the pods of the right Deployment."""
    for name in ("newsmon-ingester", "newsmon-worker"):
        labels = _one("Deployment", name)["spec"]["template"]["metadata"]["labels"]
        selector = _one("Service", name)["spec"]["selector"]
        assert selector.items() <= labels.items(), name
        assert _one("Deployment", name)["spec"]["selector"]["matchLabels"].items() <= labels.items()
    worker_labels = _one("Deployment", "newsmon-worker")["spec"]["template"]["metadata"]["labels"]
    pdb = _one("PodDisruptionBudget", "newsmon-worker")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= worker_labels.items()
    hpa = _one("HorizontalPodAutoscaler", "newsmon-worker")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "newsmon-worker",
    }


def test_workers_never_scale_beyond_the_partitions() -> None:
    """The HPA's maxReplicas equals kafka.partitions: more workers would idle."""
    configmap = _one("ConfigMap", "newsmon-config")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "worker.yaml"
        path.write_text(configmap["data"]["worker.yaml"], encoding="utf-8")
        partitions = load_settings(path).kafka.partitions
    hpa = _one("HorizontalPodAutoscaler", "newsmon-worker")
    assert hpa["spec"]["maxReplicas"] == partitions
    assert 1 <= hpa["spec"]["minReplicas"] <= _one("Deployment", "newsmon-worker")["spec"]["replicas"]


def test_single_ingester_is_never_doubled() -> None:
    """The ingester runs one replica and is replaced with Recreate, so two never poll at once."""
    spec = _one("Deployment", "newsmon-ingester")["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"]["type"] == "Recreate"
