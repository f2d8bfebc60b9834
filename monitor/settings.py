"""One frozen, typed settings object, built once by the CLI and passed down.

Validation errors name the offending key (``feeds.0.interval``) and are raised
as :class:`~monitor.errors.ConfigError`; secrets are ``SecretStr`` and never
appear in ``repr`` or logs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, IPvAnyNetwork, SecretStr, ValidationError, field_validator

from monitor.egress import EgressPolicy
from monitor.errors import ConfigError

AlertKind = Literal["new_event", "new_development", "conflict"]

DEFAULT_STATE_DIR = Path(".state")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KafkaSettings(_Frozen):
    """Where Kafka is. No ``bootstrap_servers`` means: start the embedded broker."""

    bootstrap_servers: str | None = None
    topic_prefix: str = "newsmon"
    partitions: int = Field(default=4, ge=1, le=1024)
    replication_factor: int = Field(default=1, ge=1, le=16)


class EmbeddedBrokerSettings(_Frozen):
    """The single-node Apache Kafka that ``newsmon`` runs itself."""

    port: int = Field(default=9092, ge=0, le=65535)
    controller_port: int = Field(default=0, ge=0, le=65535)
    heap: str = "512m"


class FeedSettings(_Frozen):
    """A feed to poll: an http(s) URL, or a local feed file or article directory."""

    url: str = Field(min_length=1)
    interval: float = Field(default=300.0, gt=0)

    @field_validator("url")
    @classmethod
    def _url_kind(cls, value: str) -> str:
        if "://" in value and not value.startswith(("http://", "https://", "file://")):
            raise ValueError("must be an http(s) URL or a local path")
        return value


class WebhookSettings(_Frozen):
    """A webhook destination for alerts.

    ``secret`` may also come from the environment: ``secret_env: NAME`` reads
    ``$NAME`` at start-up (so configuration files can live in a ConfigMap).
    """

    url: str = Field(repr=False, description="Not shown in repr: an incoming-webhook URL is a credential.")
    name: str | None = None
    secret: SecretStr | None = None
    secret_env: str | None = None
    kinds: tuple[AlertKind, ...] = ()
    storylines: tuple[str, ...] = ()
    min_confidence: float = Field(default=0.0, ge=0, le=1)
    format: Literal["newsmon", "slack"] = "newsmon"
    timeout: float = Field(default=10.0, gt=0)
    max_attempts: int = Field(default=5, ge=1, le=50)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value


class AlertSettings(_Frozen):
    """Delivery behaviour shared by all destinations."""

    retry_base_delay: float = Field(default=1.0, ge=0)
    retry_max_delay: float = Field(default=60.0, ge=0)
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown: float = Field(default=60.0, ge=0)
    rate_per_second: float | None = Field(default=None, gt=0)
    rate_burst: int = Field(default=5, ge=1)
    apprise_urls: tuple[SecretStr, ...] = ()
    group_wait: float = Field(
        default=0.0, ge=0, le=3600, description="Seconds a new storyline group waits; 0 = no grouping."
    )
    group_interval: float = Field(
        default=300.0, gt=0, le=86400, description="Seconds between a group's later digests."
    )
    group_max: int = Field(default=50, ge=1, le=1000)


class HttpSettings(_Frozen):
    """The monitor's own HTTP server (health, metrics, API)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    api_token: SecretStr | None = Field(
        default=None, description="Bearer token for API writes (silences); none = writes refused."
    )
    api_token_env: str | None = Field(
        default=None, description="Read api_token from this environment variable (keeps it out of the file)."
    )
    max_stream_clients: int = Field(
        default=64, ge=1, le=10_000, description="Open /api/stream connections at most; more get a 503."
    )


class IngestSettings(_Frozen):
    """Push ingestion: WebSub subscriptions for feeds that advertise a hub."""

    websub_callback_base: str | None = Field(
        default=None, description="Public base URL where hubs reach this monitor; none = WebSub off."
    )
    websub_lease_seconds: int = Field(default=864000, ge=60, le=365 * 86400)
    websub_allow_http_hubs: bool = Field(
        default=False,
        description="Subscribe at plain-http hubs too (never with a hub.secret); by default only https hubs.",
    )
    max_text_bytes: int = Field(
        default=200_000,
        ge=10_000,
        le=300_000,
        description="Article text is cut at this many UTF-8 bytes, so that every record made from it "
        "(the article, its enrichment, its matches) stays under Kafka's 1 MiB request limit.",
    )

    @field_validator("websub_callback_base")
    @classmethod
    def _http_base(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value


class EgressSettings(_Frozen):
    """Where outbound requests (feeds, full text, robots.txt, WebSub hubs, webhooks) may go.

    Only public addresses are reached unless a network is listed here: feeds,
    receivers or hubs on a private network, or on this host, need their
    network in ``allow_networks`` (``127.0.0.0/8`` for this host).
    """

    allow_networks: tuple[IPvAnyNetwork, ...] = Field(
        default=(), description="Non-public networks outbound requests may reach, as CIDR (10.0.0.0/8)."
    )
    allowed_ports: tuple[int, ...] | Literal["any"] = Field(
        default=(80, 443, 8080, 8443), description="Ports outbound requests may reach, or 'any'."
    )

    @field_validator("allowed_ports")
    @classmethod
    def _ports(cls, value: tuple[int, ...] | str) -> tuple[int, ...] | str:
        if isinstance(value, tuple) and not all(1 <= port <= 65535 for port in value):
            raise ValueError("ports are 1 to 65535")
        return value

    def policy(self) -> EgressPolicy:
        """The policy these settings describe."""
        ports = None if self.allowed_ports == "any" else self.allowed_ports
        return EgressPolicy.from_settings((str(net) for net in self.allow_networks), ports)


class NlpSettings(_Frozen):
    """Enrichment: how many processes run spaCy and how articles are batched."""

    processes: int = Field(default=1, ge=1, le=64)
    batch_size: int = Field(default=16, ge=1, le=1024)
    # While spaCy is busy, the next batch fills from the backlog anyway; when it is idle, waiting only
    # delays: 0.1 s gave lower latency and no lower throughput than 0.5 s (bench_e2e, docs/profile.md)
    batch_wait: float = Field(default=0.1, gt=0)


class DetectSettings(_Frozen):
    """Storyline matching and development detection."""

    min_match_score: float = Field(default=0.5, ge=0)
    event_horizon_days: int = Field(default=120, ge=1)


class Settings(_Frozen):
    """Everything a Newsmon process needs, validated once at start-up."""

    kafka: KafkaSettings = KafkaSettings()
    broker: EmbeddedBrokerSettings = EmbeddedBrokerSettings()
    feeds: tuple[FeedSettings, ...] = ()
    storylines: Path = Path("seeds/storylines.yaml")
    webhooks: tuple[WebhookSettings, ...] = ()
    alerts: AlertSettings = AlertSettings()
    http: HttpSettings = HttpSettings()
    ingest: IngestSettings = IngestSettings()
    egress: EgressSettings = EgressSettings()
    nlp: NlpSettings = NlpSettings()
    detect: DetectSettings = DetectSettings()
    state_dir: Path = DEFAULT_STATE_DIR
    console_alerts: bool = True
    app_id: str = "newsmon"
    stop_grace_seconds: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="A stop (SIGTERM, Ctrl-C) waits this long for an orderly shutdown, then forces what "
        "is left; work not committed by then is delivered again by Kafka.",
    )


def _key(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def build_settings(data: dict[str, Any], *, base_dir: Path | None = None) -> Settings:
    """Validate a configuration mapping; relative paths resolve against ``base_dir``."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_key(err['loc'])}: {err['msg']}" for err in exc.errors())
        raise ConfigError(f"invalid configuration: {problems}") from None
    settings = _resolve_secrets(settings)
    if base_dir is None:
        return settings
    return _resolve_paths(settings, base_dir)


def _resolve_secrets(settings: Settings) -> Settings:
    hooks = []
    for index, hook in enumerate(settings.webhooks):
        if hook.secret_env and hook.secret is None:
            value = os.environ.get(hook.secret_env)
            if value is None:
                raise ConfigError(
                    f"invalid configuration: webhooks.{index}.secret_env: environment variable "
                    f"{hook.secret_env} is not set"
                )
            hook = hook.model_copy(update={"secret": SecretStr(value)})
        hooks.append(hook)
    http = settings.http
    if http.api_token_env and http.api_token is None:
        token = os.environ.get(http.api_token_env)
        if token is None:
            name = http.api_token_env
            key = "http.api_token_env"
            raise ConfigError(f"invalid configuration: {key}: environment variable {name} is not set")
        http = http.model_copy(update={"api_token": SecretStr(token)})
    return settings.model_copy(update={"webhooks": tuple(hooks), "http": http})


def _resolve(path: Path, base_dir: Path) -> Path:
    return path if path.is_absolute() else (base_dir / path)


def _resolve_paths(settings: Settings, base_dir: Path) -> Settings:
    feeds = tuple(
        feed
        if feed.url.startswith(("http://", "https://", "file://")) or Path(feed.url).is_absolute()
        else feed.model_copy(update={"url": str(base_dir / feed.url)})
        for feed in settings.feeds
    )
    return settings.model_copy(
        update={
            "feeds": feeds,
            "storylines": _resolve(settings.storylines, base_dir),
            "state_dir": _resolve(settings.state_dir, base_dir),
        }
    )


def load_settings(path: Path) -> Settings:
    """Read and validate a YAML configuration file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"configuration {path} is not UTF-8 text (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"configuration {path} is not valid YAML: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"configuration {path}: the top level must be a mapping")
    return build_settings(raw, base_dir=path.parent.resolve())
