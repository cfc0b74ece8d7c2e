"""Run a command on a pseudo-terminal (stdlib `pty`), as a person at a terminal would see it."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass
class TerminalRun:
    code: int
    raw: str  # everything written to the terminal, escape codes included

    @property
    def text(self) -> str:
        """The output without escape codes and carriage returns."""
        return ANSI.sub("", self.raw).replace("\r", "")


def run_on_terminal(argv: Sequence[str], env: dict[str, str] | None = None,
                    columns: int = 160, rows: int = 50, timeout: float = 300) -> TerminalRun:
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    environment = {k: v for k, v in (env or os.environ).items() if k != "NO_COLOR"}
    environment["TERM"] = "xterm-256color"
    proc = subprocess.Popen(list(argv), stdin=child, stdout=child, stderr=child,
                            env=environment, close_fds=True)
    os.close(child)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                try:
                    data = os.read(main, 65536)
                except OSError:  # EIO: the child side closed
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
    finally:
        os.close(main)
    return TerminalRun(proc.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace"))
