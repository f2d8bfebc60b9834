"""Silences and SilenceSet."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from monitor.alerts.base import DeliveryResult
from monitor.alerts.delivery import Deliverer, Destination
from monitor.alerts.silences import Silence, SilenceError, SilenceMatcher, SilenceSet, mute
from monitor.errors import NewsmonError
from monitor.metrics import Metrics
from monitor.models import Development

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_storyline_silence_mutes_only_during_its_window(make_dev: Callable[..., Development]) -> None:
    """A storyline silence mutes that storyline from starts_at (inclusive) to ends_at (exclusive)."""
    silences = SilenceSet()
    silences.add(mute(now=T0, duration=HOUR, storyline_id="japan-korea-summits", created_by="ana"))
    dev = make_dev()
    assert not silences.is_silenced(dev, T0 - timedelta(seconds=1))
    assert silences.is_silenced(dev, T0)
    assert silences.is_silenced(dev, T0 + HOUR - timedelta(seconds=1))
    assert not silences.is_silenced(dev, T0 + HOUR)
    assert not silences.is_silenced(make_dev(storyline_id="other"), T0)


def test_event_silence_mutes_one_event(make_dev: Callable[..., Development]) -> None:
    """An event silence mutes that event only; storyline+event must both match when both are given."""
    silences = SilenceSet([mute(now=T0, duration=HOUR, event_id="evt-2026-12-tokyo")])
    assert silences.is_silenced(make_dev(), T0)
    assert not silences.is_silenced(make_dev(event_id="evt-other"), T0)
    both = SilenceSet([mute(now=T0, duration=HOUR, storyline_id="other", event_id="evt-2026-12-tokyo")])
    assert not both.is_silenced(make_dev(), T0)


def test_expire_list_and_prune(make_dev: Callable[..., Development]) -> None:
    """expire ends a silence now (or drops a future one); list hides expired ones; prune forgets them."""
    silences = SilenceSet()
    current = silences.add(mute(now=T0, duration=HOUR, storyline_id="japan-korea-summits", silence_id="s1"))
    future = silences.add(mute(now=T0 + 2 * HOUR, duration=HOUR, event_id="e", silence_id="s2"))
    later = T0 + timedelta(minutes=10)
    ended = silences.expire(current.id, later)
    assert ended.ends_at == later and not silences.is_silenced(make_dev(), later)
    assert [s.id for s in silences.list(later)] == ["s2"]
    assert [s.id for s in silences.list(later, include_expired=True)] == ["s1", "s2"]
    silences.expire(future.id, later)
    assert [s.id for s in silences.list()] == ["s1"]
    assert [s.id for s in silences.prune(later + HOUR)] == ["s1"]
    assert len(silences) == 0
    with pytest.raises(SilenceError) as info:
        silences.expire("nope", later)
    assert isinstance(info.value, NewsmonError)


def test_ending_leaves_the_set_alone_and_apply_records_a_change() -> None:
    """ending() says what expiring would leave without changing the set (what the API publishes);
    apply() stores a silence by id or, given None, removes the id (a tombstone from the topic)."""
    silences = SilenceSet([mute(now=T0, duration=HOUR, event_id="e", silence_id="s1")])
    later = T0 + timedelta(minutes=5)
    ended = silences.ending("s1", later)
    assert ended is not None and ended.ends_at == later
    assert silences.get("s1").ends_at == T0 + HOUR
    assert silences.ending("s1", T0 - HOUR) is None  # not started yet: removed rather than ended
    silences.apply("s1", ended)
    assert silences.get("s1").ends_at == later
    silences.apply("s1", None)
    silences.apply("never-there", None)
    assert len(silences) == 0


def test_silence_validation() -> None:
    """A silence needs a matcher, aware datetimes and a positive duration."""
    with pytest.raises(SilenceError):
        mute(now=T0, duration=HOUR)
    with pytest.raises(SilenceError):
        mute(now=T0, duration=-HOUR, storyline_id="x")
    with pytest.raises(ValueError):
        Silence(
            id="x",
            matcher=SilenceMatcher(storyline_id="x"),
            starts_at=datetime(2026, 1, 1),
            ends_at=datetime(2026, 1, 2),
        )


def test_dump_and_load_roundtrip() -> None:
    """A silence set survives a JSON-ready dump and load; bad data is a SilenceError."""
    silences = SilenceSet([mute(now=T0, duration=HOUR, storyline_id="a", comment="noisy", created_by="bo")])
    again = SilenceSet.load(silences.dump())
    assert again.list() == silences.list()
    with pytest.raises(SilenceError):
        SilenceSet.load([{"id": "x"}])


def test_deliverer_filters_silenced(make_dev: Callable[..., Development], metrics: Metrics) -> None:
    """The deliverer consults the SilenceSet with its clock: silenced developments are filtered, not sent."""
    sent: list[str] = []

    class Recorder:
        name = "rec"

        async def send(self, dev: Development) -> DeliveryResult:
            sent.append(dev.id)
            return DeliveryResult(True, False, "ok")

    silences = SilenceSet([mute(now=T0, duration=HOUR, storyline_id="japan-korea-summits")])
    deliverer = Deliverer([Destination(Recorder())], metrics, silences=silences, now=lambda: T0)
    (outcome,) = asyncio.run(deliverer.deliver(make_dev(id="muted")))
    assert (outcome.status, outcome.reason) == ("filtered", "silenced")
    asyncio.run(deliverer.deliver(make_dev(id="loud", storyline_id="other")))
    assert sent == ["loud"]
