"""After a Ctrl-C no host task runs on: the play returns only once every one has ended,
even one that swallowed its cancel (asyncio.wait_for does that in a race)."""

from __future__ import annotations

import asyncio
from typing import Any

from corral.executor.host_state import HostState
from corral.executor.play_runner import PlayRunner, _stop_all


async def _stubborn(log: list[str], name: str) -> None:
    """Swallows the first cancel (as a racing wait_for would), then works on."""
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        log.append(f"{name} swallowed")
    await asyncio.sleep(10)
    log.append(f"{name} ran on")  # must never happen


def test_stop_all_ends_tasks_that_swallow_a_cancel() -> None:
    async def main() -> list[str]:
        log: list[str] = []
        tasks = [asyncio.ensure_future(_stubborn(log, n)) for n in "ab"]
        await asyncio.sleep(0)
        await asyncio.wait_for(_stop_all(tasks), 2)
        assert all(t.done() for t in tasks)
        return log

    assert sorted(asyncio.run(main())) == ["a swallowed", "b swallowed"]


def test_on_hosts_returns_only_when_every_host_task_has_ended() -> None:
    runner: Any = PlayRunner.__new__(PlayRunner)
    runner.semaphore = asyncio.Semaphore(10)
    runner.states = {n: HostState(n) for n in ("quick", "stubborn")}
    log: list[str] = []

    async def work(state: HostState) -> None:
        if state.name == "quick":
            await asyncio.sleep(10)
        else:
            await _stubborn(log, state.name)

    async def main() -> None:
        play = asyncio.ensure_future(runner._on_hosts(["quick", "stubborn"], work))
        await asyncio.sleep(0.05)
        play.cancel()
        try:
            await play
        except asyncio.CancelledError:
            pass
        log.append("play ended")
        await asyncio.sleep(0.2)  # nothing may log after the play said it ended

    asyncio.run(main())
    assert log == ["stubborn swallowed", "play ended"]
