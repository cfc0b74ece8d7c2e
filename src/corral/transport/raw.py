"""What a command run straight over a connection (no agent, no Python) gives back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawResult:
    """Exit status and output of one raw command."""

    rc: int
    stdout: bytes
    stderr: bytes
