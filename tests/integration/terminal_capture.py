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
        """Everything written, escape codes and carriage returns removed (erased lines too)."""
        return ANSI.sub("", self.raw).replace("\r", "")

    @property
    def screen(self) -> str:
        """What is left on the terminal (and its scrollback) at the end: erased lines gone."""
        return "\n".join(replay(self.raw)).rstrip("\n") + "\n"


def replay(raw: str) -> list[str]:
    """A small terminal: text, \\r, \\n, cursor up (ESC[nA) and erase line (ESC[2K); the
    other escape codes (colours, cursor visibility) change nothing on the lines."""
    lines, row, col = [""], 0, 0
    for match in re.finditer(r"\x1b\[([0-9;?]*)([A-Za-z])|\r|\n|[^\x1b\r\n]+", raw):
        token = match.group(0)
        if token == "\r":
            col = 0
        elif token == "\n":
            row, col = row + 1, 0
            if row == len(lines):
                lines.append("")
        elif match.group(2) == "A":
            row = max(0, row - int(match.group(1) or 1))
        elif match.group(2) == "K":
            lines[row] = ""
        elif match.group(2) is None:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + token + line[col + len(token):]
            col += len(token)
    while lines and not lines[-1]:
        lines.pop()
    return lines


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
