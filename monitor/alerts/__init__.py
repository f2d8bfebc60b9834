"""Alert delivery: payload v1, channels (console, webhook, Slack, Apprise), retries and noise control.

Typical wiring (the stream layer owns the Kafka side)::

    client = default_client(settings.egress.policy())
    console = sys.stdout if settings.console_alerts else None
    destinations = destinations_from_settings(settings.webhooks, client, settings.alerts, console=console)
    deliverer = Deliverer(destinations, metrics, silences=silence_set)
    for outcome in await deliverer.deliver(dev):
        if outcome.status == "dead_letter":
            publish(dead_letter(dev, outcome))
"""

from monitor.alerts.base import Channel, DeliveryResult
from monitor.alerts.breaker import CircuitBreaker
from monitor.alerts.console import ConsoleChannel
from monitor.alerts.deadletter import DeadLetter, dead_letter, replay
from monitor.alerts.delivery import (
    Deliverer,
    Destination,
    Outcome,
    RetryPolicy,
    Route,
    destinations_from_settings,
    webhook_destination,
)
from monitor.alerts.grouping import Batch, Grouper, digest
from monitor.alerts.payload import to_payload
from monitor.alerts.ratelimit import TokenBucket
from monitor.alerts.signing import sign, verify
from monitor.alerts.silences import Silence, SilenceMatcher, SilenceSet, mute
from monitor.alerts.webhook import WebhookChannel, default_client

__all__ = [
    "Batch",
    "Channel",
    "CircuitBreaker",
    "ConsoleChannel",
    "DeadLetter",
    "Deliverer",
    "DeliveryResult",
    "Destination",
    "Grouper",
    "Outcome",
    "RetryPolicy",
    "Route",
    "Silence",
    "SilenceMatcher",
    "SilenceSet",
    "TokenBucket",
    "WebhookChannel",
    "dead_letter",
    "default_client",
    "destinations_from_settings",
    "digest",
    "mute",
    "replay",
    "sign",
    "to_payload",
    "verify",
    "webhook_destination",
]
