"""The command line: thin, with clear errors and the documented exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from monitor.cli.main import app

DATA = Path(__file__).resolve().parents[2] / "data" / "cli"
runner = CliRunner()


def test_bad_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    """`newsmon run` with an invalid config exits 2 and names the bad key, before starting anything."""
    config = tmp_path / "monitor.yaml"
    config.write_text("feeds:\n  - url: seeds\n    interval: -5\n")
    result = runner.invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 2
    assert "feeds.0.interval" in result.output


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    """A config path that does not exist is a configuration error (exit 2)."""
    result = runner.invoke(app, ["run", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "cannot read configuration" in result.output


def test_non_utf8_config_exits_2(tmp_path: Path) -> None:
    """A configuration saved in Latin-1 is a configuration error naming the file (exit 2), not a traceback."""
    config = tmp_path / "monitor.yaml"
    config.write_bytes("feeds:\n  - url: caf\xe9\n".encode("latin-1"))
    result = runner.invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output and "monitor.yaml" in result.output


def test_non_utf8_storylines_exits_2(tmp_path: Path) -> None:
    """A storylines file in Latin-1 is a configuration error naming it (exit 2)."""
    storylines = tmp_path / "storylines.yaml"
    storylines.write_bytes("- id: a\n  title: Caf\xe9\n".encode("latin-1"))
    config = tmp_path / "monitor.yaml"
    config.write_text(f"storylines: {storylines}\n")
    result = runner.invoke(app, ["run", "--config", str(config)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output and "storylines.yaml" in result.output


def test_broker_status_when_stopped(tmp_path: Path) -> None:
    """`newsmon broker status` exits 1 and says so when no broker runs for the state directory."""
    config = tmp_path / "monitor.yaml"
    config.write_text(f"state_dir: {tmp_path / 'state'}\n")
    result = runner.invoke(app, ["broker", "status", "--config", str(config)])
    assert result.exit_code == 1
    assert "not running" in result.output


def test_feeds_import_adds_new_feeds_once(tmp_path: Path) -> None:
    """Importing an OPML list adds its feeds to the config, and a second import adds nothing."""
    config = tmp_path / "monitor.yaml"
    config.write_text("feeds:\n  - url: https://news.example.org/world/rss.xml\n    interval: 60\n")
    first = runner.invoke(app, ["feeds", "import", str(DATA / "subscriptions.opml"), "--config", str(config)])
    assert first.exit_code == 0, first.output
    assert "added 2 feed(s)" in first.output
    urls = [f["url"] for f in yaml.safe_load(config.read_text())["feeds"]]
    assert urls == [
        "https://news.example.org/world/rss.xml",
        "https://news.example.org/asia/atom.xml",
        "https://korea.example.net/feed.json",
    ]
    second = runner.invoke(
        app, ["feeds", "import", str(DATA / "subscriptions.opml"), "--config", str(config)]
    )
    assert "added 0 feed(s)" in second.output


def test_score_detect_reports_figures() -> None:
    """`newsmon score detect --json` runs the labeled set through real enrichment and detection."""
    root = Path(__file__).resolve().parents[3]
    result = runner.invoke(
        app,
        [
            "score",
            "detect",
            str(root / "tests/data/detect/dataset.yaml"),
            "--storylines",
            str(root / "seeds/storylines.yaml"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert "spacy" in json.dumps(figures).lower()
    assert figures["storylines"]["f1"] >= 0.8


def test_score_missing_data_is_exit_2(tmp_path: Path) -> None:
    """Scoring a labeled file that does not exist is a usage error naming the path."""
    result = runner.invoke(app, ["score", "nlp", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
    assert "none.yaml" in result.output


def test_score_judgement_reports_the_dev_part() -> None:
    """`newsmon score judgement` prints every figure the issue asks for, on the part it is given."""
    root = Path(__file__).resolve().parents[2] / "data" / "judgement"
    args = ["score", "judgement", str(root / "dev"), "--storylines", str(root / "storylines.yaml")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    expected = ("storyline match", "with exactly one new_event", "event titles", "with the erring sentence")
    for line in (*expected, "look-alikes flagged", "per 30 articles"):
        assert line in result.output


def test_score_judgement_missing_part_exits_2(tmp_path: Path) -> None:
    """A labelled part that does not exist is a usage error naming the path."""
    result = runner.invoke(app, ["score", "judgement", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "nope" in result.output
