"""SIGUSR1 makes a serving process write where each of its asyncio tasks waits."""

from __future__ import annotations

import asyncio

import pytest

from monitor.cli.main import _dump_tasks


async def _inner(gate: asyncio.Event) -> None:
    await gate.wait()


async def _outer(gate: asyncio.Event) -> None:
    await _inner(gate)


def test_the_dump_names_each_task_and_the_chain_it_awaits(capsys: pytest.CaptureFixture[str]) -> None:
    """A task stuck two coroutines deep is listed by name with both coroutines and their lines."""

    async def main() -> None:
        gate = asyncio.Event()
        task = asyncio.create_task(_outer(gate), name="stuck-stage")
        await asyncio.sleep(0)
        _dump_tasks()
        gate.set()
        await task

    asyncio.run(main())
    err = capsys.readouterr().err
    assert "asyncio tasks (SIGUSR1)" in err
    block = err.split("--- stuck-stage\n", 1)[1].split("---", 1)[0]
    lines = block.splitlines()
    assert "_outer" in lines[0] and "test_cli_task_dump.py" in lines[0]
    assert "_inner" in lines[1]
