"""Topic names: one outbox per destination, always a legal Kafka topic name, never shared."""

from __future__ import annotations

import re

from streams.topics import TopicNames

LEGAL = re.compile(r"^[a-zA-Z0-9._-]{1,249}$")


def test_plain_destination_names_are_kept() -> None:
    """A name that is already topic-safe is used as it is, after the prefix."""
    assert TopicNames("nm").outbox("ops-team") == "nm-outbox-ops-team"


def test_default_webhook_names_become_legal_and_distinct() -> None:
    """``webhook:host#hash`` names are sanitized, and two names that sanitize alike stay apart."""
    names = TopicNames()
    first, second = names.outbox("webhook:example.org#1a2b3c4d"), names.outbox("webhook/example.org#1a2b3c4d")
    assert LEGAL.match(first) and LEGAL.match(second)
    assert first != second
    assert first.startswith("newsmon-outbox-webhook_example.org_1a2b3c4d-")
    assert LEGAL.match(names.outbox("x" * 400))
