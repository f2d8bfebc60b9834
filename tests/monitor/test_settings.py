"""Settings: one frozen object, validated once, with errors that name the bad key."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from monitor.errors import ConfigError
from monitor.settings import build_settings, load_settings


def test_defaults_mean_embedded_broker() -> None:
    """With no kafka.bootstrap_servers configured, the embedded broker is used."""
    settings = build_settings({})
    assert settings.kafka.bootstrap_servers is None
    assert settings.http.port == 8080


def test_error_names_the_bad_key() -> None:
    """A wrong value deep in the file is reported with its dotted key."""
    with pytest.raises(ConfigError, match=r"feeds\.1\.interval"):
        build_settings({"feeds": [{"url": "a", "interval": 5}, {"url": "b", "interval": -1}]})


def test_unknown_key_is_rejected() -> None:
    """A misspelt key is an error, not silently ignored."""
    with pytest.raises(ConfigError, match=r"http\.prot"):
        build_settings({"http": {"prot": 80}})


def test_webhook_url_must_be_http() -> None:
    """Webhook destinations must be http(s) URLs."""
    with pytest.raises(ConfigError, match=r"webhooks\.0\.url"):
        build_settings({"webhooks": [{"url": "ftp://example.org/hook"}]})


def test_secret_never_shows(tmp_path: Path) -> None:
    """A webhook secret is a secret type: not in repr or str of the settings."""
    config = tmp_path / "monitor.yaml"
    config.write_text("webhooks:\n  - url: http://127.0.0.1:9/hook\n    secret: hunter2-very-secret\n")
    settings = load_settings(config)
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings.webhooks)
    secret = settings.webhooks[0].secret
    assert secret is not None and secret.get_secret_value() == "hunter2-very-secret"


def test_settings_are_frozen() -> None:
    """Settings cannot be changed after validation."""
    settings = build_settings({})
    with pytest.raises(ValidationError):
        settings.http.port = 1  # type: ignore[misc]


def test_relative_paths_resolve_against_the_config_file(tmp_path: Path) -> None:
    """Paths in a configuration file are relative to that file, not to the current directory."""
    (tmp_path / "conf").mkdir()
    config = tmp_path / "conf" / "monitor.yaml"
    config.write_text(
        "storylines: lines.yaml\nfeeds:\n  - url: articles/\n    interval: 60\n  - url: https://example.org/rss\n"
    )
    settings = load_settings(config)
    assert settings.storylines == tmp_path / "conf" / "lines.yaml"
    assert settings.feeds[0].url == str(tmp_path / "conf" / "articles")
    assert settings.feeds[1].url == "https://example.org/rss"


def test_invalid_yaml_is_a_config_error(tmp_path: Path) -> None:
    """A file that is not YAML gives a ConfigError naming the file."""
    config = tmp_path / "bad.yaml"
    config.write_text("feeds: [unclosed\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml"):
        load_settings(config)


def test_api_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """http.api_token_env reads the API token from the environment; it never shows in the settings' repr."""
    monkeypatch.setenv("NEWSMON_TEST_API_TOKEN", "s3cret-token")
    settings = build_settings({"http": {"api_token_env": "NEWSMON_TEST_API_TOKEN"}})
    assert settings.http.api_token is not None
    assert settings.http.api_token.get_secret_value() == "s3cret-token"
    assert "s3cret-token" not in repr(settings)


def test_api_token_env_unset_names_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """An api_token_env naming a variable that is not set is a configuration error naming the key."""
    monkeypatch.delenv("NEWSMON_TEST_API_TOKEN", raising=False)
    expected = r"http\.api_token_env: environment variable NEWSMON_TEST_API_TOKEN"
    with pytest.raises(ConfigError, match=expected):
        build_settings({"http": {"api_token_env": "NEWSMON_TEST_API_TOKEN"}})


def test_webhook_urls_never_show(tmp_path: Path) -> None:
    """A Slack incoming-webhook URL is a credential: repr(Settings) does not show it (the name does)."""
    url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET"
    settings = build_settings({"webhooks": [{"url": url, "name": "team-slack", "format": "slack"}]})
    assert settings.webhooks[0].url == url
    assert "XXXXSECRET" not in repr(settings) and "team-slack" in repr(settings)


@pytest.mark.parametrize("value", [0, -1, 601, "soon"])
def test_stop_grace_seconds_is_validated(value: object) -> None:
    """stop_grace_seconds must be a number of seconds in (0, 600]; the error names the key."""
    with pytest.raises(ConfigError, match=r"stop_grace_seconds"):
        build_settings({"stop_grace_seconds": value})


def test_stop_grace_seconds_default_and_override() -> None:
    """The stop grace period is 10 s unless configured."""
    assert build_settings({}).stop_grace_seconds == 10.0
    assert build_settings({"stop_grace_seconds": 2.5}).stop_grace_seconds == 2.5
