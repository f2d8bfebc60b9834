"""deploy/grafana: the Newsmon dashboard and the provisioning files (Grafana itself is not run)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.support import (
    DASHBOARD,
    GRAFANA,
    check_promql,
    metric_catalog,
    metric_names_in,
    unknown_labels,
    unknown_metrics,
)

# Grafana's built-in variables, replaced by plausible values before parsing.
BUILTINS = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "6h"}


def _dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel that shows data (rows excluded), including panels nested in collapsed rows."""
    found = []
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            found.extend(panel.get("panels", []))
        else:
            found.append(panel)
    return found


def _variables(dashboard: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {var["name"]: var for var in dashboard["templating"]["list"]}


def _exprs(dashboard: dict[str, Any]) -> dict[str, str]:
    """Panel title / refId -> PromQL expression."""
    return {f"{p['title']} {t['refId']}": t["expr"] for p in _panels(dashboard) for t in p["targets"]}


def _substitute(expr: str, variables: dict[str, dict[str, Any]]) -> str:
    for name, value in BUILTINS.items():
        expr = expr.replace(name, value)
    for name in variables:
        expr = expr.replace("${" + name + "}", ".*").replace("$" + name, ".*")
    return expr


def test_dashboard_has_uid_title_and_modern_schema() -> None:
    """The dashboard JSON has a fixed uid, a title and schemaVersion >= 36."""
    dashboard = _dashboard()
    assert dashboard["uid"] == "newsmon-overview"
    assert dashboard["title"]
    assert dashboard["schemaVersion"] >= 36
    assert "id" not in dashboard or dashboard["id"] is None  # provisioning assigns ids


def test_datasource_is_chosen_by_a_variable() -> None:
    """A `datasource` variable of type datasource (Prometheus) exists, and every panel and target uses it."""
    dashboard = _dashboard()
    variable = _variables(dashboard)["datasource"]
    assert variable["type"] == "datasource"
    assert variable["query"] == "prometheus"
    expected = {"type": "prometheus", "uid": "${datasource}"}
    for panel in _panels(dashboard):
        assert panel["datasource"] == expected, panel["title"]
        assert panel["targets"], f"{panel['title']} has no query"
        for target in panel["targets"]:
            assert target["datasource"] == expected, panel["title"]
            assert target["expr"].strip(), panel["title"]
            assert target["refId"], panel["title"]
    for variable in _variables(dashboard).values():
        if variable["type"] == "query":
            assert variable["datasource"] == expected, variable["name"]


def test_panels_have_unique_ids_and_do_not_overlap() -> None:
    """Panel ids are unique, every panel fits the 24-column grid, and no two panels overlap."""
    panels = _dashboard()["panels"]
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))
    cells: dict[tuple[int, int], str] = {}
    for panel in panels:
        pos = panel["gridPos"]
        assert pos["x"] >= 0 and pos["w"] > 0 and pos["x"] + pos["w"] <= 24, panel["title"]
        for x in range(pos["x"], pos["x"] + pos["w"]):
            for y in range(pos["y"], pos["y"] + pos["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps {cells[(x, y)]}"
                cells[(x, y)] = panel["title"]


def test_every_expression_parses(tmp_path: Path) -> None:
    """Every panel query is valid PromQL (checked by promtool, variables substituted)."""
    dashboard = _dashboard()
    exprs = {name: _substitute(expr, _variables(dashboard)) for name, expr in _exprs(dashboard).items()}
    assert not [e for e in exprs.values() if "$" in e], "an unknown variable is left"
    result = check_promql(exprs, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promql_check_rejects_invalid_expressions(tmp_path: Path) -> None:
    """The PromQL check used above is not vacuous: a broken expression fails it."""
    result = check_promql({"broken": "sum(rate(newsmon_feed_up[5m])"}, tmp_path)
    assert result.returncode != 0


def test_expressions_use_only_defined_variables() -> None:
    """Every $variable in a query is a dashboard variable or a Grafana built-in."""
    dashboard = _dashboard()
    names = set(_variables(dashboard))
    for name, expr in _exprs(dashboard).items():
        for used in re.findall(r"\$\{?(\w+)", expr):
            assert used in names or f"${used}" in BUILTINS, (name, used)


def test_expressions_use_only_metrics_and_labels_newsmon_exports() -> None:
    """Every metric a panel queries exists in monitor/metrics.py (or is documented), with those labels."""
    catalog = metric_catalog()
    for name, expr in _exprs(_dashboard()).items():
        assert not unknown_metrics(expr, catalog), (name, expr)
        assert not unknown_labels(expr, catalog), (name, expr)


def test_query_variables_read_existing_metric_labels() -> None:
    """Each label_values(metric, label) variable names a Newsmon metric and one of its labels."""
    catalog = metric_catalog()
    for variable in _variables(_dashboard()).values():
        if variable["type"] != "query":
            continue
        query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
        match = re.fullmatch(r"label_values\((\w+),\s*(\w+)\)", query)
        assert match, query
        metric, label = match.groups()
        assert metric in catalog, query
        assert label in catalog[metric].labels, query
        assert variable["includeAll"] and variable["allValue"] == ".*", variable["name"]


@pytest.mark.parametrize(
    ("section", "metrics"),
    [
        (
            "Ingestion",
            {
                "newsmon_feed_fetches_total",
                "newsmon_feed_items_total",
                "newsmon_feed_up",
                "newsmon_feed_last_new_item_timestamp_seconds",
            },
        ),
        (
            "Processing",
            {"newsmon_articles_total", "newsmon_stage_duration_seconds_bucket", "newsmon_consumer_lag"},
        ),
        (
            "Alerts",
            {
                "newsmon_developments_total",
                "newsmon_alerts_total",
                "newsmon_alert_delivery_duration_seconds_bucket",
            },
        ),
        ("Storylines", {"newsmon_storyline_matches_total", "newsmon_events"}),
        (
            "Rejections",
            {
                "newsmon_invalid_records_total",
                "newsmon_article_dead_letters_total",
                "newsmon_feed_fetches_total",
                "newsmon_http_requests_total",
                "newsmon_websub_refused_total",
            },
        ),
    ],
)
def test_each_section_covers_its_metrics(section: str, metrics: set[str]) -> None:
    """Each row of the dashboard queries the metrics of its part of the pipeline."""
    used: set[str] = set()
    current = None
    for panel in _dashboard()["panels"]:
        if panel["type"] == "row":
            current = panel["title"]
        elif current == section:
            for target in panel["targets"]:
                used |= metric_names_in(target["expr"])
    assert metrics <= used, sorted(metrics - used)


def test_latency_panels_show_p50_and_p95() -> None:
    """Stage latency is shown as p50 and p95 with histogram_quantile over the buckets by stage."""
    exprs = [
        t["expr"]
        for p in _panels(_dashboard())
        for t in p["targets"]
        if "newsmon_stage_duration_seconds_bucket" in t["expr"]
    ]
    assert any(e.startswith("histogram_quantile(0.5,") and "by (stage, le)" in e for e in exprs)
    assert any(e.startswith("histogram_quantile(0.95,") and "by (stage, le)" in e for e in exprs)


def test_dead_letters_and_delivery_outcomes_are_shown() -> None:
    """The dashboard shows deliveries by outcome and the dead-lettered alerts on their own."""
    exprs = [t["expr"] for p in _panels(_dashboard()) for t in p["targets"]]
    assert any("sum by (outcome)" in e and "newsmon_alerts_total" in e for e in exprs)
    assert any('outcome="dead_lettered"' in e for e in exprs)


def _section(title: str) -> list[dict[str, Any]]:
    """The panels under the row with this title, up to the next row."""
    found: list[dict[str, Any]] = []
    current = None
    for panel in _dashboard()["panels"]:
        if panel["type"] == "row":
            current = panel["title"]
        elif current == title:
            found.append(panel)
    return found


def test_rejection_panels_say_what_was_refused_and_where_it_went() -> None:
    """The Rejections row shows refused fetches and 4xx/5xx answers; its record panels name their topics."""
    rejections = _section("Rejections")
    exprs = [t["expr"] for p in rejections for t in p["targets"]]
    assert any('reason="refused"' in e and "newsmon_feed_fetches_total" in e for e in exprs)
    assert any('code=~"[45].."' in e and "sum by (route, code)" in e for e in exprs)
    described = {
        metric: panel["description"]
        for panel in rejections
        for target in panel["targets"]
        for metric in metric_names_in(target["expr"])
    }
    assert "<prefix>-invalid-records" in described["newsmon_invalid_records_total"]
    assert "kcat -C -t <prefix>-invalid-records" in described["newsmon_invalid_records_total"]
    assert "<prefix>-articles-deadletter" in described["newsmon_article_dead_letters_total"]
    for panel in rejections:
        assert panel["options"]["legend"]["displayMode"] == "table", panel["title"]


def test_datasource_provisioning_points_at_the_compose_prometheus() -> None:
    """The provisioned data source is a default Prometheus at http://prometheus:9090."""
    data = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text("utf-8"))
    assert data["apiVersion"] == 1
    (source,) = data["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    assert source["isDefault"] is True


def test_dashboard_provisioning_loads_the_dashboards_directory() -> None:
    """The dashboard provider reads files from the directory compose mounts deploy/grafana/dashboards to."""
    data = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "newsmon.yml").read_text("utf-8"))
    assert data["apiVersion"] == 1
    (provider,) = data["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards"
