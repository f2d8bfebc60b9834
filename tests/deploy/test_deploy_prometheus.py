"""deploy/prometheus: the scrape configuration, the rules and their promtool unit tests."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.deploy.support import (
    DEPLOY,
    PROMETHEUS,
    PROMETHEUS_SERIES,
    RULES,
    metric_catalog,
    metric_names_in,
    promtool,
    run,
    unknown_labels,
    unknown_metrics,
)

RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))


def _rules() -> list[dict]:
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return [rule for group in data["groups"] for rule in group["rules"]]


def _alerts() -> list[dict]:
    return [rule for rule in _rules() if "alert" in rule]


def test_prometheus_config_passes_promtool_check_config() -> None:
    """`promtool check config` accepts prometheus.yml, and with it the rule files it names."""
    result = run([promtool(), "check", "config", str(PROMETHEUS / "prometheus.yml")])
    assert result.returncode == 0, result.stdout + result.stderr
    found = re.search(r"SUCCESS: (\d+) rule files found", result.stdout + result.stderr)
    assert found and int(found.group(1)) >= 1, result.stdout + result.stderr


def test_rules_pass_promtool_check_rules() -> None:
    """`promtool check rules` accepts every rule file."""
    files = sorted((PROMETHEUS / "rules").glob("*.yml"))
    assert files
    result = run([promtool(), "check", "rules", *map(str, files)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_rule_unit_tests_pass() -> None:
    """`promtool test rules` runs every unit-test file in deploy/prometheus/tests and all pass."""
    assert RULE_TESTS
    result = run([promtool(), "test", "rules", *map(str, RULE_TESTS)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") >= len(RULE_TESTS), result.stdout
    assert "FAILED" not in result.stdout


def test_unit_tests_catch_a_changed_rule(tmp_path: Path) -> None:
    """The unit tests have teeth: lengthening NewsmonFeedDown's `for` makes them fail."""
    (tmp_path / "rules").mkdir()
    shutil.copytree(PROMETHEUS / "tests", tmp_path / "tests")
    text = RULES.read_text(encoding="utf-8")
    changed = re.sub(r"(alert: NewsmonFeedDown\n\s+expr: .*\n\s+for: )15m", r"\g<1>45m", text)
    assert changed != text
    (tmp_path / "rules" / RULES.name).write_text(changed, encoding="utf-8")
    result = run([promtool(), "test", "rules", str(tmp_path / "tests" / "ingestion.test.yml")])
    assert result.returncode != 0
    assert "NewsmonFeedDown" in result.stdout + result.stderr


def test_every_alert_is_unit_tested_firing_and_not_firing() -> None:
    """Each alert has a unit-test case where it fires and one where it stays silent."""
    firing: set[str] = set()
    silent: set[str] = set()
    for path in RULE_TESTS:
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else silent).add(check["alertname"])
    alerts = {rule["alert"] for rule in _alerts()}
    assert alerts <= firing, f"never seen firing: {sorted(alerts - firing)}"
    assert alerts <= silent, f"never seen silent: {sorted(alerts - silent)}"


def test_required_alerts_exist() -> None:
    """The rules cover feeds, articles, consumer lag, webhooks, dead letters, rejections and components."""
    exprs = {rule["alert"]: rule["expr"] for rule in _alerts()}
    assert "newsmon_feed_up == 0" in exprs["NewsmonFeedDown"]
    assert "newsmon_feed_items_total" in exprs["NewsmonNoNewArticles"]
    assert "newsmon_consumer_lag" in exprs["NewsmonConsumerLagGrowing"]
    assert "deriv(" in exprs["NewsmonConsumerLagGrowing"]
    assert 'channel=~"webhook:.*"' in exprs["NewsmonWebhookFailing"]
    assert 'outcome="dead_lettered"' in exprs["NewsmonAlertsDeadLettered"]
    assert "newsmon_component_up == 0" in exprs["NewsmonComponentDown"]
    assert "newsmon_invalid_records_total" in exprs["NewsmonInvalidRecords"]
    assert "newsmon_article_dead_letters_total" in exprs["NewsmonArticlesDeadLettered"]
    assert 'newsmon_http_requests_total{code=~"5.."}' in exprs["NewsmonHttpServerErrors"]


def test_rejection_alerts_say_where_the_records_went() -> None:
    """The invalid-record and dead-article alerts name the topic their records were copied to."""
    descriptions = {rule["alert"]: rule["annotations"]["description"] for rule in _alerts()}
    invalid = descriptions["NewsmonInvalidRecords"]
    assert "<prefix>-invalid-records" in invalid
    assert "kcat -C -t <prefix>-invalid-records -f '%k %h\\n%s\\n'" in invalid
    assert "<prefix>-articles-deadletter" in descriptions["NewsmonArticlesDeadLettered"]


def test_every_alert_is_listed_in_the_deploy_readme() -> None:
    """deploy/README.md's alert table names every alert of the rules, and no other."""
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(Newsmon\w+)` \|", text, flags=re.MULTILINE))
    assert listed == {rule["alert"] for rule in _alerts()}


def test_alerts_have_severity_summary_and_description() -> None:
    """Every alert carries a severity label and summary/description annotations for the receiver."""
    for rule in _alerts():
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert rule["annotations"]["description"], rule["alert"]


def test_rules_use_only_metrics_and_labels_newsmon_exports() -> None:
    """Every metric a rule selects exists in monitor/metrics.py (or is documented), with those labels."""
    catalog = metric_catalog()
    recorded = {rule["record"] for rule in _rules() if "record" in rule}
    for rule in _rules():
        expr = rule["expr"]
        assert not unknown_metrics(expr, catalog), (rule.get("alert") or rule.get("record"), expr)
        assert not unknown_labels(expr, catalog), (rule.get("alert") or rule.get("record"), expr)
        for name in re.findall(r"[a-z_]+:[a-z0-9_]+:[a-z0-9_]+", expr):
            assert name in recorded, f"{name} is not a recording rule"
        others = set(re.findall(r"(?<![\w:])([a-z_]+)\{", expr)) - {"newsmon"}
        assert {o for o in others if not o.startswith("newsmon_")} <= PROMETHEUS_SERIES, expr


def test_scrape_jobs_match_the_job_names_the_rules_use() -> None:
    """prometheus.yml scrapes job newsmon-ingester and newsmon-worker, the jobs the rules name."""
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text(encoding="utf-8"))
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    named = set()
    for rule in _rules():
        named |= set(re.findall(r'job="([^"]+)"', rule["expr"]))
    assert named == {"newsmon-ingester", "newsmon-worker"}
    assert named <= jobs
    assert config["rule_files"] == ["rules/*.rules.yml"]
    assert RULES.name.endswith(".rules.yml")


def test_metric_name_check_rejects_unknown_names() -> None:
    """The metric check used above is not vacuous: a misspelt name and a wrong label are reported."""
    catalog = metric_catalog()
    assert metric_names_in("sum(rate(newsmon_feed_fetch_total[5m]))") == {"newsmon_feed_fetch_total"}
    assert unknown_metrics("sum(rate(newsmon_feed_fetch_total[5m]))", catalog) == {"newsmon_feed_fetch_total"}
    assert unknown_labels('newsmon_feed_up{feed="x"}', catalog) == {"newsmon_feed_up:feed"}


@pytest.mark.parametrize("path", RULE_TESTS, ids=lambda p: p.name)
def test_rule_test_files_load_the_rules_by_relative_path(path: Path) -> None:
    """Each unit-test file loads ../rules/newsmon.rules.yml, so it runs from any directory."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["rule_files"] == ["../rules/newsmon.rules.yml"]
