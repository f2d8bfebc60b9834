"""A stored storyline state that is not a state costs the storyline its memory, never a crash."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.detect.state import StorylineState, restore


def test_a_stored_state_reads_back() -> None:
    """A state dumped as JSON is restored equal, with no problem reported."""
    state = StorylineState(storyline_id="jk", updated_at=datetime(2026, 1, 1, tzinfo=UTC))
    restored, problem = restore(state.model_dump(mode="json"))
    assert problem is None and restored == state


@pytest.mark.parametrize("raw", [None, {}])
def test_nothing_stored_is_a_fresh_start(raw: object) -> None:
    """No record (or an empty one) is a fresh storyline, not a problem."""
    assert restore(raw) == (None, None)


@pytest.mark.parametrize("raw", [{"id": 1}, ["x"], "garbage", 7, {"storyline_id": 5, "events": "many"}])
def test_garbage_is_reported_and_detection_starts_afresh(raw: object) -> None:
    """Garbage written to the table's changelog gives no state and names the problem."""
    state, problem = restore(raw)
    assert state is None
    assert problem and "validation error" in problem
