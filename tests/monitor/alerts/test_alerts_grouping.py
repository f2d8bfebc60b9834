"""Grouper (group_wait / group_interval), digest, and batch delivery."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from monitor.alerts.delivery import Deliverer, webhook_destination
from monitor.alerts.grouping import Batch, Grouper, digest
from monitor.alerts.webhook import default_client
from monitor.egress import EgressPolicy
from monitor.metrics import Metrics
from monitor.models import Development
from monitor.settings import WebhookSettings

LOCAL = EgressPolicy.loopback_too()  # the receivers run on loopback


def _ids(batches: list[Batch]) -> list[tuple[str, list[str]]]:
    return [(b.key, [d.id for d in b.developments]) for b in batches]


def test_burst_waits_group_wait_then_goes_out_together(make_dev: Callable[..., Development]) -> None:
    """Developments of one storyline arriving within group_wait are sent as one batch at group_wait."""
    grouper = Grouper(group_wait=30, group_interval=300)
    grouper.add(make_dev(id="a"), now=0)
    grouper.add(make_dev(id="b"), now=10)
    assert grouper.due(29.9) == []
    assert grouper.next_due() == 30
    assert _ids(grouper.due(30)) == [("japan-korea-summits", ["a", "b"])]
    assert len(grouper) == 0


def test_later_arrivals_wait_for_group_interval(make_dev: Callable[..., Development]) -> None:
    """After the first flush a group flushes at most every group_interval, carrying what arrived."""
    grouper = Grouper(group_wait=30, group_interval=300)
    grouper.add(make_dev(id="a"), now=0)
    grouper.due(30)
    grouper.add(make_dev(id="b"), now=40)
    grouper.add(make_dev(id="c"), now=200)
    assert grouper.due(329) == []
    assert _ids(grouper.due(330)) == [("japan-korea-summits", ["b", "c"])]
    assert grouper.next_due() == 630


def test_idle_group_is_forgotten_and_restarts_with_group_wait(make_dev: Callable[..., Development]) -> None:
    """A group idle for a whole interval is dropped; the next development waits group_wait again."""
    grouper = Grouper(group_wait=30, group_interval=300)
    grouper.add(make_dev(id="a"), now=0)
    grouper.due(30)
    assert grouper.due(330) == []
    assert grouper.next_due() is None
    grouper.add(make_dev(id="b"), now=1000)
    assert grouper.due(1029) == []
    assert _ids(grouper.due(1030)) == [("japan-korea-summits", ["b"])]


def test_groups_are_per_storyline_and_dedupe_by_id(make_dev: Callable[..., Development]) -> None:
    """Storylines group separately; a re-sent development id replaces its queued copy."""
    grouper = Grouper(group_wait=10, group_interval=60)
    grouper.add(make_dev(id="a", summary="old"), now=0)
    grouper.add(make_dev(id="x", storyline_id="other"), now=5)
    grouper.add(make_dev(id="a", summary="new"), now=6)
    assert _ids(grouper.due(10)) == [("japan-korea-summits", ["a"])]
    assert _ids(grouper.due(15)) == [("other", ["x"])]
    assert len(grouper) == 0


def test_late_tick_keeps_interval_spacing(make_dev: Callable[..., Development]) -> None:
    """When due() is called late, the next flush is a full interval after the actual one."""
    grouper = Grouper(group_wait=0, group_interval=60)
    grouper.add(make_dev(id="a"), now=0)
    assert grouper.due(500)
    assert grouper.next_due() == 560


def test_max_batch_splits_and_flush_empties(make_dev: Callable[..., Development]) -> None:
    """Batches are capped at max_batch; flush() returns everything pending at once."""
    grouper = Grouper(group_wait=100, group_interval=100, max_batch=2)
    for i in range(5):
        grouper.add(make_dev(id=f"d{i}"), now=0)
    assert [len(b.developments) for b in grouper.flush()] == [2, 2, 1]
    assert grouper.next_due() is None
    with pytest.raises(ValueError):
        Grouper(group_interval=0)


def test_digest_folds_a_batch(make_dev: Callable[..., Development], sample_dev: Development) -> None:
    """A digest is stable, takes the most important kind, unions articles and lists every summary."""
    a = make_dev(id="a", kind="new_development", summary="First.", confidence=0.4)
    b = make_dev(
        id="b",
        kind="conflict",
        summary="Second.",
        confidence=0.9,
        created_at=sample_dev.created_at + timedelta(minutes=5),
    )
    merged = digest([a, b])
    assert merged.id == digest([b, a]).id and merged.id.startswith("digest-")
    assert merged.kind == "conflict" and merged.confidence == 0.9
    assert merged.created_at == b.created_at
    assert "First." in merged.summary and "Second." in merged.summary
    assert len(merged.articles) == len(sample_dev.articles)
    assert digest([a]) is a
    with pytest.raises(ValueError):
        digest([])


def test_deliver_batch_sends_one_digest_per_destination(
    make_dev: Callable[..., Development], receiver: Any, metrics: Metrics, count_alerts: Callable[..., float]
) -> None:
    """A batch is one POST (a schema-valid digest) of the developments the destination accepts."""

    async def main() -> None:
        async with receiver() as rx, default_client(LOCAL) as client:
            settings = WebhookSettings(url=rx.url, kinds=("new_event", "conflict"))
            dest = webhook_destination(settings, client, base_delay=0.01)
            batch = Batch(
                "japan-korea-summits",
                (
                    make_dev(id="a", kind="new_event", summary="A."),
                    make_dev(id="b", kind="new_development", summary="B."),
                    make_dev(id="c", kind="conflict", summary="C."),
                ),
            )
            (outcome,) = await Deliverer([dest], metrics).deliver_batch(batch)
            assert outcome.status == "delivered"
            (got,) = rx.received
            body = got.json()
            assert body["kind"] == "conflict"
            assert "A." in body["summary"] and "C." in body["summary"] and "B." not in body["summary"]
            filtered = await Deliverer([dest], metrics).deliver_batch(
                [make_dev(id="z", kind="new_development")]
            )
            assert (filtered[0].status, filtered[0].reason) == ("filtered", "kind")
            assert await Deliverer([dest], metrics).deliver_batch([]) == []
        assert count_alerts(outcome="filtered", reason="kind") == 1

    asyncio.run(main())
