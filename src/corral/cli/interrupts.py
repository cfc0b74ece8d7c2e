"""Ctrl-C and SIGTERM during a run: handed to the engine, and never at the cost of the report.

The handlers are in place from before the event loop starts until the report is
written, so asyncio's own Ctrl-C handling (a KeyboardInterrupt on the second one)
never applies and no signal can cut the recap or the JSON report short.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)
FIRST_NOTICE = "interrupted: stopping every host (press Ctrl-C again to stop waiting for them)\n"


class Interrupts:
    """SIGINT and SIGTERM go to ``on_signal`` on the event loop while a run lasts;
    outside the loop they are only counted (and replayed once the loop runs)."""

    def __init__(self) -> None:
        self.count = 0
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> Interrupts:
        for signum in SIGNALS:
            self._previous[signum] = signal.signal(signum, self._outside_loop)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _outside_loop(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1

    @contextmanager
    def forwarded(self, loop: asyncio.AbstractEventLoop,
                  on_signal: Callable[[], None]) -> Iterator[None]:
        """Call ``on_signal`` on ``loop`` for each signal, for the length of the block."""
        def on_loop() -> None:
            self.count += 1
            if self.count == 1:
                sys.stderr.write(FIRST_NOTICE)
            on_signal()

        for signum in SIGNALS:
            loop.add_signal_handler(signum, on_loop)
        for _ in range(min(self.count, 2)):  # what came before the loop ran
            loop.call_soon(on_signal)
        try:
            yield
        finally:
            # No gap where the default handlers (KeyboardInterrupt, or death by
            # SIGTERM) apply: block both while the loop's handlers are swapped out.
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
            try:
                for signum in SIGNALS:
                    loop.remove_signal_handler(signum)
                    signal.signal(signum, self._outside_loop)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
