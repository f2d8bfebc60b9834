"""deploy/kafka/create-topics.sh: creates exactly Newsmon's topics, replicated, for compose and Kubernetes.

The script runs against a stub ``kafka-topics.sh`` (``KAFKA_TOPICS``) that
records its arguments, so no Kafka is needed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.settings import load_settings
from streams import topics
from streams.topics import TopicNames
from tests.deploy.support import COMPOSE, CONFIGS, KUBERNETES, ROOT, TOPICS_SCRIPT, load_yaml_documents, run


def _tables() -> list[str]:
    """The Faust tables streams/app.py declares (each has a <app_id>-<table>-changelog topic)."""
    source = (ROOT / "streams" / "app.py").read_text(encoding="utf-8")
    return [getattr(topics, name) for name in re.findall(r"app\.Table\(\s*(\w+)", source)]


def _stub(tmp_path: Path, *, exit_code: int = 0) -> tuple[Path, Path]:
    """A fake kafka-topics.sh that appends its arguments, as JSON, to a log file."""
    log = tmp_path / "calls.jsonl"
    stub = tmp_path / "kafka-topics.sh"
    stub.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        f"open({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"sys.exit({exit_code})\n",
        encoding="utf-8",
    )
    stub.chmod(0o755)
    return stub, log


def _run_script(
    tmp_path: Path, env: dict[str, str], *, exit_code: int = 0
) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    """Run create-topics.sh with ``env`` against the stub; its result and the stub's calls."""
    stub, log = _stub(tmp_path, exit_code=exit_code)
    full_env = {"PATH": os.environ["PATH"], "KAFKA_TOPICS": str(stub), **env}
    result = run(["bash", str(TOPICS_SCRIPT)], env=full_env, timeout=60)
    calls = (
        [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    )
    return result, calls


def _parse(call: list[str]) -> dict[str, Any]:
    """--topic, --partitions, --replication-factor and the --config entries of one call."""
    parsed: dict[str, Any] = {"configs": {}, "flags": set()}
    args = iter(call)
    for arg in args:
        if arg in {"--topic", "--partitions", "--replication-factor", "--bootstrap-server"}:
            parsed[arg.lstrip("-")] = next(args)
        elif arg == "--config":
            key, value = next(args).split("=", 1)
            parsed["configs"][key] = value
        else:
            parsed["flags"].add(arg)
    return parsed


def _compose_init_env() -> dict[str, str]:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return {k: str(v) for k, v in compose["services"]["kafka-init"]["environment"].items()}


def _kubernetes_topics_configmap() -> dict[str, str]:
    (configmap,) = load_yaml_documents(KUBERNETES / "kafka-topics.yaml")
    return configmap["data"]


def test_creates_every_newsmon_topic_with_three_replicas(tmp_path: Path) -> None:
    """With compose's kafka-init settings: the pipeline topics, the changelogs, Faust's leader topic."""
    env = _compose_init_env()
    result, calls = _run_script(tmp_path, env)
    assert result.returncode == 0, result.stderr
    settings = load_settings(CONFIGS / "worker.yaml")
    created = {c["topic"]: c for c in map(_parse, calls)}
    pipeline = set(TopicNames(settings.kafka.topic_prefix).all())
    changelogs = {f"{settings.app_id}-{table}-changelog" for table in _tables()}
    leader = f"{settings.app_id}-__assignor-__leader"
    assert _tables() == ["storyline-state", "delivered"]
    assert set(created) == pipeline | changelogs | {leader}
    for name, call in created.items():
        assert call["bootstrap-server"] == env["BOOTSTRAP"]
        assert {"--create", "--if-not-exists"} <= call["flags"]
        assert call["replication-factor"] == "3", name
        assert call["configs"]["min.insync.replicas"] == "2", name
        names = TopicNames(settings.kafka.topic_prefix)
        expected = "1" if name in (leader, names.silences) else str(settings.kafka.partitions)
        assert call["partitions"] == expected, name
        policy = call["configs"].get("cleanup.policy", "delete")
        compacted = name in changelogs or name in (names.deadletter, names.silences)
        expected_policy = "compact" if compacted else "delete"
        if name == names.invalid_records:  # kept once per source record, and for the retention only
            expected_policy = "compact,delete"
        assert policy == expected_policy, name


def test_kubernetes_parameters_give_the_same_topics(tmp_path: Path) -> None:
    """The Kubernetes ConfigMap's parameters create the same topics as compose (bootstrap aside)."""
    data = _kubernetes_topics_configmap()
    env = {k: v for k, v in data.items() if k.isupper()}
    (tmp_path / "k8s").mkdir()
    (tmp_path / "compose").mkdir()
    result, calls = _run_script(tmp_path / "k8s", env)
    assert result.returncode == 0, result.stderr
    compose_result, compose_calls = _run_script(tmp_path / "compose", _compose_init_env())
    assert compose_result.returncode == 0, compose_result.stderr

    def without_bootstrap(calls: list[list[str]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in _parse(c).items() if k != "bootstrap-server"} for c in calls]

    assert without_bootstrap(calls) == without_bootstrap(compose_calls)


def test_kubernetes_copy_is_identical() -> None:
    """deploy/kubernetes/kafka-topics.yaml carries deploy/kafka/create-topics.sh verbatim."""
    assert _kubernetes_topics_configmap()["create-topics.sh"] == TOPICS_SCRIPT.read_text(encoding="utf-8")


def test_fails_without_bootstrap_servers(tmp_path: Path) -> None:
    """Without BOOTSTRAP the script stops before calling kafka-topics.sh, naming the variable."""
    result, calls = _run_script(tmp_path, {})
    assert result.returncode != 0
    assert "BOOTSTRAP" in result.stderr
    assert calls == []


def test_stops_at_the_first_failure(tmp_path: Path) -> None:
    """A failing kafka-topics.sh (Kafka unreachable) fails the script at once, so the init step retries."""
    result, calls = _run_script(tmp_path, {"BOOTSTRAP": "kafka:9092"}, exit_code=1)
    assert result.returncode != 0
    assert len(calls) == 1


def test_script_passes_shellcheck() -> None:
    """shellcheck finds nothing to complain about in the script."""
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    result = run([shellcheck, str(TOPICS_SCRIPT)])
    assert result.returncode == 0, result.stdout
