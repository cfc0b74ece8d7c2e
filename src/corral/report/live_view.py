"""The live view on a terminal: a few status lines kept at the bottom (rich), with the
lines that matter (changed, failed, unreachable, unknown) printed above them."""

from __future__ import annotations

import atexit
import time
from typing import TextIO

from rich.console import Console
from rich.live import Live
from rich.text import Text

from corral.report.live_status import LiveStatus

REFRESHES_PER_SECOND = 4


class LiveView:
    """Starts on the first event, stops before the end-of-run sections are printed."""

    def __init__(self, stream: TextIO, status: LiveStatus) -> None:
        self.status = status
        self.console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True)
        self._live: Live | None = None
        self._drawn = 0.0

    def _render(self) -> Text:
        return Text("\n".join(self.status.lines()), style="bold")

    @property
    def active(self) -> bool:
        return self._live is not None

    def start(self) -> None:
        if self._live is None:
            self._live = Live(get_renderable=self._render, console=self.console,
                              refresh_per_second=REFRESHES_PER_SECOND, transient=True,
                              redirect_stdout=False, redirect_stderr=False)
            self._live.start()
            atexit.register(self.stop)  # an error that skips run_end still gives the cursor back

    def print(self, line: str) -> None:
        """One line above the status (``line`` may carry ANSI colours)."""
        self.refresh()  # the status drawn under the line is the current one
        self.console.print(Text.from_ansi(line))

    def refresh(self, every: float = 0.0) -> None:
        """Redraw now, or (``every``) only when the last redraw is that many seconds old."""
        now = time.monotonic()
        if self._live is not None and now - self._drawn >= every:
            self._drawn = now
            self._live.refresh()

    def stop(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
            atexit.unregister(self.stop)
