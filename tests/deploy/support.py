"""Shared helpers for the deployment tests: paths, tools, PromQL and metric checks."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROMETHEUS = DEPLOY / "prometheus"
RULES = PROMETHEUS / "rules" / "newsmon.rules.yml"
GRAFANA = DEPLOY / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "newsmon.json"
KUBERNETES = DEPLOY / "kubernetes"
CONFIGS = DEPLOY / "config"
COMPOSE = DEPLOY / "docker-compose.yml"
TOPICS_SCRIPT = DEPLOY / "kafka" / "create-topics.sh"

# Metrics that are documented but not (yet) created in monitor/metrics.py.
EXTRA_METRICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "newsmon_consumer_lag": ("Gauge", ("topic", "partition")),
}
# Series Prometheus makes itself.
PROMETHEUS_SERIES = {"up"}

# A metric name not preceded or followed by ':' (those are recording-rule names).
_METRIC_RE = re.compile(r"(?<![\w:])(newsmon_[a-z0-9_]+)(?![\w:])")
_HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


@dataclass(frozen=True)
class Metric:
    """One metric created by monitor.metrics.Metrics."""

    name: str
    kind: str  # Counter, Gauge or Histogram
    labels: tuple[str, ...]


def metric_catalog() -> dict[str, Metric]:
    """Every metric of monitor/metrics.py (read with ast) plus the documented extras."""
    tree = ast.parse((ROOT / "monitor" / "metrics.py").read_text(encoding="utf-8"))
    found: dict[str, Metric] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in {"Counter", "Gauge", "Histogram"} or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        labels: tuple[str, ...] = ()
        if len(node.args) >= 3 and isinstance(node.args[2], ast.List):
            labels = tuple(e.value for e in node.args[2].elts if isinstance(e, ast.Constant))
        found[first.value] = Metric(first.value, node.func.id, labels)
    for name, (kind, labels) in EXTRA_METRICS.items():
        found.setdefault(name, Metric(name, kind, labels))
    return found


def metric_names_in(expr: str) -> set[str]:
    """The newsmon_* metric names an expression selects (recording-rule names excluded)."""
    return set(_METRIC_RE.findall(expr))


def unknown_metrics(expr: str, catalog: dict[str, Metric]) -> set[str]:
    """Names in ``expr`` that no Newsmon metric exports (histogram series resolved to their base)."""
    unknown = set()
    for name in metric_names_in(expr):
        if name in catalog:
            continue
        base = next((name.removesuffix(s) for s in _HISTOGRAM_SUFFIXES if name.endswith(s)), None)
        if base is not None and base in catalog and catalog[base].kind == "Histogram":
            continue
        unknown.add(name)
    return unknown


_SELECTOR_RE = re.compile(r"(?<![\w:])(newsmon_[a-z0-9_]+)\{([^}]*)\}")
_MATCHER_RE = re.compile(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)")
# Labels every scraped series has, or that histogram buckets add.
_TARGET_LABELS = {"job", "instance", "component", "le"}


def unknown_labels(expr: str, catalog: dict[str, Metric]) -> set[str]:
    """``metric:label`` pairs for label matchers in ``expr`` that the metric does not have."""
    unknown = set()
    for name, matchers in _SELECTOR_RE.findall(expr):
        base = next((name.removesuffix(s) for s in _HISTOGRAM_SUFFIXES if name.endswith(s)), name)
        metric = catalog.get(name) or catalog.get(base)
        if metric is None:
            continue  # reported by unknown_metrics
        for label in _MATCHER_RE.findall(matchers):
            if label not in metric.labels and label not in _TARGET_LABELS:
                unknown.add(f"{name}:{label}")
    return unknown


def require_tool(name: str, install_hint: str) -> str:
    """The path of a command-line tool, or skip the test saying how to install it."""
    path = shutil.which(name) or (
        str(ROOT / ".venv" / "bin" / name) if (ROOT / ".venv" / "bin" / name).exists() else None
    )
    if path is None:
        pytest.skip(f"{name} is not installed ({install_hint})")
    return path


def promtool() -> str:
    """The promtool binary, or skip."""
    return require_tool("promtool", "apt-get install prometheus")


def run(args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300):
    """Run a command, capturing text output."""
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def check_promql(exprs: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Parse PromQL expressions with ``promtool check rules`` (one recording rule per expression).

    ``exprs`` maps a readable name (it becomes the rule name) to the expression.
    """
    rules = [
        {"record": "check:" + re.sub(r"[^a-zA-Z0-9_]", "_", name), "expr": expr}
        for name, expr in exprs.items()
    ]
    path = tmp_path / "promql-check.rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "promql-check", "rules": rules}]}), encoding="utf-8")
    return run([promtool(), "check", "rules", str(path)])


def load_yaml_documents(path: Path) -> list[Any]:
    """Every non-empty YAML document of a file."""
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc is not None]
