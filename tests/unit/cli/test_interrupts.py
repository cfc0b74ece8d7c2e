"""SIGINT/SIGTERM during a run go to the engine; none, however many or however late,
raises KeyboardInterrupt or kills the process before the report is written."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from corral.cli.interrupts import Interrupts


async def _run(interrupts: Interrupts, signals: list[int]) -> list[str]:
    calls: list[str] = []
    with interrupts.forwarded(asyncio.get_running_loop(), lambda: calls.append("interrupt")):
        for signum in signals:
            os.kill(os.getpid(), signum)
            await asyncio.sleep(0.05)
    return calls


@pytest.mark.parametrize("signals", [[signal.SIGINT], [signal.SIGTERM],
                                     [signal.SIGINT, signal.SIGINT, signal.SIGTERM]])
def test_each_signal_reaches_the_engine_on_the_loop(signals: list[int]) -> None:
    with Interrupts() as interrupts:
        assert asyncio.run(_run(interrupts, signals)) == ["interrupt"] * len(signals)


def test_signals_outside_the_loop_are_counted_and_replayed() -> None:
    with Interrupts() as interrupts:
        os.kill(os.getpid(), signal.SIGINT)  # before the loop runs: no KeyboardInterrupt
        assert interrupts.count == 1
        assert asyncio.run(_run(interrupts, [])) == ["interrupt"]
        os.kill(os.getpid(), signal.SIGTERM)  # after it (the report is being written)
        os.kill(os.getpid(), signal.SIGINT)
        assert interrupts.count == 3


def test_previous_handlers_come_back() -> None:
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with Interrupts():
        assert signal.getsignal(signal.SIGINT) is not before[0]
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
